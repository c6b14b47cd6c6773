package dev.nanobanana.emulator;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link RunpodEmulator} behaves: where it listens, the key it accepts, how long its jobs take, what images they
 * make and how long it remembers them.
 *
 * @param host the address it listens on: {@code 127.0.0.1} (this machine only), {@code 0.0.0.0} (every interface), or
 *             one address or name of this machine
 * @param port TCP port, 0 for an ephemeral one
 * @param apiKey the key clients must send as {@code Authorization: Bearer <apiKey>}
 * @param latency how long a job runs once it leaves the queue
 * @param queueDelay how long a job waits IN_QUEUE before it runs
 * @param runsyncWait how long {@code /runsync} waits for the job before answering with its id and state
 * @param base64Style where images of jobs with {@code enable_base64_output} go
 * @param imageBytes 0 to render each job's prompt at its size; otherwise every job gets one shared PNG of about this
 *                   many bytes, so that a load test measures its client rather than the emulator's image making
 * @param fetchInputs whether to download every input image, as the real service does, and fail the job when one
 *                    cannot be read
 * @param runsyncResultTtl how long a finished {@code /runsync} job can still be asked for (RunPod: about 1 minute)
 * @param runResultTtl how long a finished {@code /run} job can still be asked for (RunPod: 30 minutes)
 * @param imageGrace how long a job is kept once its image was first downloaded or sent inline, so that a retried
 *                   download still works; a job is forgotten at the earlier of this and its result TTL
 * @param recordedRequests how many of the latest requests {@link RunpodEmulator#requests()} keeps, bodies included;
 *                         0 keeps none (the counts in {@link RunpodEmulator#stats()} are kept either way)
 */
public record EmulatorSettings(String host, int port, String apiKey, Duration latency, Duration queueDelay,
                               Duration runsyncWait, Base64Style base64Style, int imageBytes, boolean fetchInputs,
                               Duration runsyncResultTtl, Duration runResultTtl, Duration imageGrace,
                               int recordedRequests) {

    /** Below this a PNG has no room for its pixels. */
    static final int MIN_IMAGE_BYTES = 100;
    static final int MAX_IMAGE_BYTES = 1_000_000_000;

    public EmulatorSettings {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host must not be blank");
        }
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
        if (imageBytes != 0 && (imageBytes < MIN_IMAGE_BYTES || imageBytes > MAX_IMAGE_BYTES)) {
            throw new IllegalArgumentException("imageBytes must be 0 (render the prompt) or " + MIN_IMAGE_BYTES
                    + " to " + MAX_IMAGE_BYTES + ", got " + imageBytes);
        }
        requireNotNegative("runsyncResultTtl", runsyncResultTtl);
        requireNotNegative("runResultTtl", runResultTtl);
        requireNotNegative("imageGrace", imageGrace);
        if (recordedRequests < 0) {
            throw new IllegalArgumentException("recordedRequests must not be negative, got " + recordedRequests);
        }
    }

    /**
     * 127.0.0.1 and an ephemeral port, key {@code emulator-key}, 1 s jobs, no queue delay, RunPod's 90 s runsync
     * wait, prompt images, inputs not fetched; finished runsync jobs kept 1 minute (as RunPod), /run jobs 10 minutes
     * (RunPod: 30), either at most 60 s after their image was fetched; the latest 10,000 requests recorded. The
     * command line ({@code --emulator}) and the runtime ({@code nanobanana.emulator.*}) start from the same.
     */
    public static EmulatorSettings defaults() {
        return new EmulatorSettings("127.0.0.1", 0, "emulator-key", Duration.ofSeconds(1), Duration.ZERO,
                Duration.ofSeconds(90), Base64Style.DATA_URI_IN_IMAGE_URL, 0, false,
                Duration.ofMinutes(1), Duration.ofMinutes(10), Duration.ofSeconds(60), 10_000);
    }

    public EmulatorSettings withHost(String host) {
        return new EmulatorSettings(host, port, apiKey, latency, queueDelay, runsyncWait, base64Style, imageBytes,
                fetchInputs, runsyncResultTtl, runResultTtl, imageGrace, recordedRequests);
    }

    public EmulatorSettings withPort(int port) {
        return new EmulatorSettings(host, port, apiKey, latency, queueDelay, runsyncWait, base64Style, imageBytes,
                fetchInputs, runsyncResultTtl, runResultTtl, imageGrace, recordedRequests);
    }

    public EmulatorSettings withApiKey(String apiKey) {
        return new EmulatorSettings(host, port, apiKey, latency, queueDelay, runsyncWait, base64Style, imageBytes,
                fetchInputs, runsyncResultTtl, runResultTtl, imageGrace, recordedRequests);
    }

    public EmulatorSettings withLatency(Duration latency) {
        return new EmulatorSettings(host, port, apiKey, latency, queueDelay, runsyncWait, base64Style, imageBytes,
                fetchInputs, runsyncResultTtl, runResultTtl, imageGrace, recordedRequests);
    }

    public EmulatorSettings withQueueDelay(Duration queueDelay) {
        return new EmulatorSettings(host, port, apiKey, latency, queueDelay, runsyncWait, base64Style, imageBytes,
                fetchInputs, runsyncResultTtl, runResultTtl, imageGrace, recordedRequests);
    }

    public EmulatorSettings withRunsyncWait(Duration runsyncWait) {
        return new EmulatorSettings(host, port, apiKey, latency, queueDelay, runsyncWait, base64Style, imageBytes,
                fetchInputs, runsyncResultTtl, runResultTtl, imageGrace, recordedRequests);
    }

    public EmulatorSettings withBase64Style(Base64Style base64Style) {
        return new EmulatorSettings(host, port, apiKey, latency, queueDelay, runsyncWait, base64Style, imageBytes,
                fetchInputs, runsyncResultTtl, runResultTtl, imageGrace, recordedRequests);
    }

    public EmulatorSettings withImageBytes(int imageBytes) {
        return new EmulatorSettings(host, port, apiKey, latency, queueDelay, runsyncWait, base64Style, imageBytes,
                fetchInputs, runsyncResultTtl, runResultTtl, imageGrace, recordedRequests);
    }

    public EmulatorSettings withFetchInputs(boolean fetchInputs) {
        return new EmulatorSettings(host, port, apiKey, latency, queueDelay, runsyncWait, base64Style, imageBytes,
                fetchInputs, runsyncResultTtl, runResultTtl, imageGrace, recordedRequests);
    }

    public EmulatorSettings withRunsyncResultTtl(Duration runsyncResultTtl) {
        return new EmulatorSettings(host, port, apiKey, latency, queueDelay, runsyncWait, base64Style, imageBytes,
                fetchInputs, runsyncResultTtl, runResultTtl, imageGrace, recordedRequests);
    }

    public EmulatorSettings withRunResultTtl(Duration runResultTtl) {
        return new EmulatorSettings(host, port, apiKey, latency, queueDelay, runsyncWait, base64Style, imageBytes,
                fetchInputs, runsyncResultTtl, runResultTtl, imageGrace, recordedRequests);
    }

    public EmulatorSettings withImageGrace(Duration imageGrace) {
        return new EmulatorSettings(host, port, apiKey, latency, queueDelay, runsyncWait, base64Style, imageBytes,
                fetchInputs, runsyncResultTtl, runResultTtl, imageGrace, recordedRequests);
    }

    public EmulatorSettings withRecordedRequests(int recordedRequests) {
        return new EmulatorSettings(host, port, apiKey, latency, queueDelay, runsyncWait, base64Style, imageBytes,
                fetchInputs, runsyncResultTtl, runResultTtl, imageGrace, recordedRequests);
    }

    /** How long a finished job created by {@code operation} can still be asked for. */
    Duration resultTtl(Operation operation) {
        return operation == Operation.RUN ? runResultTtl : runsyncResultTtl;
    }

    private static void requireNotNegative(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, got " + value);
        }
    }
}
