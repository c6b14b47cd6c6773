package dev.nanobanana.camel.pipeline;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;

import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;

import dev.nanobanana.camel.egress.ProxyRefusedException;
import dev.nanobanana.camel.job.InvalidJobException;
import dev.nanobanana.camel.job.JobStep;
import dev.nanobanana.camel.ledger.LedgerException;
import dev.nanobanana.camel.observe.FailureReason;
import dev.nanobanana.camel.observe.RetryCause;
import dev.nanobanana.camel.runpod.BodyStalledException;
import dev.nanobanana.camel.runpod.OutcomeUnknownException;
import dev.nanobanana.camel.runpod.PollDeadlineExceededException;
import dev.nanobanana.camel.runpod.RunpodJobFailedException;
import dev.nanobanana.camel.runpod.RunpodProtocolException;
import dev.nanobanana.camel.runpod.RunpodResult;
import dev.nanobanana.camel.runpod.RunpodStatus;
import dev.nanobanana.camel.settings.EgressSettings;

/**
 * What a failure of a job's step means, in one place: whether another attempt may mend it, whether the job may have
 * reached RunPod though no answer says so, its tags for the metrics, and the words of its error record.
 *
 * <p>I/O errors and HTTP 408, 429 and 5xx are transient; HTTP 400, 401, 403 and 404 are final. So is a submit whose
 * request may have reached RunPod without an answer coming back (no answer in time, a connection lost after the request
 * left): RunPod may be running that job already, and submitting it again could pay for it twice; a submit that never
 * reached RunPod (no connection) is retried. Such jobs are submitted again only when the user chose so
 * ({@code nanobanana.resubmit-in-doubt}).
 */
public record JobFailure(Throwable failure, JobStep step) {

    /** The failure of the exchange's job, at the step it is in. */
    public static JobFailure of(Exchange exchange) {
        return new JobFailure(JobExchange.failure(exchange), JobExchange.step(exchange));
    }

    /** Whether another attempt at the step may mend it; a paid image's download and storing follow their own rule. */
    public boolean isTransient(boolean resubmitInDoubt) {
        if (failure instanceof LedgerException) {
            // the ledger's database out of reach: nothing was sent, as nothing is sent before it is written
            return true;
        }
        if (failure instanceof HttpOperationFailedException http) {
            return isTransientStatus(http.getStatusCode());
        }
        if (step == JobStep.SUBMIT && failure instanceof IOException && !neverSent()) {
            return resubmitInDoubt;
        }
        return failure instanceof IOException;
    }

    /**
     * Whether it is unknown if RunPod has the job: a submit that may have left without an answer coming back, or one
     * found half-done after a restart.
     */
    public boolean leavesOutcomeUnknown() {
        return failure instanceof OutcomeUnknownException
               || step == JobStep.SUBMIT && failure instanceof IOException && !neverSent();
    }

    /** The submit failed before its request could leave: no connection was made. */
    public boolean neverSent() {
        return cause(failure, t -> t instanceof ConnectException || t instanceof HttpConnectTimeoutException
                                   || t instanceof UnknownHostException || t instanceof UnresolvedAddressException
                                   || t instanceof NoRouteToHostException).isPresent();
    }

    /** The request was sent but no answer came in time; unlike a connect timeout, the server may have acted on it. */
    public boolean isAnswerTimeout() {
        return failure instanceof SocketTimeoutException
               || failure instanceof HttpTimeoutException && !(failure instanceof HttpConnectTimeoutException);
    }

    public static boolean isTransientStatus(int status) {
        return status == 408 || status == 429 || status >= 500;
    }

    /**
     * Why the job failed, as a metric tag.
     *
     * @param runpodStatus RunPod's last word on the job (from its answer or its error body), or null
     */
    public FailureReason tag(RunpodStatus runpodStatus) {
        if (step == JobStep.STORE) {
            return FailureReason.SINK;
        }
        if (step == JobStep.DOWNLOAD) {
            return FailureReason.DOWNLOAD;
        }
        if (failure instanceof InvalidJobException) {
            return FailureReason.INVALID_JOB;
        }
        if (failure instanceof LedgerException) {
            return FailureReason.LEDGER;
        }
        if (failure instanceof RunpodJobFailedException || runpodStatus != null && runpodStatus.isTerminal()
                                                           && runpodStatus != RunpodStatus.COMPLETED) {
            return FailureReason.RUNPOD_FAILED;
        }
        if (leavesOutcomeUnknown()) {
            return FailureReason.IN_DOUBT;
        }
        if (failure instanceof PollDeadlineExceededException || isAnswerTimeout()) {
            return FailureReason.TIMEOUT;
        }
        if (failure instanceof HttpOperationFailedException http) {
            return http.getStatusCode() >= 500 ? FailureReason.HTTP_5XX : FailureReason.HTTP_4XX;
        }
        return unreachable() ? FailureReason.UNREACHABLE : FailureReason.OTHER;
    }

