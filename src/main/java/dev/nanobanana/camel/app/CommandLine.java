package dev.nanobanana.camel.app;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * The runtime's command line: its own options, and Camel Main's, which are handed on as they are.
 *
 * @param once work off the job files in the sources, then exit
 * @param help print the options and exit
 * @param costs print what the job ledger says was spent, and exit
 * @param camelArguments Camel Main's options, with their values
 */
record CommandLine(boolean once, boolean help, boolean costs, List<String> camelArguments) {

    static final String ONCE = "--once";
    static final String HELP = "--help";
    static final String COSTS = CostsCommand.OPTION;

    CommandLine {
        camelArguments = List.copyOf(camelArguments);
    }

    /**
     * @param camelTakes how many arguments Camel Main takes from one of its options on (the option and its value), 0
     *     when it is not one of Camel Main's
     * @throws IllegalArgumentException for an option neither knows, in one line
     */
    static CommandLine parse(List<String> arguments, ToIntFunction<String> camelTakes) {
        boolean once = false;
        boolean help = false;
        boolean costs = false;
        List<String> camel = new ArrayList<>();
        for (int i = 0; i < arguments.size(); i++) {
            String argument = arguments.get(i);
            if (argument.equals(ONCE)) {
                once = true;
            } else if (argument.equals(HELP)) {
                help = true;
            } else if (argument.equals(COSTS)) {
                costs = true;
            } else {
                int taken = camelTakes.applyAsInt(argument);
                if (taken == 0) {
                    throw new IllegalArgumentException("Unknown option: " + argument);
                }
                if (i + taken > arguments.size()) {
                    throw new IllegalArgumentException("The option " + argument + " needs a value");
                }
                camel.addAll(arguments.subList(i, i + taken));
                i += taken - 1;
            }
        }
        return new CommandLine(once, help, costs, camel);
    }
}
