package dev.nanobanana.camel.pipeline;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;

import dev.nanobanana.camel.json.Json;
import dev.nanobanana.camel.job.JobStep;
import dev.nanobanana.camel.settings.KnownSecrets;
import dev.nanobanana.camel.job.JobDraft;
import dev.nanobanana.camel.job.JobState;
import dev.nanobanana.camel.runpod.RunpodJobFailedException;
import dev.nanobanana.camel.runpod.RunpodResponses;
import dev.nanobanana.camel.runpod.RunpodResult;
import dev.nanobanana.camel.sink.ErrorRecord;
import dev.nanobanana.camel.sink.RecordCopy;

/**
 * Builds the {@link ErrorRecord} of a job from the failure its exchange caught, with the known secrets masked in every
 * text of it: the record is written to the failed sink, and its reason goes to the log, the summary and the status
 * page, while the failure may be anyone's words (a server's, a driver's).
 */
public class ErrorRecords {


    private final Clock clock;
    private final KnownSecrets secrets;

    public ErrorRecords(Clock clock, KnownSecrets secrets) {
        this.clock = clock;
        this.secrets = secrets;
    }

    public ErrorRecord of(Exchange exchange) {
        ErrorRecord record = unmasked(exchange);
        try {
            return Json.MAPPER.treeToValue(secrets.mask(Json.MAPPER.<JsonNode>valueToTree(record)), ErrorRecord.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            // the message would quote the record: the secrets in it among the rest
            throw new IllegalStateException("the error record of job " + record.jobId() + " could not be masked", e);
        }
    }

    private ErrorRecord unmasked(Exchange exchange) {
        Throwable failure = Objects.requireNonNullElseGet(JobExchange.failure(exchange),
                () -> new IllegalStateException("the job failed without an exception"));
        JobStep step = JobExchange.step(exchange);
        JobState state = JobExchange.state(exchange);
        int attempts = state == null ? 1 : state.progress().attempts();
        Integer httpStatus = null;
        RunpodResult result = state == null ? null : state.result();
        if (failure instanceof HttpOperationFailedException http) {
            httpStatus = http.getStatusCode();
            if (step != JobStep.DOWNLOAD) {
                // RunPod answers a rejected job with HTTP 400 and a FAILED job in the body
                result = RunpodResponses.tryParse(http.getResponseBody()).orElse(result);
            }
        } else if (failure instanceof RunpodJobFailedException failed) {
            result = failed.result();
        }
        String runpodError = result == null ? null : result.errorText().orElse(null);
        if (runpodError == null && failure instanceof HttpOperationFailedException http && step != JobStep.DOWNLOAD) {
            runpodError = errorField(http.getResponseBody()).orElse(null);
        }
        JobDraft draft = state == null ? null : state.draft();
        Path kept = state == null ? null : state.keptImage();
        // every value copied is cut to a bounded size: a job, or RunPod's answer about it, may be megabytes long
        return new ErrorRecord(
                JobExchange.jobId(exchange),
                RecordCopy.text(new JobFailure(failure, step).reason(attempts, result, runpodError, kept,
                        JobExchange.route(exchange).fromJobFile())
                        + (state != null && state.progress().cancelled()
                                ? ". The job was cancelled at RunPod, so that it does not run on and cost money" : "")),
                step.description(),
                httpStatus,
                result == null ? null : result.id(),
                result == null ? null : result.status(),
                RecordCopy.text(runpodError),
                RecordCopy.json(nestedJson(runpodError).orElse(null)),
                attempts,
                RecordCopy.text(state == null ? null : state.imageUrl()),
                kept == null ? null : kept.toString(),
                draft == null ? null : RecordCopy.json(draft.fields()),
                RecordCopy.request(state == null ? null : state.request()),
                draft == null ? null : draft.sourceFile(),
                clock.instant(),
                RecordCopy.text(failure.getClass().getName() + ": " + failure.getMessage()));
    }

    /** The JSON inside an error text such as {@code Error submitting task: 400, {"code":400,"message":"..."}}. */
    static Optional<JsonNode> nestedJson(String text) {
        if (text == null || text.indexOf('{') < 0) {
            return Optional.empty();
        }
        try {
            JsonNode node = Json.MAPPER.readTree(text.substring(text.indexOf('{')));
            return Optional.ofNullable(node).filter(JsonNode::isObject);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> errorField(String body) {
        return nestedJson(body).map(node -> node.get("error")).filter(JsonNode::isTextual).map(JsonNode::asText);
    }
}