    /** What a retry of the step is for, as a metric tag. */
    public RetryCause retryCause() {
        if (failure instanceof HttpOperationFailedException http) {
            int status = http.getStatusCode();
            return status == 429 ? RetryCause.HTTP_429 : status >= 500 ? RetryCause.HTTP_5XX : RetryCause.HTTP_4XX;
        }
        if (failure instanceof LedgerException) {
            return RetryCause.LEDGER;
        }
        return failure instanceof IOException ? RetryCause.IO : RetryCause.OTHER;
    }

    private boolean unreachable() {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectException || t instanceof HttpConnectTimeoutException
                || t instanceof UnknownHostException || t instanceof UnresolvedAddressException
                || t instanceof NoRouteToHostException || t instanceof SSLException) {
                return true;
            }
            if (t instanceof HttpTimeoutException) {
                return false;
            }
        }
        return false;
    }

    /**
     * What the job's error record says: what happened and what to do.
     *
     * @param fromJobFile whether the job was read from a job file, which is dropped again, or sent alone (by the
     *        kamelet, or to the pipeline's job endpoint), which is sent again
     */
    String reason(int attempts, RunpodResult result, String runpodError, Path keptImage, boolean fromJobFile) {
        String reason = describe(attempts, runpodError, fromJobFile);
        if (result != null && result.isCompleted() && (step == JobStep.DOWNLOAD || step == JobStep.STORE)) {
            reason += ". The image was generated and paid for (RunPod job " + result.id()
                      + result.cost().map(cost -> ", $" + cost.toPlainString()).orElse("") + ")";
            if (keptImage != null) {
                reason += "; it is kept in " + keptImage + ", and its delivery is tried again until the sink takes it";
            } else if (step == JobStep.DOWNLOAD) {
                reason += "; RunPod keeps an image URL for 7 days";
            }
        }
        return reason;
    }

    private String describe(int attempts, String runpodError, boolean fromJobFile) {
        String tries = attempts > 1 ? " after " + attempts + " attempts" : "";
        String again = fromJobFile ? "drop it again" : "send it again";
        if (failure instanceof InvalidJobException) {
            return failure.getMessage() + ". Nothing was sent to RunPod: fix the job and "
                   + (fromJobFile ? "drop it into the inbox again" : again);
        }
        if (failure instanceof RunpodJobFailedException || failure instanceof PollDeadlineExceededException
            || failure instanceof OutcomeUnknownException) {
            return failure.getMessage();
        }
        if (failure instanceof RunpodProtocolException) {
            return failure.getMessage() + " (while " + step.description() + ")";
        }
        if (failure instanceof HttpOperationFailedException http) {
            return httpStatus(http.getStatusCode(), tries, runpodError);
        }
        Optional<Throwable> stalled = cause(failure, BodyStalledException.class::isInstance);
        if (stalled.isPresent()) {
            return stalled(stalled.get(), attempts, tries, again);
        }
        String network = network(tries, again);
        if (network != null) {
            return network;
        }
        if (failure instanceof IOException && step == JobStep.SUBMIT && attempts == 1) {
            return "the connection was lost after the job was sent (" + failure + "): its outcome is unknown, and "
                   + "RunPod may run and charge it, so it was not submitted again. Look for it in your RunPod console "
                   + "before you " + again + "; nanobanana.resubmit-in-doubt=true submits such jobs again";
        }
        if (failure instanceof IOException) {
            return "I/O error while " + step.description() + tries + ": " + failure.getMessage();
        }
        return step.description() + " failed: " + failure;
    }

    /** The headers came, then the body stopped: a hung CDN or proxy, or a server in trouble. */
    private String stalled(Throwable stalled, int attempts, String tries, String again) {
        boolean runpod = step != JobStep.DOWNLOAD;
        String what = (runpod ? "RunPod's answer" : "the image") + " stopped arriving while " + step.description()
                      + tries + " (" + stalled.getMessage() + ")";
        if (step == JobStep.SUBMIT && attempts == 1) {
            return what + ": its outcome is unknown, and RunPod may run and charge the job, so it was not submitted "
                   + "again. Look for it in your RunPod console before you " + again + "; "
                   + "nanobanana.resubmit-in-doubt=true submits such jobs again";
        }
        return what + ": check the network and any proxy between this machine and "
               + (runpod ? "RunPod" : "the image's host")
               + ", or raise nanobanana.http.read-timeout if it pauses that long";
    }

    /**
     * A failure to reach the other side, found anywhere in the cause chain: HTTP clients wrap what the network said
     * (java.net.http reports an unknown host as a refused connection caused by an unresolved address).
     */
    private String network(String tries, String again) {
        boolean runpod = step != JobStep.DOWNLOAD;
        String host = runpod ? "check nanobanana.endpoint-url and that the host is reachable"
                : "check that this machine can reach the image's host";
        Optional<Throwable> proxy = cause(failure, ProxyRefusedException.class::isInstance);
        if (proxy.isPresent()) {
            return proxy.get().getMessage() + " while " + step.description() + tries + ": "
                   + ((ProxyRefusedException) proxy.get()).hint();
        }
        Optional<Throwable> tls = cause(failure, SSLException.class::isInstance);
        if (tls.isPresent()) {
            boolean certificate = cause(failure, t -> t instanceof GeneralSecurityException
                                                      || t instanceof SSLPeerUnverifiedException).isPresent();
            String what = certificate ? (runpod ? "RunPod's certificate was not accepted"
                    : "the image host's certificate was not accepted")
                    : (tls.get() instanceof SSLHandshakeException ? "the TLS handshake with " : "the TLS connection with ")
                      + (runpod ? "RunPod" : "the image host") + " failed";
            String detail = detail(failure, tls.get());
            if (detail.contains(EgressSettings.TRUST_STORE_KEY)) {
                // the certificate's refusal says already what it is and what to set
                return what + " while " + step.description() + tries + detail;
            }
            return what + " while " + step.description() + tries + detail + ": "
                   + (runpod ? "check nanobanana.endpoint-url (https) and that Java trusts its certificate"
                           : "check the image host's certificate")
                   + "; behind a proxy that inspects TLS, set nanobanana.http.trust-store to the proxy's CA";
        }
        Optional<Throwable> unknownHost = cause(failure, t -> t instanceof UnknownHostException
                                                              || t instanceof UnresolvedAddressException);
        if (unknownHost.isPresent()) {
            return "the host name could not be resolved while " + step.description() + tries
                   + detail(failure, unknownHost.get()) + ": " + (runpod
                    ? "check nanobanana.endpoint-url and this machine's DNS"
                    : "check that this machine can resolve and reach the image's host");
        }
        Optional<Throwable> connectTimeout = cause(failure, JobFailure::isConnectTimeout);
        if (connectTimeout.isPresent()) {
            return "could not connect in time while " + step.description() + tries
                   + detail(failure, connectTimeout.get()) + ": " + host + ", or raise nanobanana.http.connect-timeout";
        }
        Optional<Throwable> refused = cause(failure, t -> t instanceof ConnectException
                                                          || t instanceof NoRouteToHostException);
        if (refused.isPresent()) {
            return "the connection was refused while " + step.description() + tries + detail(failure, refused.get())
                   + ": " + host;
        }
        Optional<Throwable> timeout = cause(failure, t -> t instanceof SocketTimeoutException
                                                          || t instanceof HttpTimeoutException);
        if (timeout.isPresent() && step == JobStep.SUBMIT) {
            return "no answer in time while " + step.description() + detail(failure, timeout.get()) + ". The job was "
                   + "not submitted again, because RunPod may be running it already: look for it in your RunPod "
                   + "console before you " + again + ", and raise nanobanana.http.read-timeout if this recurs";
        }
        if (timeout.isPresent()) {
            return "no answer in time while " + step.description() + tries + detail(failure, timeout.get())
                   + "; raise nanobanana.http.read-timeout if the network is slow";
        }
        return null;
    }

    private static boolean isConnectTimeout(Throwable t) {
        // a plain socket says "Connect timed out"; Apache HttpClient wraps that in an exception of its own
        return t instanceof HttpConnectTimeoutException || t instanceof SocketTimeoutException
               && String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT).contains("connect timed out");
    }

    private static Optional<Throwable> cause(Throwable failure, Predicate<Throwable> matches) {
        int depth = 0;
        for (Throwable t = failure; t != null && depth < 20; t = t.getCause(), depth++) {
            if (matches.test(t)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** What the client said, in brackets: the outer message when it has one, as it usually names the host. */
    private static String detail(Throwable outer, Throwable found) {
        String message = outer.getMessage() != null && !outer.getMessage().isBlank() && outer instanceof IOException
                ? outer.getMessage() : found.getMessage();
        return message == null || message.isBlank() ? "" : " (" + message + ")";
    }

    private String httpStatus(int status, String tries, String runpodError) {
        String said = runpodError == null ? "" : ": " + runpodError;
        boolean runpod = step != JobStep.DOWNLOAD;
        String who = runpod ? "RunPod" : "the image host";
        if (status == 401 || status == 403) {
            return who + " refused the request (HTTP " + status + ") while " + step.description()
                   + (runpod ? ": check the API key (nanobanana.api-key, RUNPOD_API_KEY)" : said);
        }
        if (status == 400) {
            return "RunPod rejected the job (HTTP 400)" + said;
        }
        if (status == 404 && step == JobStep.POLL) {
            return "RunPod no longer knows the job (HTTP 404): its result expired before it could be fetched";
        }
        if (status == 429) {
            return who + " was still rate-limiting (HTTP 429)" + tries + " while " + step.description()
                   + ": lower nanobanana.concurrency or try again later";
        }
        return who + " answered HTTP " + status + tries + " while " + step.description() + said;
    }
}
