package dev.nanobanana.camel.sink;

import java.math.BigDecimal;
import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.nanobanana.camel.job.JobState;
import dev.nanobanana.camel.runpod.RunpodResult;
import dev.nanobanana.camel.runpod.RunpodStatus;
import dev.nanobanana.camel.runpod.RunsyncRequest;

/** The record written beside a finished image: which job, what RunPod did and charged, and what was asked. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ResultRecord(
        String jobId,
        String runpodId,
        RunpodStatus status,
        BigDecimal costUsd,
        Long delayTimeMs,
        Long executionTimeMs,
        String imageFile,
        String imageUrl,
        RunsyncRequest request,
        String sourceFile,
        Instant submittedAt,
        Instant completedAt) {

    public static ResultRecord of(JobState state, String imageFile, Instant now) {
        RunpodResult result = state.result();
        return new ResultRecord(
                state.jobId(),
                result.id(),
                result.status(),
                result.cost().orElse(null),
                result.delayTime(),
                result.executionTime(),
                imageFile,
                state.imageUrl(),
                state.request(),
                state.draft().sourceFile(),
                state.submittedAt(),
                now);
    }
}
