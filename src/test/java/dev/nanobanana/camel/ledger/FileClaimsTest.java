package dev.nanobanana.camel.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.IdempotentRepository;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import dev.nanobanana.camel.source.FileClaims;

/** File consumers on several instances sharing one folder through the ledger's database, on each it supports. */
@ParameterizedClass(name = "on {0}")
@EnumSource(SupportedDatabase.class)
class FileClaimsTest {

    static final String PROCESSOR = "inbox";
    static final Duration KEEP_ALIVE = Duration.ofMillis(200);
    static final Duration MAX_AGE = Duration.ofMillis(1500);

    /** What the inbox route would say, plus a short poll delay for the test. */
    static final String READ_LOCK = "readLock=idempotent-changed&idempotentRepository=#fileClaims"
            + "&readLockRemoveOnCommit=true&readLockMinAge=200&readLockCheckInterval=50&readLockMinLength=0"
            + "&readLockTimeout=5000&move=.done&moveFailed=.failed&delay=20";

    @TempDir
    Path inbox;

    private final List<AutoCloseable> opened = new ArrayList<>();
    /** The instances that took each file, in the order they did. */
    private final Map<String, List<String>> takenBy = new ConcurrentHashMap<>();
    private String url;

    @Parameter
    SupportedDatabase database;

    @BeforeEach
    void newDatabase() {
        url = database.newDatabaseUrl();
    }

