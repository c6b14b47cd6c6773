package dev.nanobanana.camel.app;

import org.apache.camel.main.Main;

/** Camel Main as the runtime runs it: its help starts with the runtime's own options, then lists Camel Main's. */
final class RuntimeMain extends Main {

    static final String USAGE = """
            Usage: java [-Dkey=value ...] -jar nano-banana-camel-app.jar [options]

            Runs nano-banana-camel from the folder that holds config/ and routes/: job files in the inbox (and in the
            SFTP and S3 inboxes when they are enabled) become images through RunPod's Nano Banana 2 Edit endpoint.
            Without options it runs until it is stopped (Ctrl-C or SIGTERM).

            Options:
              --once        work off the job files in every enabled source, and the jobs the job ledger resumes,
                            then exit: 0 when every job completed, 1 when any did not (a failed or invalid job, one
                            in doubt, a source that could not be read, jobs the budget cap held back),
                            2 when the runtime could not start, 143 when stopped by SIGTERM before the batch was over
              --costs       print what the job ledger says was spent, per UTC day and source, and exit
              --emulator    run the built-in RunPod emulator alone (--emulator --help lists its options)
              --help        print this and exit

            Settings: every key in config/application.properties, given as -Dkey=value before -jar
            (java -Dnanobanana.concurrency=16 -jar ...) or as an environment variable named after the key in upper
            case, with '.' and '-' as '_' (NANOBANANA_CONCURRENCY=16). The API key: RUNPOD_API_KEY.
            Try it offline, for free: -Dnanobanana.emulator.enabled=true

            Camel Main's own options work too:
            """;

    @Override
    public void showOptionsHeader() {
        System.out.print(USAGE);
    }

    /** How many arguments one of Camel Main's options takes from here on (itself and its value); 0 for no option. */
    int argumentsTaken(String argument) {
        initOptions();
        for (Option option : options) {
            if (argument.equalsIgnoreCase(option.getAbbreviation()) || option.getFullName().startsWith(argument)) {
                return option instanceof ParameterOption ? 2 : 1;
            }
        }
        return 0;
    }
}
