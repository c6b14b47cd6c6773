package dev.nanobanana.camel.runpod;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CompletionException;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;

import dev.nanobanana.camel.JobExchange;
import dev.nanobanana.camel.JobSlots;
import dev.nanobanana.camel.JobStep;
import dev.nanobanana.camel.ledger.JobState;
import dev.nanobanana.camel.sink.ImageSpool;

/**
 * One call to RunPod's API about a job (submit, poll or cancel), made without holding a thread while RunPod answers.
 * The answer becomes the job's result; a base64 image in it goes straight into the spool. A status that is not 2xx
 * fails the exchange with Camel's {@link org.apache.camel.http.base.HttpOperationFailedException}, for the error
 * handler to retry or record.
 */
public final class RunpodCall extends AsyncProcessorSupport {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The request as it goes on the wire, which may differ from the job's (say, a presigned URL for an S3 image). */
    @FunctionalInterface
    public interface WireRequest {
        RunsyncRequest of(Exchange exchange) throws Exception;
    }

    private final JobStep step;
    private final WireRequest wireRequest;
    private final RunpodClient client;
    private final ImageSpool spool;
    private final JobSlots slots;
    private final Clock clock;

    private RunpodCall(JobStep step, WireRequest wireRequest, RunpodClient client, ImageSpool spool, JobSlots slots,
            Clock clock) {
        this.step = step;
        this.wireRequest = wireRequest;
        this.client = client;
        this.spool = spool;
        this.slots = slots;
        this.clock = clock;
    }

    /** {@code POST /runsync} with the job's request. */
    public static RunpodCall submit(WireRequest wireRequest, RunpodClient client, ImageSpool spool, JobSlots slots,
            Clock clock) {
        return new RunpodCall(JobStep.SUBMIT, wireRequest, client, spool, slots, clock);
    }

    /** {@code GET /status/{id}}. */
    public static RunpodCall poll(RunpodClient client, ImageSpool spool, JobSlots slots, Clock clock) {
        return new RunpodCall(JobStep.POLL, null, client, spool, slots, clock);
    }

    /** {@code POST /cancel/{id}}. */
    public static RunpodCall cancel(RunpodClient client, ImageSpool spool, JobSlots slots, Clock clock) {
        return new RunpodCall(JobStep.CANCEL, null, client, spool, slots, clock);
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        exchange.setProperty(JobExchange.STEP, step);
        String path;
        byte[] body = null;
        String method = "POST";
        try {
            JobState state = JobExchange.state(exchange);
            switch (step) {
                case SUBMIT -> {
                    path = "/runsync";
                    body = JSON.writeValueAsBytes(wireRequest.of(exchange));
                    JobExchange.update(exchange, current -> current.submitting(clock.instant()));
                }
                case POLL -> {
                    path = "/status/" + state.result().id();
                    method = "GET";
                }
                default -> path = "/cancel/" + state.result().id();
            }
        } catch (Exception e) {
            exchange.setException(e);
            callback.done(true);
            return true;
        }
        String uri = client.endpointUrl() + path;
        client.call(method, path, body).whenComplete((response, error) -> {
            try {
                if (error != null) {
                    throw error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                }
                answered(exchange, uri, response);
            } catch (Throwable failure) {
                exchange.setException(failure);
            }
            callback.done(false);
        });
        return false;
    }

    private void answered(Exchange exchange, String uri, HttpResponse<AnswerBody> response) throws Exception {
        try (AnswerBody body = response.body()) {
            int status = response.statusCode();
            if (status == 429) {
                slots.throttled();
            }
            if (status < 200 || status > 299) {
                throw RunpodClient.failed(uri, status, response.headers().map(),
                        body.excerpt(RunpodClient.ERROR_BODY_CHARS));
            }
            JobState state = JobExchange.state(exchange);
            RunpodAnswer answer = RunpodResponses.read(body);
            RunpodResult previous = state.result();
            if (previous != null && !previous.id().equals(answer.result().id())) {
                throw new RunpodProtocolException("RunPod answered about job " + answer.result().id()
                                                  + " when asked about " + previous.id());
            }
            exchange.setProperty(JobExchange.STATE, state.answered(answer.result()));
            if (step == JobStep.SUBMIT) {
                slots.succeeded();
            }
            if (answer.inline() != null && answer.result().isCompleted()) {
                keepInlineImage(exchange, body, answer.inline());
            }
        }
        JobExchange.stepSucceeded(exchange);
    }

    /** Decodes base64 output into the spool: from here on the image is kept, whatever happens to its delivery. */
    private void keepInlineImage(Exchange exchange, AnswerBody body, InlineImage inline) throws Exception {
        exchange.setProperty(JobExchange.STEP, JobStep.DOWNLOAD);
        Path incoming = spool.incoming();
        try {
            inline.decodeTo(body, incoming);
            JobState state = JobExchange.state(exchange);
            exchange.setProperty(JobExchange.STATE, state.kept(spool.keep(incoming, keptName(state))));
        } finally {
            ImageSpool.discard(incoming);
        }
    }

    /** The name of a job's image in the spool: its RunPod id, unique across sources and restarts. */
    public static String keptName(JobState state) {
        return state.result().id() + "." + state.job().imageExtension();
    }
}
