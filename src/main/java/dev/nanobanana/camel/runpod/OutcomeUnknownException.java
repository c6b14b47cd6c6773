package dev.nanobanana.camel.runpod;

/**
 * A submit may have reached RunPod, but no answer says so: RunPod may be running (and charging) the job. Final: never
 * retried, unless the user chose to submit such jobs again.
 */
public class OutcomeUnknownException extends Exception {

    public OutcomeUnknownException(String message) {
        super(message);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        // an expected outcome, fully described by its message
        return this;
    }
}
