package dev.nanobanana.camel.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.security.cert.CertificateException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

import org.apache.camel.CamelExecutionException;
import org.junit.jupiter.api.Test;

import dev.nanobanana.camel.job.JobStep;
import dev.nanobanana.camel.runpod.BodyStalledException;

class JobFailureTest {

    private static String reason(Throwable failure, JobStep step, int attempts) {
        return new JobFailure(failure, step).reason(attempts, null, null, null, true);
    }

    private static <T extends Throwable> T causedBy(T failure, Throwable cause) {
        failure.initCause(cause);
        return failure;
    }

    @Test
    void aRefusedConnectionToRunpodSaysToCheckTheEndpoint() {
        String reason = reason(new ConnectException("Connect to http://127.0.0.1:1 failed: Connection refused"),
                JobStep.SUBMIT, 5);

        assertThat(reason).isEqualTo("the connection was refused while submitting the job to RunPod after 5 attempts "
                                     + "(Connect to http://127.0.0.1:1 failed: Connection refused): check "
                                     + "nanobanana.endpoint-url and that the host is reachable");
    }

    @Test
    void aRefusedConnectionFoundDeepInTheCausesIsNamedToo() {
        Exception wrapped = new CamelExecutionException("Exception occurred during execution", null,
                new CompletionException(new ConnectException()));

        assertThat(reason(wrapped, JobStep.POLL, 3))
                .startsWith("the connection was refused while polling RunPod for the job's state after 3 attempts")
                .endsWith("check nanobanana.endpoint-url and that the host is reachable");
    }

    @Test
    void anUnknownHostSaysToCheckTheEndpointAndDns() {
        assertThat(reason(new UnknownHostException("api.runpod.example"), JobStep.SUBMIT, 1))
                .isEqualTo("the host name could not be resolved while submitting the job to RunPod "
                           + "(api.runpod.example): check nanobanana.endpoint-url and this machine's DNS");
        // java.net.http.HttpClient reports an unresolvable host as a refused connection caused by this
        Exception javaHttp = causedBy(new ConnectException(), new UnresolvedAddressException());
        assertThat(reason(javaHttp, JobStep.SUBMIT, 1))
                .startsWith("the host name could not be resolved while submitting the job to RunPod")
                .endsWith("check nanobanana.endpoint-url and this machine's DNS");
    }

    @Test
    void anImageHostThatCannotBeReachedIsNotBlamedOnTheEndpoint() {
        assertThat(reason(new UnknownHostException("cdn.example"), JobStep.DOWNLOAD, 5))
                .isEqualTo("the host name could not be resolved while downloading the image after 5 attempts "
                           + "(cdn.example): check that this machine can resolve and reach the image's host");
        assertThat(reason(new ConnectException("Connection refused"), JobStep.DOWNLOAD, 5))
                .doesNotContain("endpoint-url")
                .contains("the connection was refused while downloading the image");
    }

    @Test
    void aCertificateTheImageHostShowsThatJavaRefusesSaysToCheckIt() {
        Exception failure = causedBy(new SSLHandshakeException("PKIX path building failed"),
                new CertificateException("unable to find valid certification path to requested target"));

        assertThat(reason(failure, JobStep.DOWNLOAD, 1))
                .isEqualTo("the image host's certificate was not accepted while downloading the image (PKIX path "
                           + "building failed): check the image host's certificate; behind a proxy that inspects "
                           + "TLS, set nanobanana.http.trust-store to the proxy's CA");
    }

    @Test
    void aTlsFailureWithRunpodSaysToCheckTheEndpointAndTrustStore() {
        assertThat(reason(new SSLHandshakeException("Received fatal alert: handshake_failure"), JobStep.SUBMIT, 1))
                .isEqualTo("the TLS handshake with RunPod failed while submitting the job to RunPod (Received fatal "
                           + "alert: handshake_failure): check nanobanana.endpoint-url (https) and that Java trusts "
                           + "its certificate; behind a proxy that inspects TLS, set nanobanana.http.trust-store to "
                           + "the proxy's CA");
        assertThat(reason(new SSLException("Unsupported or unrecognized SSL message"), JobStep.POLL, 2))
                .startsWith("the TLS connection with RunPod failed while polling RunPod for the job's state after 2 "
                            + "attempts");
    }

    @Test
    void aReadTimeoutOfJavaHttpClientSaysToRaiseTheReadTimeout() {
        assertThat(reason(new ExecutionException(new HttpTimeoutException("request timed out")), JobStep.POLL, 5))
                .isEqualTo("no answer in time while polling RunPod for the job's state after 5 attempts (request "
                           + "timed out); raise nanobanana.http.read-timeout if the network is slow");
    }

    @Test
    void aSubmitThatTimedOutIsFinalWhicheverClientTimedOut() {
        for (Exception timeout : new Exception[] {new SocketTimeoutException("Read timed out"),
                new HttpTimeoutException("request timed out")}) {
            assertThat(reason(timeout, JobStep.SUBMIT, 1))
                    .startsWith("no answer in time while submitting the job to RunPod (")
                    .endsWith("The job was not submitted again, because RunPod may be running it already: look "
                              + "for it in your RunPod console before you drop it again, and raise "
                              + "nanobanana.http.read-timeout if this recurs");
        }
    }

    @Test
    void aBodyThatStoppedArrivingIsNamedWithWhereItCameFrom() {
        assertThat(reason(new CompletionException(new BodyStalledException("no data for 10s while reading the answer "
                                                                          + "from https://api.runpod.ai/v2/x/status/1")),
                JobStep.POLL, 3))
                .isEqualTo("RunPod's answer stopped arriving while polling RunPod for the job's state after 3 attempts "
                           + "(no data for 10s while reading the answer from https://api.runpod.ai/v2/x/status/1): "
                           + "check the network and any proxy between this machine and RunPod, or raise "
                           + "nanobanana.http.read-timeout if it pauses that long");
        assertThat(reason(new BodyStalledException("no data for 10s while reading the answer from "
                                                   + "https://api.runpod.ai/v2/x/runsync"), JobStep.SUBMIT, 1))
                .startsWith("RunPod's answer stopped arriving while submitting the job to RunPod (no data for 10s")
                .contains("its outcome is unknown").contains("it was not submitted again");
    }

    @Test
    void aJobSentAloneIsToBeSentAgainNotDropped() {
        String reason = new JobFailure(new HttpTimeoutException("request timed out"), JobStep.SUBMIT)
                .reason(1, null, null, null, false);

        assertThat(reason).contains("look for it in your RunPod console before you send it again")
                .doesNotContain("drop");
    }

    @Test
    void aConnectTimeoutSaysTheJobNeverReachedRunpod() {
        for (Exception timeout : new Exception[] {new HttpConnectTimeoutException("HTTP connect timed out"),
                causedBy(new java.io.InterruptedIOException("Connect to https://api.runpod.ai failed"),
                        new SocketTimeoutException("Connect timed out"))}) {
            assertThat(reason(timeout, JobStep.SUBMIT, 5))
                    .startsWith("could not connect in time while submitting the job to RunPod after 5 attempts")
                    .endsWith("check nanobanana.endpoint-url and that the host is reachable, or raise "
                              + "nanobanana.http.connect-timeout")
                    .doesNotContain("may be running it");
        }
    }
}
