package dev.nanobanana.camel.app;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;

import dev.nanobanana.camel.settings.EmulatorOptions;
import dev.nanobanana.emulator.EmulatorCommand;
import dev.nanobanana.emulator.EmulatorSettings;
import dev.nanobanana.emulator.FaultSpec;
import dev.nanobanana.emulator.RunpodEmulator;

/**
 * The built-in RunPod emulator as the runtime runs it: alone ({@code --emulator}) or in front of the pipeline
 * ({@code nanobanana.emulator.enabled=true}). The emulator ships apart from the library jar, in the fat jar and as the
 * artifact with the classifier {@code emulator}: this is the one class of the library that names it, and it is loaded
 * only when one of those two asks for the emulator, so that an application without the emulator never meets it.
 */
final class BuiltInEmulator implements AutoCloseable {

    static final String OPTION = EmulatorCommand.OPTION;
    static final String MISSING = "The built-in RunPod emulator is not on the classpath: it comes in "
                                  + "nano-banana-camel-app.jar, or as the artifact dev.nanobanana:nano-banana-camel "
                                  + "with the classifier emulator";

    private final RunpodEmulator emulator;

    private BuiltInEmulator(RunpodEmulator emulator) {
        this.emulator = emulator;
    }

    /** The emulator alone, as {@link EmulatorCommand} runs it; its exit code. */
    static int runAlone(List<String> args, PrintStream out, PrintStream err) throws InterruptedException {
        if (!isPresent()) {
            err.println("nano-banana-camel " + OPTION + ": " + MISSING);
            return NanoBananaMain.NOT_STARTED;
        }
        return EmulatorCommand.run(args, out, err);
    }

    /** Starts the emulator the runtime sends its jobs to, as {@code nanobanana.emulator.*} says. */
    static BuiltInEmulator start(EmulatorOptions options) {
        if (!isPresent()) {
            throw new StartupRefused(MISSING + "; or set nanobanana.emulator.enabled=false");
        }
        EmulatorSettings settings = EmulatorSettings.defaults()
                .withPort(options.port())
                .withLatency(options.latency())
                .withRunsyncWait(options.runsyncWait())
                .withFetchInputs(options.fetchInputs())
                // nothing in the runtime reads the requests back
                .withRecordedRequests(0);
        List<FaultSpec> faults;
        try {
            faults = FaultSpec.parse(options.faults());
        } catch (IllegalArgumentException e) {
            throw new StartupRefused("nanobanana.emulator.faults: " + e.getMessage());
        }
        RunpodEmulator started;
        try {
            started = RunpodEmulator.start(settings);
        } catch (IOException e) {
            throw new StartupRefused("The built-in RunPod emulator could not listen on port " + settings.port()
                                     + ": " + e.getMessage() + "; set nanobanana.emulator.port to a free port, or 0");
        }
        faults.forEach(fault -> started.inject(fault.operation(), fault.fault()));
        return new BuiltInEmulator(started);
    }

    String endpointUrl() {
        return emulator.endpointUrl();
    }

    String apiKey() {
        return emulator.apiKey();
    }

    @Override
    public void close() {
        emulator.close();
    }

    private static boolean isPresent() {
        try {
            Class.forName("dev.nanobanana.emulator.RunpodEmulator", false, BuiltInEmulator.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
