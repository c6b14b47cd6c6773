package dev.nanobanana.emulator;

/** The requests the emulator answers, each of which can be given one-shot faults. */
public enum Operation {
    RUNSYNC,
    RUN,
    STATUS,
    CANCEL,
    HEALTH,
    IMAGE;

    /** Whether a request of this operation creates a job, so that job faults can apply to it. */
    boolean createsJobs() {
        return this == RUNSYNC || this == RUN;
    }
}
