package dev.nanobanana.camel.runpod;

import java.util.Locale;

/**
 * How a job is submitted. {@code runsync}, as RunPod's page shows, waits up to about 90 s for the job to end; a crash in
 * that window leaves its outcome unknown. {@code run} answers with the job's id at once (then it is polled), which
 * shrinks that window to milliseconds.
 */
public enum SubmitMode {
    RUNSYNC("/runsync"),
    RUN("/run");

    private final String path;

    SubmitMode(String path) {
        this.path = path;
    }

    public String path() {
        return path;
    }

    public static SubmitMode of(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("nanobanana.submit-mode must be runsync or run, not \"" + text + "\"");
        }
    }
}
