package dev.nanobanana.camel.s3;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.util.Optional;

import javax.net.ssl.TrustManager;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.apache.ProxyConfiguration;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.HeadBucketResponse;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import dev.nanobanana.camel.egress.Egress;
import dev.nanobanana.camel.settings.ProxyUrl;
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
    public static S3Client forEndpoints(S3Settings settings, Egress egress) {
        S3Client client = client(settings, egress);
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

    /** A client that leaves this machine as the AWS SDK would on its own: the JVM's proxy properties, Java's trust. */
    public static S3Client client(S3Settings settings) {
        return client(settings, Egress.JVM_DEFAULTS);
    }

    /** A client whose calls go out through {@code egress}'s proxy and trust, as RunPod's do. */
    public static S3Client client(S3Settings settings, Egress egress) {
        S3ClientBuilder builder = S3Client.builder()
                // the socket's read timeout: a store that stops sending mid-object (or never answers) ends the
                // attempt after that long without a byte, and the SDK's retries or the route's take over
                .httpClientBuilder(ApacheHttpClient.builder().socketTimeout(settings.readTimeout())
                        .tlsTrustManagersProvider(() -> new TrustManager[] { egress.trust() })
                        .proxyConfiguration(proxy(settings, egress)))
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

    /**
     * The proxy of the store's URL (AWS's, or {@code nanobanana.s3.endpoint-url}), chosen as for every outbound call;
     * with none of ours, the SDK's own reading of the JVM's proxy properties.
     */
    private static ProxyConfiguration proxy(S3Settings settings, Egress egress) {
        URI store = URI.create(settings.endpointUrl().isEmpty()
                ? "https://s3." + settings.region() + ".amazonaws.com" : settings.endpointUrl());
        Optional<ProxyUrl> ours = egress.proxy().ours(store);
        if (ours.isEmpty()) {
            return egress.proxy().anyOfOurs()
                    // NO_PROXY sends the store around our proxy, and around any the SDK would find itself
                    ? ProxyConfiguration.builder().useSystemPropertyValues(false).useEnvironmentVariableValues(false)
                            .build()
                    : ProxyConfiguration.builder().useEnvironmentVariableValues(false).build();
        }
        ProxyConfiguration.Builder proxy = ProxyConfiguration.builder()
                .endpoint(URI.create("http://" + ours.get().address()))
                .useSystemPropertyValues(false).useEnvironmentVariableValues(false);
        if (ours.get().hasCredentials()) {
            proxy.username(ours.get().user()).password(ours.get().password())
                    .preemptiveBasicAuthenticationEnabled(true);
        }
        return proxy.build();
    }

    private static AwsCredentialsProvider credentials(S3Settings settings) {
        return settings.hasKeys()
                ? StaticCredentialsProvider.create(AwsBasicCredentials.create(settings.accessKey(), settings.secretKey()))
                : DefaultCredentialsProvider.builder().build();
    }
}
