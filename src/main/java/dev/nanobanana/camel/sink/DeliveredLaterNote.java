package dev.nanobanana.camel.sink;

import java.time.Instant;

/**
 * What a failed sink that cannot remove files gets in place of a job's error record once the job was delivered after
 * all: that it was, where and when, so that the failed sink no longer says it failed.
 */
public record DeliveredLaterNote(
        String jobId,
        String note,
        String imageFile,
        String recordFile,
        String completedSink,
        Instant deliveredAt) {

    public static DeliveredLaterNote of(String jobId, String imageFile, String completedSink, Instant now) {
        return new DeliveredLaterNote(jobId, "delivered after its error record was written: the job did not fail",
                imageFile, jobId + ".json", completedSink, now);
    }
}
