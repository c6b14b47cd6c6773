package dev.nanobanana.camel.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import jdk.jfr.consumer.RecordingStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ledger's H2 file is forced to disk every second, until the ledger closes. (What the upkeep does to the file's size
 * is measured in bench/: tests comparing the file's size at two moments depended on how fast the machine wrote.)
 */
class LedgerFileUpkeepTest {

    static final String OWNER = "instance-a";

    @TempDir
    Path work;

    @Test
    void theFileIsForcedToDiskEverySecondUntilTheLedgerCloses() throws Exception {
        List<Instant> forced = new CopyOnWriteArrayList<>();
        try (RecordingStream events = new RecordingStream()) {
            events.enable("jdk.FileForce").withThreshold(Duration.ZERO);
            events.onEvent("jdk.FileForce", event -> {
                if (event.getString("path").endsWith("ledger.mv.db")) {
                    forced.add(event.getStartTime());
                }
            });
            events.startAsync();

            JobLedger ledger = JobLedger.open("jdbc:h2:file:" + work.resolve("state/ledger"), "sa", "");
            JobLedgerTest.admit(ledger, "job-1", SampleJobs.received("job-1", Instant.now()), OWNER);
            await().atMost(Duration.ofSeconds(20)).until(() -> forced.size() >= 3);
            assertThat(Duration.between(forced.get(1), forced.get(2))).as("between two forces of the file")
                    .isBetween(Duration.ofMillis(900), Duration.ofSeconds(5));

            ledger.close();
            // H2 compacts and forces the file as it closes; JFR hands events over about a second late
            Thread.sleep(2_000);
            int afterClose = forced.size();
            Thread.sleep(3_000);
            assertThat(forced).as("forces once the ledger closed").hasSize(afterClose);
            assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
                    .doesNotContain("nanobanana-ledger-file");
        }
    }
}
