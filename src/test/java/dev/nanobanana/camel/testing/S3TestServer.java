package dev.nanobanana.camel.testing;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * A real S3-compatible server for tests: S3Proxy over an in-memory blob store on 127.0.0.1 and a random port, with
 * an S3 client configured the way a client of a local S3-compatible store has to be, and a few calls that let a test
 * arrange and inspect objects in a line each.
 *
 * <p>The server can be stopped and started again on the same port with its objects kept, so that a test can take S3
 * away under a running route. Use one server per test class or per test; {@link #close()} stops it for good.
 */
public final class S3TestServer implements AutoCloseable {

    private static final String ACCESS_KEY = "nano-banana-test";
    // '/' and '+' on purpose: real AWS secrets contain them, and they break a secret put into a URI unescaped
    private static final String SECRET_KEY = "test/secret+with/slash+and+plus";
    private static final String REGION = "us-east-1";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

    private final BlobStoreContext blobStore;
    private final S3Client client;
    private S3Proxy proxy;
    private int port;

    private S3TestServer(BlobStoreContext blobStore) throws Exception {
        this.blobStore = blobStore;
        this.proxy = startProxy(0);
        this.port = proxy.getPort();
        this.client = newClient();
    }

    /** Starts a server with no buckets. */
    public static S3TestServer start() {
        BlobStoreContext blobStore = ContextBuilder.newBuilder("transient")
                .credentials("identity", "credential")
                .build(BlobStoreContext.class);
        try {
            return new S3TestServer(blobStore);
        } catch (Exception e) {
            blobStore.close();
            throw new IllegalStateException("S3Proxy did not start", e);
        }
    }

    /** The server's base URI, {@code http://127.0.0.1:<port>}: the endpoint override of an S3 client. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public int port() {
        return port;
    }

    public String accessKey() {
        return ACCESS_KEY;
    }

    /** The secret key; it contains {@code /} and {@code +}. */
    public String secretKey() {
        return SECRET_KEY;
    }

    public String region() {
        return REGION;
    }

    /** This server's own client, closed with the server. */
    public S3Client client() {
        return client;
    }

    /**
     * A new client for this server that the caller owns and closes, for example to bind into a Camel registry:
     * path-style addressing, the endpoint override, static credentials, and checksums only where an operation
     * requires them (AWS SDK 2.30+ otherwise sends streaming checksum trailers that S3Proxy refuses with 400).
     */
    public S3Client newClient() {
        return S3Client.builder()
                .endpointOverride(endpoint())
                .region(Region.of(REGION))
                .credentialsProvider(credentials())
                .forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .build();
    }

    /** A new presigner for this server that the caller owns and closes. */
    public S3Presigner newPresigner() {
        return S3Presigner.builder()
                .endpointOverride(endpoint())
                .region(Region.of(REGION))
                .credentialsProvider(credentials())
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
                .build();
    }

    /**
     * The aws2-s3 endpoint options that reach this server without a bound client (the secret in {@code RAW(...)}).
     * Uploads through such an endpoint also need the system property {@code aws.requestChecksumCalculation} set to
     * {@code WHEN_REQUIRED}, as Camel has no option for it.
     */
    public String camelEndpointOptions() {
        return "overrideEndpoint=true&uriEndpointOverride=" + endpoint() + "&forcePathStyle=true&region=" + REGION
                + "&useDefaultCredentialsProvider=false&accessKey=RAW(" + ACCESS_KEY + ")&secretKey=RAW(" + SECRET_KEY
                + ")";
    }

    /** Creates the bucket unless it exists. */
    public void createBucket(String bucket) {
        try {
            client.createBucket(b -> b.bucket(bucket));
        } catch (BucketAlreadyOwnedByYouException alreadyThere) {
            // on demand: a bucket that exists is what the caller wants
        }
    }

    /** Stores an object, creating its bucket if needed. */
    public void put(String bucket, String key, byte[] content) {
        createBucket(bucket);
        client.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(content));
    }

    /** Stores a UTF-8 text object, creating its bucket if needed. */
    public void put(String bucket, String key, String content) {
        put(bucket, key, content.getBytes(StandardCharsets.UTF_8));
    }

    /** An object's bytes, or empty if there is no such object. */
    public Optional<byte[]> get(String bucket, String key) {
        try {
            return Optional.of(client.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray());
        } catch (NoSuchKeyException absent) {
            return Optional.empty();
        }
    }

    /** An object as UTF-8 text, or empty if there is no such object. */
    public Optional<String> getString(String bucket, String key) {
        return get(bucket, key).map(bytes -> new String(bytes, StandardCharsets.UTF_8));
    }

    /** Every key in the bucket under the prefix (also in "subfolders"), sorted. */
    public List<String> keys(String bucket, String prefix) {
        return client.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix))
                .contents().stream()
                .map(S3Object::key)
                .sorted()
                .toList();
    }

    public void delete(String bucket, String key) {
        client.deleteObject(b -> b.bucket(bucket).key(key));
    }

    /** Takes the server off the network; objects are kept for {@link #restart()}. */
    public void stop() {
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException("S3Proxy did not stop", e);
        }
    }

    /** Starts the server again on the same port with the same objects. */
    public void restart() {
        try {
            proxy = startProxy(port);
        } catch (Exception e) {
            throw new IllegalStateException("S3Proxy did not start again on port " + port, e);
        }
    }

    @Override
    public void close() {
        client.close();
        try {
            proxy.stop();
        } catch (Exception e) {
            // closing: the blob store goes away in any case
        }
        blobStore.close();
    }

    private S3Proxy startProxy(int onPort) throws Exception {
        S3Proxy started = S3Proxy.builder()
                .blobStore(blobStore.getBlobStore())
                .endpoint(URI.create("http://127.0.0.1:" + onPort))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .build();
        started.start();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!"STARTED".equals(started.getState())) {
            if (System.nanoTime() > deadline) {
                started.stop();
                throw new IllegalStateException("S3Proxy state is " + started.getState() + " after " + START_TIMEOUT);
            }
            Thread.sleep(10);
        }
        return started;
    }

    private static StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));
    }
}
