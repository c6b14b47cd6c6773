package dev.nanobanana.camel.pipeline;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;

import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.nanobanana.camel.json.Json;
import dev.nanobanana.camel.settings.KnownSecrets;
import dev.nanobanana.camel.job.JobStep;
import dev.nanobanana.camel.job.JobState;
import dev.nanobanana.camel.sink.ImageSpool;
import dev.nanobanana.camel.runpod.AnswerBody;
import dev.nanobanana.camel.runpod.InlineImage;
import dev.nanobanana.camel.runpod.RunpodAnswer;
import dev.nanobanana.camel.runpod.RunpodClient;
import dev.nanobanana.camel.runpod.RunpodProtocolException;
import dev.nanobanana.camel.runpod.RunpodResponses;
import dev.nanobanana.camel.runpod.RunpodResult;
import dev.nanobanana.camel.runpod.RunsyncRequest;
import dev.nanobanana.camel.runpod.SubmitMode;
import dev.nanobanana.camel.job.JobProgress;

/**
 * One call to RunPod's API about a job (submit, poll or cancel), made without holding a thread while RunPod answers.
 * The answer becomes the job's result; a base64 image in it goes straight into the spool. A status that is not 2xx
 * fails the exchange with Camel's {@link org.apache.camel.http.base.HttpOperationFailedException}, for the error
 * handler to retry or record. What RunPod says in words (its error, an error body) has the known secrets masked here,
 * where it comes in: an error may quote the API key, and from here it goes to the ledger, records and logs.
 */
public final class RunpodCall extends AsyncProcessorSupport {


    /** The request as it goes on the wire, which may differ from the job's (say, a presigned URL for an S3 image). */
    @FunctionalInterface
    public interface WireRequest {
        RunsyncRequest of(Exchange exchange) throws Exception;
    }

