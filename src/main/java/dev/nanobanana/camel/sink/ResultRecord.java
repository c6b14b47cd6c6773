package dev.nanobanana.camel.sink;

import java.math.BigDecimal;
import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.apache.camel.Exchange;

import dev.nanobanana.camel.JobExchange;
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

    public static ResultRecord of(Exchange exchange, Instant now) {
        RunpodResult result = JobExchange.result(exchange);
        return new ResultRecord(
                JobExchange.jobId(exchange),
                result.id(),
                result.status(),
                result.cost().orElse(null),
                result.delayTime(),
                result.executionTime(),
                exchange.getProperty(JobExchange.IMAGE_FILE, String.class),
                exchange.getProperty(JobExchange.IMAGE_URL, String.class),
                JobExchange.request(exchange),
                exchange.getProperty(JobExchange.SOURCE_FILE, String.class),
                exchange.getProperty(JobExchange.SUBMITTED_AT, Instant.class),
                now);
    }
}