    @AfterEach
    void stopEverything() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
    }

    @Test
    void twoInstancesReadingOneFolderTakeEachOfFiftyFilesOnce() throws Exception {
        JobLedger ledger = ledger();
        instance("instance-a", ledger, Duration.ofMillis(20));
        instance("instance-b", ledger(), Duration.ofMillis(20));

        List<String> files = dropJobFiles(50);

        await().atMost(Duration.ofSeconds(15)).until(() -> done().size() == files.size());
        Thread.sleep(300);
        assertThat(takenBy).containsOnlyKeys(files);
        assertThat(takenBy.values()).allSatisfy(instances -> assertThat(instances).hasSize(1));
        assertThat(takenBy.values().stream().map(instances -> instances.get(0)).distinct())
                .as("both instances took files").containsExactlyInAnyOrder("instance-a", "instance-b");
        assertThat(done()).containsExactlyInAnyOrderElementsOf(files);
        assertThat(locks(ledger)).as("locks released on commit").isZero();
    }

    @Test
    void aFileLockedByAnInstanceThatDiedIsTakenOverOnceItsLockIsOlderThanMaxAge() throws Exception {
        JobLedger ledger = ledger();
        instance("instance-a", ledger, Duration.ZERO);
        instance("instance-b", ledger(), Duration.ZERO);
        // the lock's age counts from here, not from before the instances started: on a busy machine their start alone
        // can take longer than MAX_AGE
        Instant diedAt = Instant.now();
        lockLeftBehind(ledger, inbox.resolve("orphan.json").toAbsolutePath().toString(), diedAt);

        List<String> files = dropJobFiles(5);
        Files.writeString(inbox.resolve("orphan.json"), "{\"prompt\": \"left behind\"}");

        await().atMost(Duration.ofSeconds(10)).until(() -> done().containsAll(files));
        assertThat(Instant.now()).as("the others went through while the orphan's lock was young")
                .isBefore(diedAt.plus(MAX_AGE));
        assertThat(takenBy).doesNotContainKey("orphan.json");
        await().atMost(Duration.ofSeconds(10)).until(() -> done().contains("orphan.json"));
        assertThat(Instant.now()).isAfter(diedAt.plus(MAX_AGE));
        Thread.sleep(300);
        assertThat(takenBy.get("orphan.json")).hasSize(1);
    }

    @Test
    void twoInstancesFindingTheSameAbandonedLockLetOnlyOneOfThemTakeIt() throws Exception {
        JobLedger ledger = ledger();
        IdempotentRepository a = repository(ledger);
        IdempotentRepository b = repository(ledger());
        int files = 100;
        for (int i = 0; i < files; i++) {
            lockLeftBehind(ledger, "/inbox/job-" + i + ".json", Instant.now().minus(Duration.ofHours(1)));
        }
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            for (int i = 0; i < files; i++) {
                String file = "/inbox/job-" + i + ".json";
                CyclicBarrier together = new CyclicBarrier(2);
                Future<Boolean> byA = threads.submit(() -> {
                    together.await();
                    return a.add(file);
                });
                Future<Boolean> byB = threads.submit(() -> {
                    together.await();
                    return b.add(file);
                });

                assertThat(List.of(byA.get(10, TimeUnit.SECONDS), byB.get(10, TimeUnit.SECONDS))).as(file)
                        .containsExactlyInAnyOrder(true, false);
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void aLockStaysWithItsLiveHolderPastMaxAgeWhetherTakenNewOrOverFromTheDead() throws Exception {
        JobLedger ledger = ledger();
        IdempotentRepository a = repository(ledger);
        IdempotentRepository b = repository(ledger());
        lockLeftBehind(ledger, "/inbox/orphan.json", Instant.now().minus(Duration.ofHours(1)));
        assertThat(a.add("/inbox/orphan.json")).isTrue();
        assertThat(a.add("/inbox/new.json")).isTrue();

        Thread.sleep(MAX_AGE.plus(KEEP_ALIVE).toMillis());

        assertThat(b.add("/inbox/orphan.json")).isFalse();
        assertThat(b.add("/inbox/new.json")).isFalse();
        assertThat(a.remove("/inbox/new.json")).isTrue();
        assertThat(b.add("/inbox/new.json")).isTrue();
    }

    private JobLedger ledger() {
        JobLedger ledger = JobLedger.open(url, database.user(), "");
        opened.add(ledger);
        return ledger;
    }

    private IdempotentRepository repository(JobLedger ledger) throws Exception {
        CamelContext context = new DefaultCamelContext();
        opened.add(context);
        IdempotentRepository repository =
                FileClaims.repository(ledger.dataSource(), context, PROCESSOR, KEEP_ALIVE, MAX_AGE);
        context.addService(repository);
        context.start();
        return repository;
    }

    /** An instance whose inbox route takes {@code work} over each file. */
    private void instance(String name, JobLedger ledger, Duration work) throws Exception {
        CamelContext context = new DefaultCamelContext();
        opened.add(context);
        context.getRegistry().bind("fileClaims",
                FileClaims.repository(ledger.dataSource(), context, PROCESSOR, KEEP_ALIVE, MAX_AGE));
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("file:" + inbox + "?" + READ_LOCK).routeId(name).process(exchange -> {
                    takenBy.computeIfAbsent(exchange.getIn().getHeader(Exchange.FILE_NAME, String.class),
                            file -> Collections.synchronizedList(new ArrayList<>())).add(name);
                    Thread.sleep(work.toMillis());
                });
            }
        });
        context.start();
    }

    private List<String> dropJobFiles(int count) throws IOException {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String name = String.format("job-%02d.json", i);
            Files.writeString(inbox.resolve(name), "{\"prompt\": \"make shoe " + i + " red\"}");
            names.add(name);
        }
        return names;
    }

    private List<String> done() throws IOException {
        Path done = inbox.resolve(".done");
        if (!Files.isDirectory(done)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(done)) {
            return files.map(file -> file.getFileName().toString()).toList();
        }
    }

    /** The row a consumer leaves when its process is killed while it reads a file. */
    private static void lockLeftBehind(JobLedger ledger, String file, Instant at) throws SQLException {
        try (Connection connection = ledger.dataSource().getConnection();
                PreparedStatement insert = connection.prepareStatement("INSERT INTO CAMEL_MESSAGEPROCESSED "
                        + "(processorName, messageId, createdAt, lockedBy) VALUES (?, ?, ?, 'gone')")) {
            insert.setString(1, PROCESSOR);
            insert.setString(2, file);
            insert.setTimestamp(3, Timestamp.from(at));
            insert.executeUpdate();
        }
    }

    private static int locks(JobLedger ledger) throws SQLException {
        try (Connection connection = ledger.dataSource().getConnection();
                PreparedStatement count = connection.prepareStatement("SELECT COUNT(*) FROM CAMEL_MESSAGEPROCESSED");
                ResultSet row = count.executeQuery()) {
            row.next();
            return row.getInt(1);
        }
    }
}
