package dev.nanobanana.camel.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.FailedToStartRouteException;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.LambdaRouteBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.aws2.s3.AWS2S3Constants;
import org.apache.camel.component.aws2.s3.AWS2S3Consumer;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.impl.engine.DefaultSupervisingRouteController;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.s3.presigner.model.PresignedGetObjectRequest;

/**
 * Camel's aws2-s3 consumer and producer against a real S3-compatible server, used the way the product will use
 * them: a bound {@link S3Client} (no keys in URIs), an inbox prefix, results written back.
 *
 * <p>What this shows about the consumer with {@code deleteAfterRead=false}: every poll lists and downloads every
 * object under the prefix again, so an object that stays is consumed again on every poll once its exchange is done.
 * Only while an exchange is in flight is its key skipped (the endpoint's in-progress repository), which matters when
 * the route hands the exchange to other threads. To take an object once, either let the consumer remove it
 * ({@code deleteAfterRead=true}, the default, optionally with {@code moveAfterRead=true}), or move it out of the
 * listed level in the route ({@code copyObject} then {@code deleteObject}), or put an idempotent consumer keyed on
 * bucket, key and ETag behind it.
 */
class Aws2S3ComponentTest {

    static final String BUCKET = "jobs";
    static final Duration WAIT = Duration.ofSeconds(10);

    static S3TestServer s3;

    S3Client client;
    CamelContext camel;

    @TempDir
    Path work;

    @BeforeAll
    static void startServer() {
        s3 = S3TestServer.start();
    }

    @AfterAll
    static void stopServer() {
        s3.close();
    }

    @BeforeEach
    void freshBucketAndContext() {
        s3.createBucket(BUCKET);
        for (String key : s3.keys(BUCKET, "")) {
            s3.delete(BUCKET, key);
        }
        client = s3.newClient();
        camel = new DefaultCamelContext();
        camel.getRegistry().bind("s3", client);
    }

    @AfterEach
    void stopContext() throws Exception {
        camel.close();
        client.close();
    }

    @Test
    void consumerListsOnlyTheInboxLevelAndTakesAKeptObjectAgainOnEveryPoll() throws Exception {
        s3.put(BUCKET, "inbox/a.json", "{\"prompt\":\"a\"}");
        s3.put(BUCKET, "inbox/.done/old.json", "{}");
        s3.put(BUCKET, "inbox/sub/deeper.json", "{}");
        s3.put(BUCKET, "elsewhere/b.json", "{}");
        List<String> taken = new CopyOnWriteArrayList<>();

        start(r -> r.from("aws2-s3://" + BUCKET
                        + "?amazonS3Client=#s3&prefix=inbox/&delimiter=/&deleteAfterRead=false&delay=100&initialDelay=0")
                .process(e -> taken.add(e.getMessage().getHeader(AWS2S3Constants.KEY, String.class)
                        + "=" + e.getMessage().getBody(String.class))));

        await().atMost(WAIT).until(() -> taken.size() >= 3);
        assertThat(taken).containsOnly("inbox/a.json={\"prompt\":\"a\"}");
        assertThat(s3.keys(BUCKET, "")).contains("inbox/a.json");
    }

    @Test
    void objectInFlightIsNotTakenAgainUntilItsExchangeIsDone() throws Exception {
        s3.put(BUCKET, "inbox/slow.json", "{}");
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger mostInFlight = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();

        try (LogCapture consumerLog = LogCapture.of(AWS2S3Consumer.class.getName(), "TRACE")) {
            // threads(): the poll returns at once and polls again every 50 ms while the exchange is still running
            start(r -> r.from("aws2-s3://" + BUCKET
                            + "?amazonS3Client=#s3&prefix=inbox/&delimiter=/&deleteAfterRead=false&delay=50&initialDelay=0")
                    .threads(4)
                    .process(e -> {
                        mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                        Thread.sleep(300);
                        inFlight.decrementAndGet();
                        done.incrementAndGet();
                    }));

            await().atMost(WAIT).until(() -> done.get() >= 2);
            assertThat(mostInFlight).hasValue(1);
            assertThat(consumerLog.text()).contains("Skipping as s3 object is already in progress: inbox/slow.json");
        }
    }

