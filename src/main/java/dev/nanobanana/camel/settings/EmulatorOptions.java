package dev.nanobanana.camel.settings;

import java.time.Duration;

/**
 * The {@code nanobanana.emulator.*} settings, a part of {@link NanoBananaSettings}: whether the standalone runtime
 * starts the built-in RunPod emulator instead of calling RunPod, and how the emulator behaves.
 *
 * @param faults the faults to inject, as the emulator's fault list reads them ({@code runsync=429,status=503})
 */
public record EmulatorOptions(boolean enabled, int port, Duration latency, Duration runsyncWait, String faults,
        boolean fetchInputs) {

    static EmulatorOptions from(NanoBananaProperties properties) {
        return new EmulatorOptions(properties.flag("emulator.enabled"), properties.number("emulator.port", 0),
                properties.duration("emulator.latency"), properties.duration("emulator.runsync-wait"),
                properties.text("emulator.faults"), properties.flag("emulator.fetch-inputs"));
    }
}
