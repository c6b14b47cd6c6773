package dev.nanobanana.camel.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import dev.nanobanana.emulator.Operation;
import dev.nanobanana.camel.testing.PipelineTestSupport;

/** A drop folder with a thousand files: every one reaches a sink, each job submitted once. */
class ManySmallFilesTest extends PipelineTestSupport {

    static final int FILES = 1000;

    @Override
    public Properties settings() {
        Properties settings = super.settings();
        settings.setProperty("nanobanana.concurrency", "64");
        return settings;
    }

    @Test
    void aThousandFilesAllReachTheCompletedSinkEachSubmittedOnce() throws Exception {
        Path staging = Files.createDirectories(work.resolve("staging"));
        for (int i = 0; i < FILES; i++) {
            Files.writeString(staging.resolve("job-" + i + ".json"), PipelineTest.job(""));
        }
        // one rename: the whole batch appears in the inbox at once
        Files.delete(inbox);
        Files.move(staging, inbox);

        // an upper bound only: a thousand jobs take their time on a machine busy with other tests
        await().atMost(Duration.ofSeconds(300)).until(() -> count(inbox.resolve(".done")) == FILES);
        assertThat(count(completed)).isEqualTo(2 * FILES);
        assertThat(emulator.requests(Operation.RUNSYNC)).hasSize(FILES);
        assertThat(failed).doesNotExist();
    }

    private static long count(Path folder) throws Exception {
        if (!Files.isDirectory(folder)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(file -> !file.getFileName().toString().startsWith(".")).count();
        }
    }
}
