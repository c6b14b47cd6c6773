package dev.nanobanana.camel.job;

/**
 * Where a job is on its way from its job file to a sink. From {@link #RESULT_RECEIVED} on, the image is kept in the
 * spool and nothing is paid again, whatever happens to delivery.
 */
public enum JobPhase {
    /** Read and validated; nothing sent yet. */
    RECEIVED,
    /** The request may have left: RunPod may be running (and charging) the job, and its id is not known yet. */
    SUBMITTING,
    /** RunPod has accepted the job and answered with its id. */
    SUBMITTED,
    /** RunPod's result is in, and its image is kept in the spool. */
    RESULT_RECEIVED,
    /** The image and its record are in the completed sink. */
    DELIVERED,
    /** The job ended without an image; its error record is in the failed sink. */
    FAILED
}
