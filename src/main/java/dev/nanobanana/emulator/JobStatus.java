package dev.nanobanana.emulator;

/** The states of a RunPod job, named as on the wire. */
enum JobStatus {
    IN_QUEUE,
    IN_PROGRESS,
    COMPLETED,
    FAILED,
    CANCELLED
}
