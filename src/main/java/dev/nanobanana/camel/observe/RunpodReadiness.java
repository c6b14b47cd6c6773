package dev.nanobanana.camel.observe;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLException;

import org.apache.camel.util.TimeUtils;
import org.apache.camel.util.URISupport;

import dev.nanobanana.camel.egress.ProxyRefusedException;
import dev.nanobanana.camel.settings.KnownSecrets;
import dev.nanobanana.camel.runpod.AnswerBody;
import dev.nanobanana.camel.runpod.RunpodClient;

/**
 * Ready while RunPod answers {@code GET {endpoint-url}/health} with the configured key. A refused key (401, 403), a
 * wrong endpoint (404), RunPod's own trouble (5xx) or a network that does not reach it (refused, unknown host, no
 * answer, TLS) make the runtime not ready: no job could be paid for. A rate limit (429) does not: RunPod is there.
 */
final class RunpodReadiness extends ProbedCheck {

    static final String ID = "nanobanana-runpod";

    private final RunpodClient client;
    private final Duration timeout;
    private final String endpoint;

    RunpodReadiness(RunpodClient client, Duration timeout, KnownSecrets secrets) {
        super(ID, secrets, "RunPod has not been asked yet");
        this.client = client;
        this.timeout = timeout;
        this.endpoint = URISupport.sanitizeUri(client.endpointUrl());
    }

    @Override
    Verdict look() {
        int status;
        try {
            HttpResponse<AnswerBody> response = client.call("GET", "/health", null, timeout)
                    .get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
            // the answer's counts are RunPod's business: only whether it answers, and how, matters here
            response.body().close();
            status = response.statusCode();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ProxyRefusedException proxy) {
                return Verdict.down("RunPod cannot be reached at " + endpoint + ": " + proxy.getMessage() + ": "
                                    + proxy.hint());
            }
            return Verdict.down("RunPod cannot be reached at " + endpoint + ": " + network(e.getCause())
                                + ": check nanobanana.endpoint-url and this machine's network");
        } catch (TimeoutException e) {
            return Verdict.down(noAnswer());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Verdict.down("RunPod was not asked: stopping");
        }
        return verdict(status);
    }

    private Verdict verdict(int status) {
        String asked = " to GET " + endpoint + "/health";
        if (status / 100 == 2) {
            return Verdict.up("RunPod answers at " + endpoint);
        }
        if (status == 429) {
            return Verdict.up("RunPod answers at " + endpoint + ", and is rate-limiting (HTTP 429)");
        }
        if (status == 401 || status == 403) {
            return Verdict.down("RunPod refused the API key (HTTP " + status + asked + "): check nanobanana.api-key "
                                + "(RUNPOD_API_KEY)");
        }
        if (status == 404) {
            return Verdict.down("RunPod answered HTTP 404" + asked + ": check nanobanana.endpoint-url (the "
                                + "endpoint's URL, without /runsync)");
        }
        if (status >= 500) {
            return Verdict.down("RunPod cannot be reached at " + endpoint + ": it answered HTTP " + status + asked
                                + "; jobs wait for it and are retried");
        }
        return Verdict.down("RunPod answered HTTP " + status + asked);
    }

    private String network(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
                return "its host name cannot be resolved";
            }
            if (t instanceof HttpConnectTimeoutException) {
                return "no connection within " + TimeUtils.printDuration(timeout);
            }
            if (t instanceof HttpTimeoutException) {
                return "no answer within " + TimeUtils.printDuration(timeout);
            }
            if (t instanceof SSLException) {
                return "the TLS connection failed (" + t.getMessage() + ")";
            }
        }
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectException) {
                return "the connection was refused";
            }
        }
        return failure == null ? "no answer" : failure.getClass().getSimpleName() + ": " + failure.getMessage();
    }

    private String noAnswer() {
        return "RunPod cannot be reached at " + endpoint + ": no answer within " + TimeUtils.printDuration(timeout)
               + ": check nanobanana.endpoint-url and this machine's network";
    }
}
