package dev.nanobanana.camel.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Properties;

import ch.qos.logback.classic.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.nanobanana.emulator.Fault;
import dev.nanobanana.emulator.Operation;
import dev.nanobanana.camel.testing.PipelineTestSupport;
import dev.nanobanana.camel.testing.LogCapture;

/** The thread that reads job files hands jobs over and goes on reading: it never runs a job. */
class IntakeTest extends PipelineTestSupport {

    @RegisterExtension
    final LogCapture logs = new LogCapture(Level.INFO);

    @Override
    public Properties settings() {
        Properties settings = super.settings();
        settings.setProperty("nanobanana.concurrency", "2");
        return settings;
    }

    @Test
    void fileDroppedWhileEverySlotIsBusyIsReadAtOnceAndItsJobWaitsItsTurn() throws Exception {
        emulator.inject(Operation.RUNSYNC, Fault.jobRunsFor(Duration.ofSeconds(4)));
        emulator.inject(Operation.RUNSYNC, Fault.jobRunsFor(Duration.ofSeconds(4)));
        drop("slow.yaml", """
                jobs:
                  - {prompt: one, images: [https://images.test/a.png]}
                  - {prompt: two, images: [https://images.test/a.png]}
                """);
        await().atMost(WAIT).until(() -> emulator.requests(Operation.RUNSYNC).size() == 2);

        drop("next.json", PipelineTest.job(""));
        drop("after.json", PipelineTest.job(""));

        // both files are read while the two slow jobs still hold the two slots...
        await().atMost(Duration.ofSeconds(3)).until(() -> logs.lines().stream().filter(line ->
                line.endsWith("next.json: 1 job(s)") || line.endsWith("after.json: 1 job(s)")).count() == 2);
        assertThat(emulator.requests(Operation.RUNSYNC)).hasSize(2);
        assertThat(completed.resolve("slow.json")).doesNotExist();
        // ...and their jobs run once a slot is free
        json(completed.resolve("next.json"));
        json(completed.resolve("after.json"));
        processed(".done", "slow.yaml");
        assertThat(emulator.requests(Operation.RUNSYNC)).hasSize(4);
    }
}
