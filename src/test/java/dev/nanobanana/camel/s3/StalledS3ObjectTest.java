package dev.nanobanana.camel.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.S3Client;

import dev.nanobanana.camel.testing.StallingServer;
import dev.nanobanana.camel.settings.S3Settings;

/**
 * An S3-compatible store that sends an object's headers and part of it, then nothing (a hung proxy in front of it):
 * the S3 client gives the attempt up after nanobanana.http.read-timeout without a byte, not after the SDK's own 30 s.
 */
class StalledS3ObjectTest {

    @Test
    void objectThatStopsArrivingHalfWayFailsAfterTheReadTimeout() throws Exception {
        try (StallingServer store = StallingServer.stallingAfter(100, new byte[10_000], "application/json");
                S3Client client = S3Clients.client(new S3Settings(true, "jobs", "us-east-1", store.url(""), true, "key",
                        "secret", true, Duration.ofHours(1), Duration.ofSeconds(1)))) {

            CompletableFuture<Throwable> failure = CompletableFuture.supplyAsync(() -> {
                try {
                    client.getObjectAsBytes(get -> get.bucket("jobs").key("shoe.json"));
                    return null;
                } catch (RuntimeException e) {
                    return e;
                }
            });

            // the SDK makes 4 attempts: at 1 s without a byte each, well within this; at its own 30 s, far past it
            Throwable thrown = failure.get(60, TimeUnit.SECONDS);
            assertThat(thrown).isInstanceOf(SdkClientException.class).hasRootCauseInstanceOf(SocketTimeoutException.class);
            assertThat(store.requests()).isGreaterThanOrEqualTo(1);
        } catch (ExecutionException e) {
            throw new AssertionError(e.getCause());
        }
    }
}
