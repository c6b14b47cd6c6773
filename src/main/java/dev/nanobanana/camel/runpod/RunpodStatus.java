package dev.nanobanana.camel.runpod;

/** The states of a RunPod job; the last four are final. */
public enum RunpodStatus {
    IN_QUEUE(false),
    IN_PROGRESS(false),
    COMPLETED(true),
    FAILED(true),
    CANCELLED(true),
    TIMED_OUT(true);

    private final boolean terminal;

    RunpodStatus(boolean terminal) {
        this.terminal = terminal;
    }

    public boolean isTerminal() {
        return terminal;
    }
}