    @ParameterizedTest(name = "destinationBucketPrefix={0} removePrefixOnMove={1} gives {2}")
    @CsvSource({
        ".done/,       false, .done/inbox/a.json",
        "inbox/.done/, false, inbox/.done/inbox/a.json",
        // removePrefixOnMove takes out the FIRST match of the prefix (as a regex) in destination prefix + key
        "inbox/.done/, true,  .done/inbox/a.json"})
    void consumerMoveAfterReadCopiesThenDeletesUnderTheDestinationPrefix(
            String destinationPrefix, boolean removePrefix, String movedKey) throws Exception {
        s3.put(BUCKET, "inbox/a.json", "{}");
        List<String> taken = new CopyOnWriteArrayList<>();

        start(r -> r.from("aws2-s3://" + BUCKET + "?amazonS3Client=#s3&prefix=inbox/&delimiter=/&delay=100&initialDelay=0"
                        + "&moveAfterRead=true&destinationBucket=" + BUCKET + "&destinationBucketPrefix=" + destinationPrefix
                        + "&removePrefixOnMove=" + removePrefix)
                .process(e -> taken.add(e.getMessage().getHeader(AWS2S3Constants.KEY, String.class))));

        await().atMost(WAIT).until(() -> s3.keys(BUCKET, "").equals(List.of(movedKey)));
        Thread.sleep(300);
        assertThat(taken).containsExactly("inbox/a.json");
    }

    @Test
    void producerWritesTextAndABigFileInParts() throws Exception {
        s3.createBucket("results");
        byte[] big = new byte[10 * 1024 * 1024];
        new Random(7).nextBytes(big);
        File bigFile = Files.write(work.resolve("big.bin"), big).toFile();
        start(r -> r.from("direct:text").to("aws2-s3://results?amazonS3Client=#s3"));
        start(r -> r.from("direct:file")
                .to("aws2-s3://results?amazonS3Client=#s3&multiPartUpload=true&partSize=5242880"));
        ProducerTemplate producer = camel.createProducerTemplate();

        Exchange text = producer.request("direct:text", e -> {
            e.getMessage().setBody("hello, S3");
            e.getMessage().setHeader(AWS2S3Constants.KEY, "out/a.txt");
        });
        Exchange file = producer.request("direct:file", e -> {
            e.getMessage().setBody(bigFile);
            e.getMessage().setHeader(AWS2S3Constants.KEY, "out/big.bin");
        });

        assertThat(text.getException()).isNull();
        assertThat(s3.getString("results", "out/a.txt")).hasValue("hello, S3");
        assertThat(file.getException()).isNull();
        assertThat(file.getMessage().getHeader(AWS2S3Constants.PRODUCED_KEY)).isEqualTo("out/big.bin");
        // a multipart object's ETag ends in -<parts>
        assertThat(file.getMessage().getHeader(AWS2S3Constants.E_TAG, String.class)).endsWith("-2\"");
        assertThat(s3.get("results", "out/big.bin")).hasValueSatisfying(b -> assertThat(b).isEqualTo(big));
        assertThat(bigFile).exists();
    }

    @Test
    void producerCopiesAndDeletesSoThatARouteCanMoveAnObjectOutOfTheInbox() throws Exception {
        s3.put(BUCKET, "inbox/a.json", "{\"prompt\":\"a\"}");
        start(r -> r.from("direct:done")
                .setHeader(AWS2S3Constants.BUCKET_DESTINATION_NAME, r.constant(BUCKET))
                .setHeader(AWS2S3Constants.DESTINATION_KEY, r.simple("inbox/.done/${header.CamelAwsS3Key.substring(6)}"))
                .to("aws2-s3://" + BUCKET + "?amazonS3Client=#s3&operation=copyObject")
                .to("aws2-s3://" + BUCKET + "?amazonS3Client=#s3&operation=deleteObject"));

        camel.createProducerTemplate().sendBodyAndHeader("direct:done", null, AWS2S3Constants.KEY, "inbox/a.json");

        assertThat(s3.keys(BUCKET, "")).containsExactly("inbox/.done/a.json");
        assertThat(s3.getString(BUCKET, "inbox/.done/a.json")).hasValue("{\"prompt\":\"a\"}");
    }

