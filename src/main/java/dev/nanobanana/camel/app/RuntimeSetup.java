package dev.nanobanana.camel.app;

import java.io.IOException;
import java.util.Properties;

import org.apache.camel.CamelContext;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.nanobanana.camel.NanoBananaErrorHandling;
import dev.nanobanana.camel.NanoBananaRoutes;
import dev.nanobanana.camel.NanoBananaSettings;
import dev.nanobanana.camel.emulator.EmulatorSettings;
import dev.nanobanana.camel.emulator.FaultSpec;
import dev.nanobanana.camel.emulator.RunpodEmulator;

/**
 * Sets the standalone runtime up once its properties are known: starts the built-in emulator when it is enabled,
 * refuses to start against the real endpoint without an API key, and adds the pipeline's routes.
 */
class RuntimeSetup extends MainListenerSupport {

    private static final Logger LOG = LoggerFactory.getLogger(RuntimeSetup.class);

    private RunpodEmulator emulator;

    static Properties defaults() {
        Properties defaults = NanoBananaSettings.defaultProperties();
        defaults.setProperty("camel.main.name", "nano-banana-camel");
        defaults.setProperty("camel.main.routes-include-pattern", "file:routes/*.camel.yaml");
        return defaults;
    }

    @Override
    public void beforeConfigure(BaseMainSupport main) {
        CamelContext context = main.getCamelContext();
        NanoBananaSettings settings = NanoBananaSettings.from(context);
        if (Boolean.parseBoolean(property(context, "emulator.enabled"))) {
            emulator = startEmulator(context);
            settings = settings.withEndpoint(emulator.endpointUrl(), emulator.apiKey());
            LOG.warn("Using the built-in RunPod emulator at {}: its images are placeholders and nothing is charged",
                    emulator.endpointUrl());
        } else if (!settings.hasApiKey()) {
            throw new StartupRefused("No RunPod API key: set RUNPOD_API_KEY (or nanobanana.api-key), "
                                     + "or try the built-in emulator with -Dnanobanana.emulator.enabled=true");
        } else {
            LOG.info("Sending jobs to {}", settings.endpointUrl());
        }
        main.configure().addRoutesBuilder(new NanoBananaErrorHandling(settings));
        main.configure().addRoutesBuilder(new NanoBananaRoutes(settings));
    }

    @Override
    public void afterStop(BaseMainSupport main) {
        if (emulator != null) {
            emulator.close();
        }
    }

    private static RunpodEmulator startEmulator(CamelContext context) {
        EmulatorSettings settings = EmulatorSettings.defaults()
                .withPort(Integer.parseInt(property(context, "emulator.port")))
                .withLatency(NanoBananaSettings.duration(property(context, "emulator.latency")))
                .withRunsyncWait(NanoBananaSettings.duration(property(context, "emulator.runsync-wait")));
        RunpodEmulator started;
        try {
            started = RunpodEmulator.start(settings);
        } catch (IOException e) {
            throw new StartupRefused("The built-in RunPod emulator could not listen on port " + settings.port()
                                     + ": " + e.getMessage() + "; set nanobanana.emulator.port to a free port, or 0");
        }
        try {
            FaultSpec.parse(property(context, "emulator.faults"))
                    .forEach(fault -> started.inject(fault.operation(), fault.fault()));
        } catch (IllegalArgumentException e) {
            started.close();
            throw new StartupRefused("nanobanana.emulator.faults: " + e.getMessage());
        }
        return started;
    }

    private static String property(CamelContext context, String key) {
        return context.getPropertiesComponent().resolveProperty(NanoBananaSettings.PREFIX + key)
                .orElse(NanoBananaSettings.DEFAULTS.get(key)).trim();
    }
}
