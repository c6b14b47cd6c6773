package dev.nanobanana.camel.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;

import ch.qos.logback.classic.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.nanobanana.camel.testing.LogCapture;
import dev.nanobanana.camel.testing.PipelineTestSupport;

/**
 * A run killed in the middle of a download leaves a hidden partial file in the spool; the next run removes it once
 * nothing has written to it for twice the read timeout, and leaves a download that is going on alone.
 */
class SpoolCleanupTest extends PipelineTestSupport {

    @RegisterExtension
    final LogCapture logs = new LogCapture(Level.INFO);

    @Test
    void partialDownloadsLeftByAnEarlierRunAreRemovedAtTheStart() throws Exception {
        context.stop();
        Files.createDirectories(spool);
        // read-timeout is 10 s here: a partial file untouched for 20 s is abandoned
        Path leftByAKill = Files.writeString(spool.resolve(".incoming-0f3c"), "the first half of an image");
        Files.setLastModifiedTime(leftByAKill, FileTime.from(Instant.now().minus(Duration.ofMinutes(1))));
        Path arriving = Files.writeString(spool.resolve(".incoming-9a1e"), "an image on its way");

        startInstance(settings());

        await().atMost(WAIT).until(() -> !Files.exists(leftByAKill));
        assertThat(arriving).exists();
        await().atMost(WAIT).untilAsserted(() -> assertThat(logs.lines(Level.INFO)).anySatisfy(line ->
                assertThat(line).contains("Removed 1 partial image download(s) from " + spool)
                        .contains("their jobs fetch their images again")));
    }
}