    @Test
    void presignedGetUrlIsFetchedWithAPlainHttpClient() throws Exception {
        s3.put(BUCKET, "out/image.png", new byte[] {(byte) 0x89, 'P', 'N', 'G'});
        URI url;
        try (S3Presigner presigner = s3.newPresigner()) {
            PresignedGetObjectRequest presigned = presigner.presignGetObject(p -> p
                    .signatureDuration(Duration.ofMinutes(5))
                    .getObjectRequest(g -> g.bucket(BUCKET).key("out/image.png")));
            url = presigned.url().toURI();
        }

        HttpResponse<byte[]> response = HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(url).GET().build(), HttpResponse.BodyHandlers.ofByteArray());

        assertThat(url.getHost()).isEqualTo("127.0.0.1");
        assertThat(url.getPath()).isEqualTo("/" + BUCKET + "/out/image.png");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).containsExactly(0x89, 'P', 'N', 'G');
    }

    @Test
    void clientBuiltFromUriOptionsNeedsTheChecksumPropertyAndTakesASecretWithSlashAndPlusInRaw() throws Exception {
        s3.put(BUCKET, "inbox/a.json", "{}");
        String uri = "aws2-s3://" + BUCKET + "?" + s3.camelEndpointOptions()
                + "&prefix=inbox/&delimiter=/&deleteAfterRead=false&delay=100&initialDelay=0";

        // as Camel builds it, the SDK 2.41 client sends x-amz-checksum-* headers that S3Proxy answers with 501
        try (LogCapture camelLog = LogCapture.of("org.apache.camel", "WARN");
                LogCapture proxyLog = LogCapture.of("org.gaul.s3proxy", "ERROR")) {
            List<String> taken = consumeUntil(uri, keys -> camelLog.text().contains("Status Code: 501"));
            assertThat(taken).isEmpty();
            assertThat(proxyLog.text()).contains("Unknown header x-amz-checksum-crc32");
            assertThat(camelLog.text()).doesNotContain(s3.secretKey());
        }
        String before = System.setProperty("aws.requestChecksumCalculation", "WHEN_REQUIRED");
        try {
            assertThat(consumeUntil(uri, keys -> !keys.isEmpty())).contains("inbox/a.json");
        } finally {
            if (before == null) {
                System.clearProperty("aws.requestChecksumCalculation");
            } else {
                System.setProperty("aws.requestChecksumCalculation", before);
            }
        }
        assertThat(s3.secretKey()).contains("/", "+");
    }

    /** The keys that a context without a bound client takes from {@code uri} until {@code done} holds. */
    private static List<String> consumeUntil(String uri, Predicate<List<String>> done) throws Exception {
        List<String> taken = new CopyOnWriteArrayList<>();
        CamelContext plain = new DefaultCamelContext();
        try {
            RouteBuilder.addRoutes(plain, r -> r.from(uri)
                    .process(e -> taken.add(e.getMessage().getHeader(AWS2S3Constants.KEY, String.class))));
            plain.start();
            await().atMost(WAIT).until(() -> done.test(taken));
        } finally {
            plain.close();
        }
        return taken;
    }

    @Test
    void consumerCarriesOnAfterAnOutage() throws Exception {
        List<String> taken = new CopyOnWriteArrayList<>();
        start(r -> r.from("aws2-s3://" + BUCKET + "?amazonS3Client=#s3&prefix=inbox/&delimiter=/&delay=100&initialDelay=0")
                .process(e -> taken.add(e.getMessage().getHeader(AWS2S3Constants.KEY, String.class))));
        s3.put(BUCKET, "inbox/before.json", "{}");
        await().atMost(WAIT).until(() -> taken.contains("inbox/before.json"));
        // the object is deleted once its exchange completes: stopping S3 before that would fail the delete instead
        await().atMost(WAIT).until(() -> s3.keys(BUCKET, "inbox/").isEmpty());

        try (LogCapture log = LogCapture.of("org.apache.camel", "WARN")) {
            s3.stop();
            await().atMost(WAIT).until(() -> log.text().contains("Connection refused"));
            s3.restart();
            s3.put(BUCKET, "inbox/after.json", "{}");
            await().atMost(WAIT).until(() -> taken.contains("inbox/after.json"));

            // one WARN per failed poll (after the SDK's own 3 retries), from the scheduled consumer's poll strategy
            assertThat(log.lines()).isNotEmpty().allSatisfy(line -> assertThat(line)
                    .startsWith("WARN AWS2S3Consumer Failed polling endpoint: aws2-s3://"
                            + BUCKET)
                    .contains("Will try again at next poll", "Unable to execute HTTP request", "Connection refused"));
        }
        // deleted once its exchange completes, as the first object was: after the processor that saw it
        await().atMost(WAIT).until(() -> s3.keys(BUCKET, "inbox/").isEmpty());
    }

    @Test
    void routeOnS3ThatIsDownAtStartupStopsTheContextUnlessARouteControllerSupervisesIt() throws Exception {
        s3.stop();
        try (LogCapture log = LogCapture.of("org.apache.camel", "ERROR")) {
            // the endpoint asks S3 for its bucket when the route starts (headBucket); the SDK's error fails the start
            Throwable plainStart = catchThrowable(() -> start(r -> r.from("aws2-s3://" + BUCKET
                    + "?amazonS3Client=#s3&prefix=inbox/&delimiter=/" + "&delay=100").process(e -> { })));
            assertThat(plainStart).isInstanceOf(FailedToStartRouteException.class)
                    .hasMessageContaining("Unable to execute HTTP request");
            assertThat(log.text()).startsWith("ERROR AbstractCamelContext Error starting"
                    + " CamelContext");
        } finally {
            s3.restart();
        }
        s3.stop();
        List<String> taken = new CopyOnWriteArrayList<>();
        CamelContext supervised = new DefaultCamelContext();
        DefaultSupervisingRouteController controller = new DefaultSupervisingRouteController();
        controller.setInitialDelay(100);
        controller.setBackOffDelay(200);
        supervised.setRouteController(controller); // Camel Main: camel.routecontroller.enabled=true
        supervised.getRegistry().bind("s3", client);
        try (LogCapture log = LogCapture.of("org.apache.camel", "INFO")) {
            RouteBuilder.addRoutes(supervised, r -> r.from("aws2-s3://" + BUCKET
                            + "?amazonS3Client=#s3&prefix=inbox/&delimiter=/&delay=100").routeId("inbox")
                    .process(e -> taken.add(e.getMessage().getHeader(AWS2S3Constants.KEY, String.class))));
            supervised.start();
            Thread.sleep(800);
            assertThat(supervised.getRouteController().getRouteStatus("inbox").isStarted()).isFalse();

            s3.restart();
            s3.put(BUCKET, "inbox/a.json", "{}");
            await().atMost(WAIT).until(() -> taken.contains("inbox/a.json"));
            // the controller logs that it keeps trying, at INFO, without the cause
            assertThat(log.text()).contains("Routes startup (total:1 started:0 restarting:1 exhausted:0)",
                    "Route: inbox started after");
        } finally {
            supervised.close();
        }
    }

    @Test
    void stoppedServerKeepsItsObjectsAndItsPort() {
        s3.put(BUCKET, "kept.txt", "still here");
        int port = s3.port();

        s3.stop();
        Throwable whileDown = catchThrowable(() -> s3.get(BUCKET, "kept.txt"));
        s3.restart();

        assertThat(whileDown).hasMessageContaining("Unable to execute HTTP request");
        assertThat(s3.port()).isEqualTo(port);
        assertThat(s3.getString(BUCKET, "kept.txt")).hasValue("still here");
    }

    private void start(LambdaRouteBuilder route) throws Exception {
        RouteBuilder.addRoutes(camel, route);
        camel.start();
    }
}
