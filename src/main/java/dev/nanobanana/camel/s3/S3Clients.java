package dev.nanobanana.camel.s3;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URI;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.HeadBucketResponse;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import dev.nanobanana.camel.settings.S3Settings;

/**
 * Builds the AWS SDK clients the S3 routes and {@code s3://} images use, from {@link S3Settings}: AWS itself, or any
 * S3-compatible store (MinIO, Ceph) at an endpoint URL with path-style access. Credentials live in the client, never
 * in an endpoint URI.
 */
public final class S3Clients {

    private S3Clients() {
    }

    /**
     * The client for the aws2-s3 endpoints. Camel checks that the bucket exists when an endpoint starts, and a store
     * it cannot reach then would stop the whole runtime from starting; here that check passes when the store cannot
     * be asked, so the runtime starts, and the source reports the outage on its first poll and works once the store
     * is back. A bucket that is really missing still fails its first poll, with S3's own answer.
     */
    public static S3Client forEndpoints(S3Settings settings) {
        S3Client client = client(settings);
        return (S3Client) Proxy.newProxyInstance(S3Client.class.getClassLoader(), new Class<?>[] { S3Client.class },
                (proxy, method, args) -> {
                    try {
                        return method.invoke(client, args);
                    } catch (InvocationTargetException e) {
                        if (method.getName().equals("headBucket") && e.getCause() instanceof SdkClientException) {
                            return HeadBucketResponse.builder().build();
                        }
                        throw e.getCause();
                    }
                });
    }

    public static S3Client client(S3Settings settings) {
        S3ClientBuilder builder = S3Client.builder()
                // the socket's read timeout: a store that stops sending mid-object (or never answers) ends the
                // attempt after that long without a byte, and the SDK's retries or the route's take over
                .httpClientBuilder(ApacheHttpClient.builder().socketTimeout(settings.readTimeout()))
                .region(Region.of(settings.region()))
                .credentialsProvider(credentials(settings))
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(settings.pathStyle()).build());
        if (!settings.endpointUrl().isEmpty()) {
            builder.endpointOverride(URI.create(settings.endpointUrl()));
        }
        if (settings.checksumsWhenRequired()) {
            // stores that predate the SDK's streaming checksums reject uploads that carry them
            builder.requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        }
        return builder.build();
    }

    public static S3Presigner presigner(S3Settings settings) {
        S3Presigner.Builder builder = S3Presigner.builder()
                .region(Region.of(settings.region()))
                .credentialsProvider(credentials(settings))
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(settings.pathStyle()).build());
        if (!settings.endpointUrl().isEmpty()) {
            builder.endpointOverride(URI.create(settings.endpointUrl()));
        }
        return builder.build();
    }

    private static AwsCredentialsProvider credentials(S3Settings settings) {
        return settings.hasKeys()
                ? StaticCredentialsProvider.create(AwsBasicCredentials.create(settings.accessKey(), settings.secretKey()))
                : DefaultCredentialsProvider.builder().build();
    }
}
