package dev.nanobanana.camel.emulator;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link RunpodEmulator} behaves: where it listens, the key it accepts and how long its jobs take.
 *
 * @param port TCP port on 127.0.0.1, 0 for an ephemeral one
 * @param apiKey the key clients must send as {@code Authorization: Bearer <apiKey>}
 * @param latency how long a job runs once it leaves the queue
 * @param queueDelay how long a job waits IN_QUEUE before it runs
 * @param runsyncWait how long {@code /runsync} waits for the job before answering with its id and state
 * @param base64Style where images of jobs with {@code enable_base64_output} go
 */
public record EmulatorSettings(int port, String apiKey, Duration latency, Duration queueDelay,
                               Duration runsyncWait, Base64Style base64Style) {

    public EmulatorSettings {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0-65535, got " + port);
        }
        if (apiKey == null || apiKey.isBlank()) {
            throw new IllegalArgumentException("apiKey must not be blank");
        }
        requireNotNegative("latency", latency);
        requireNotNegative("queueDelay", queueDelay);
        requireNotNegative("runsyncWait", runsyncWait);
        Objects.requireNonNull(base64Style, "base64Style");
    }

    /** Ephemeral port, key {@code emulator-key}, 300 ms jobs, no queue delay and RunPod's 90 s runsync wait. */
    public static EmulatorSettings defaults() {
        return new EmulatorSettings(0, "emulator-key", Duration.ofMillis(300), Duration.ZERO,
                Duration.ofSeconds(90), Base64Style.DATA_URI_IN_IMAGE_URL);
    }

    public EmulatorSettings withPort(int port) {
        return new EmulatorSettings(port, apiKey, latency, queueDelay, runsyncWait, base64Style);
    }

    public EmulatorSettings withApiKey(String apiKey) {
        return new EmulatorSettings(port, apiKey, latency, queueDelay, runsyncWait, base64Style);
    }

    public EmulatorSettings withLatency(Duration latency) {
        return new EmulatorSettings(port, apiKey, latency, queueDelay, runsyncWait, base64Style);
    }

    public EmulatorSettings withQueueDelay(Duration queueDelay) {
        return new EmulatorSettings(port, apiKey, latency, queueDelay, runsyncWait, base64Style);
    }

    public EmulatorSettings withRunsyncWait(Duration runsyncWait) {
        return new EmulatorSettings(port, apiKey, latency, queueDelay, runsyncWait, base64Style);
    }

    public EmulatorSettings withBase64Style(Base64Style base64Style) {
        return new EmulatorSettings(port, apiKey, latency, queueDelay, runsyncWait, base64Style);
    }

    private static void requireNotNegative(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, got " + value);
        }
    }
}
