package dev.nanobanana.camel.runpod;

import java.util.Locale;

/**
 * How a job is submitted. {@code runsync}, as RunPod's page shows, waits up to about 90 s for the job to end; a crash in
 * that window leaves its outcome unknown. {@code run} answers with the job's id at once (then it is polled), which
 * shrinks that window to milliseconds.
 */
public enum SubmitMode {
    RUNSYNC("/runsync", 20),
    RUN("/run", 10);

    private final String path;
    private final int maxBodyBytes;

    SubmitMode(String path, int maxBodyMegabytes) {
        this.path = path;
        this.maxBodyBytes = maxBodyMegabytes * 1024 * 1024;
    }

    public String path() {
        return path;
    }

    /** Above this RunPod refuses the request's body (docs/runpod-api.md); inline data: images count against it. */
    public int maxBodyBytes() {
        return maxBodyBytes;
    }

    public static SubmitMode of(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("nanobanana.submit-mode must be runsync or run, not \"" + text + "\"");
        }
    }
}