    /**
     * What every call of a runtime shares.
     *
     * @param after writes the job's state once RunPod has answered; a failure must not fail the step
     * @param secrets masked in RunPod's errors
     */
    public record Calls(RunpodClient client, ImageSpool spool, JobSlots slots, Clock clock, SubmitMode mode,
            Consumer<Exchange> after, KnownSecrets secrets) {

        /** Submits the job's request, as the wire request makes it. */
        public RunpodCall submit(WireRequest wireRequest) {
            return new RunpodCall(JobStep.SUBMIT, wireRequest, this);
        }

        /** {@code GET /status/{id}}. */
        public RunpodCall poll() {
            return new RunpodCall(JobStep.POLL, null, this);
        }

        /** {@code POST /cancel/{id}}: the job's step, at the poll deadline; RunPod's answer becomes its result. */
        public RunpodCall cancel() {
            return new RunpodCall(JobStep.CANCEL, null, this);
        }

        /**
         * {@code POST /cancel/{id}} for a job given up on while RunPod still has it queued or running (its polls failed
         * for good), so that it is not run and charged for nothing. Best effort, and no step of the job: the job's
         * state and failure stay as they are, whatever the cancel does; the record says it was cancelled.
         */
        public RunpodCall cancelGivenUp() {
            return new RunpodCall(JobStep.CANCEL, null, this, true);
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(RunpodCall.class);

    private final JobStep step;
    private final WireRequest wireRequest;
    private final Calls calls;
    private final boolean givenUp;

    private RunpodCall(JobStep step, WireRequest wireRequest, Calls calls) {
        this(step, wireRequest, calls, false);
    }

    private RunpodCall(JobStep step, WireRequest wireRequest, Calls calls, boolean givenUp) {
        this.step = step;
        this.wireRequest = wireRequest;
        this.calls = calls;
        this.givenUp = givenUp;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        if (givenUp) {
            return cancelGivenUp(exchange, callback);
        }
        JobExchange.at(exchange, step);
        String path;
        byte[] body = null;
        String method = "POST";
        try {
            JobState state = JobExchange.state(exchange);
            switch (step) {
                case SUBMIT -> {
                    // the ledger holds the job as submitting since the budget counted it (BudgetGate): after a crash
                    // from here on, its outcome is in doubt
                    path = calls.mode().path();
                    body = Json.MAPPER.writeValueAsBytes(wireRequest.of(exchange));
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
        String uri = calls.client().endpointUrl() + path;
        calls.client().call(method, path, body).whenComplete((response, error) -> {
            // on the HTTP client's thread: what is logged here before the step is done (the job ledger's warning) is
            // about the job too
            JobLogFields.around(exchange, () -> {
                continued(exchange, uri, response, error);
                callback.done(false);
            });
        });
        return false;
    }

    private void continued(Exchange exchange, String uri, HttpResponse<AnswerBody> response, Throwable error) {
        try {
            if (error != null) {
                Throwable cause = error instanceof CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                if (step == JobStep.SUBMIT && new JobFailure(cause, step).leavesOutcomeUnknown()) {
                    // this request may have been charged: one sent again is counted again
                    JobExchange.progress(exchange, progress -> progress.counted(null));
                }
                throw cause;
            }
            answered(exchange, uri, response);
        } catch (Throwable failure) {
            exchange.setException(failure);
        }
    }

    private void answered(Exchange exchange, String uri, HttpResponse<AnswerBody> response) throws Exception {
        try (AnswerBody body = response.body()) {
            int status = response.statusCode();
            if (status == 429) {
                calls.slots().throttled();
            }
            if (status < 200 || status > 299) {
                throw RunpodClient.failed(uri, status, response.headers().map(),
                        calls.secrets().mask(body.excerpt(RunpodClient.ERROR_BODY_CHARS)));
            }
            JobState state = JobExchange.state(exchange);
            RunpodAnswer answer = read(body);
            RunpodResult previous = state.result();
            if (previous != null && !previous.id().equals(answer.result().id())) {
                throw new RunpodProtocolException("RunPod answered about job " + answer.result().id()
                                                  + " when asked about " + previous.id());
            }
            exchange.setProperty(JobExchange.STATE, state.answered(answer.result()));
            if (step == JobStep.SUBMIT) {
                calls.slots().succeeded();
            }
            if (step == JobStep.SUBMIT || previous.status() != answer.result().status()) {
                after(exchange);
            }
            if (answer.inline() != null && answer.result().isCompleted()) {
                keepInlineImage(exchange, body, answer.inline());
                after(exchange);
            }
        }
        JobExchange.stepSucceeded(exchange);
    }

    /** Writes the job's state; what it logs names RunPod's id for the job too, now that it has one. */
    private void after(Exchange exchange) {
        JobLogFields.around(exchange, () -> calls.after().accept(exchange));
    }

    private boolean cancelGivenUp(Exchange exchange, AsyncCallback callback) {
        JobState state = JobExchange.state(exchange);
        RunpodResult result = state == null ? null : state.result();
        if (result == null || result.isTerminal()) {
            callback.done(true);
            return true;
        }
        calls.client().call("POST", "/cancel/" + result.id(), null).whenComplete((response, error) -> {
            JobLogFields.around(exchange, () -> {
                cancelled(exchange, state, result, response, error);
                callback.done(false);
            });
        });
        return false;
    }

    private void cancelled(Exchange exchange, JobState state, RunpodResult result, HttpResponse<AnswerBody> response,
            Throwable error) {
        String failure = null;
        if (error != null) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause()
                    : error;
            failure = cause.getMessage();
        } else {
            try (AnswerBody body = response.body()) {
                if (response.statusCode() / 100 != 2) {
                    failure = "HTTP " + response.statusCode() + ": " + calls.secrets().mask(body.excerpt(200));
                }
            }
        }
        if (failure == null) {
            JobExchange.progress(exchange, JobProgress::cancelledAsGivenUp);
            LOG.info("Job {}: RunPod job {} cancelled, as the job is given up on", state.jobId(), result.id());
        } else {
            LOG.warn("Job {}: RunPod job {} could not be cancelled ({}): it may still run and be charged",
                    state.jobId(), result.id(), failure);
        }
    }

    /** The answer, with the secrets masked in its error and in what a protocol failure quotes of it. */
    private RunpodAnswer read(AnswerBody body) throws Exception {
        RunpodAnswer answer;
        try {
            answer = RunpodResponses.read(body);
        } catch (RunpodProtocolException e) {
            throw new RunpodProtocolException(calls.secrets().mask(e.getMessage()));
        }
        RunpodResult result = answer.result();
        return result.error() == null ? answer
                : new RunpodAnswer(result.withError(calls.secrets().mask(result.error())), answer.inline());
    }

    /** Decodes base64 output into the spool: from here on the image is kept, whatever happens to its delivery. */
    private void keepInlineImage(Exchange exchange, AnswerBody body, InlineImage inline) throws Exception {
        JobExchange.at(exchange, JobStep.DOWNLOAD);
        Path incoming = calls.spool().incoming();
        try {
            inline.decodeTo(body, incoming);
            JobState state = JobExchange.state(exchange);
            exchange.setProperty(JobExchange.STATE, state.kept(calls.spool().keep(incoming, keptName(state))));
        } finally {
            ImageSpool.discard(incoming);
        }
    }

    /** The name of a job's image in the spool: its RunPod id, unique across sources and restarts. */
    public static String keptName(JobState state) {
        return state.result().id() + "." + state.job().imageExtension();
    }
}
