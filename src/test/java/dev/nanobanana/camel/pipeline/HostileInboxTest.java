package dev.nanobanana.camel.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Properties;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.component.file.FileEndpoint;
import org.apache.camel.util.FileUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.nanobanana.emulator.Operation;
import dev.nanobanana.camel.source.SourcePollStrategy;
import dev.nanobanana.camel.testing.PipelineTestSupport;
import dev.nanobanana.camel.testing.LogCapture;

/** Files a drop folder really sees that must neither stall the inbox nor leak what they point to. */
class HostileInboxTest extends PipelineTestSupport {

    @RegisterExtension
    final LogCapture logs = new LogCapture(Level.INFO);

    @Override
    public Properties settings() {
        Properties settings = super.settings();
        settings.setProperty("nanobanana.max-job-file-bytes", "4kB");
        return settings;
    }

    @Test
    void fileOverTheSizeLimitIsRefusedUnreadAndTheNextFileIsProcessed() throws Exception {
        Path huge = work.resolve("huge.json");
        try (RandomAccessFile file = new RandomAccessFile(huge.toFile(), "rw")) {
            // sparse: 300 MB that take no disk, and would fill the heap if read
            file.setLength(300L * 1024 * 1024);
        }
        Files.move(huge, inbox.resolve("huge.json"));
        drop("good.json", PipelineTest.job(""));

        JsonNode record = json(failed.resolve("huge.error.json"));
        assertThat(record.get("reason").asText()).contains("huge.json is 300.0 MB; a job file may be at most 4.0 kB "
                                                           + "(nanobanana.max-job-file-bytes)");
        assertThat(processed(".failed", "huge.json")).exists();
        assertThat(json(completed.resolve("good.json")).get("status").asText()).isEqualTo("COMPLETED");
        assertThat(emulator.requests(Operation.RUNSYNC)).hasSize(1);
    }

    @Test
    void fifoNamedLikeAJobFileDoesNotBlockTheInbox() throws Exception {
        Path fifo = inbox.resolve("x.json");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        drop("good.json", PipelineTest.job(""));

        assertThat(json(completed.resolve("good.json")).get("status").asText()).isEqualTo("COMPLETED");
        assertThat(json(failed.resolve("x.error.json")).get("reason").asText())
                .contains("x.json is not a regular file (a FIFO, a device or a socket): only regular files are read");
        assertThat(Files.isRegularFile(processed(".failed", "x.json"), LinkOption.NOFOLLOW_LINKS)).isFalse();
    }

    @Test
    void symbolicLinkIsNotFollowedAndWhatItPointsToIsNeverCopied() throws Exception {
        Path secret = Files.writeString(work.resolve("secret.yaml"), "db_password: hunter2\naws_secret: abc123\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        Files.createSymbolicLink(inbox.resolve("link.yaml"), secret);
        Files.createSymbolicLink(inbox.resolve("passwd.yaml"), Path.of("/etc/passwd"));

        JsonNode record = json(failed.resolve("link.error.json"));
        assertThat(record.get("reason").asText()).contains("link.yaml is a symbolic link: links in the inbox are "
                                                           + "not followed");
        json(failed.resolve("passwd.error.json"));
        processed(".failed", "passwd.yaml");
        assertThat(Files.isSymbolicLink(processed(".failed", "link.yaml"))).isTrue();
        assertThat(Files.readString(failed.resolve("link.error.json"))).doesNotContain("hunter2", "abc123");
        assertThat(Files.readString(failed.resolve("passwd.error.json"))).doesNotContain("root:");
        assertThat(logs.lines()).noneMatch(line -> line.contains("hunter2") || line.contains("root:"));
        // the readiness check's GET /health aside
        assertThat(emulator.requests()).filteredOn(request -> request.operation() != Operation.HEALTH).isEmpty();
    }

    @Test
    void inboxDeletedWhileRunningIsCreatedAgainAndSaidOnce() throws Exception {
        drop("first.json", PipelineTest.job(""));
        processed(".done", "first.json");
        FileUtil.removeDir(inbox.toFile());

        await().atMost(WAIT).until(() -> Files.isDirectory(inbox));
        drop("second.json", PipelineTest.job(""));
        assertThat(json(completed.resolve("second.json")).get("status").asText()).isEqualTo("COMPLETED");
        assertThat(logs.lines(Level.WARN)).filteredOn(line -> line.contains("was missing (deleted?)"))
                .singleElement().asString().contains(inbox.toString());
    }

    @Test
    void inboxThatCannotBeWrittenIsNotPolledAndIsReportedOnceUntilItWorksAgain() {
        // the tests may run as root, who can write anywhere: the folder says it is read-only instead
        boolean[] writable = {false};
        File folder = new File(inbox.toString()) {
            @Override
            public boolean canWrite() {
                return writable[0];
            }
        };
        FileEndpoint endpoint = context.getEndpoint("file:" + inbox, FileEndpoint.class);
        endpoint.setFile(folder);
        SourcePollStrategy strategy = new SourcePollStrategy();

        assertThat(strategy.begin(null, endpoint)).isFalse();
        assertThat(strategy.begin(null, endpoint)).isFalse();
        writable[0] = true;
        assertThat(strategy.begin(null, endpoint)).isTrue();
        strategy.commit(null, endpoint, 0);

        assertThat(logs.lines()).filteredOn(line -> line.contains("SourcePollStrategy")).containsExactly(
                "WARN SourcePollStrategy file://" + inbox + " cannot be read: the folder " + inbox
                + " is not writable: a job file taken from it could not be moved to .done or .failed, so none is "
                + "taken until it is writable. Retrying quietly until it works",
                "INFO SourcePollStrategy file://" + inbox + " works again");
    }
}
