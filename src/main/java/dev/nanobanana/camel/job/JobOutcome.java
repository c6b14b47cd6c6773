package dev.nanobanana.camel.job;

/** How a job ended: completed with an image, or failed with a reason; and the file in the sink that says so. */
public record JobOutcome(String jobId, boolean completed, String detail, String recordFile) {

    public static JobOutcome completed(String jobId, String imageFile, String recordFile) {
        return new JobOutcome(jobId, true, imageFile, recordFile);
    }

    public static JobOutcome failed(String jobId, String reason, String recordFile) {
        return new JobOutcome(jobId, false, reason, recordFile);
    }
}
