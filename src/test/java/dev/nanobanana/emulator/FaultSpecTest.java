package dev.nanobanana.emulator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class FaultSpecTest {

    @Test
    void readsEveryKindOfFaultInOrder() {
        assertThat(FaultSpec.parse("runsync=429;retry-after=2, runsync=500, status=drop, image=404,"
                + " runsync=not-json, runsync=fail:Some error, run=fail-400:Blocked, runsync=slow:120s, RUN=Slow:250ms,"
                + " image=stall, run=timeout:2s"))
                .containsExactly(
                        new FaultSpec(Operation.RUNSYNC, Fault.httpStatus(429, Duration.ofSeconds(2))),
                        new FaultSpec(Operation.RUNSYNC, Fault.httpStatus(500)),
                        new FaultSpec(Operation.STATUS, Fault.dropConnection()),
                        new FaultSpec(Operation.IMAGE, Fault.httpStatus(404)),
                        new FaultSpec(Operation.RUNSYNC, Fault.notJson()),
                        new FaultSpec(Operation.RUNSYNC, Fault.jobFails("Some error")),
                        new FaultSpec(Operation.RUN, Fault.jobFails(400, "Blocked")),
                        new FaultSpec(Operation.RUNSYNC, Fault.jobRunsFor(Duration.ofSeconds(120))),
                        new FaultSpec(Operation.RUN, Fault.jobRunsFor(Duration.ofMillis(250))),
                        new FaultSpec(Operation.IMAGE, Fault.stallMidBody()),
                        new FaultSpec(Operation.RUN, Fault.jobTimesOut(Duration.ofSeconds(2))));
    }

    @Test
    void errorTextMayHoldCommasAndNestedJson() {
        assertThat(FaultSpec.parse("runsync=fail:Error submitting task: 400, {\"code\":400,\"message\":\"x\"}, status=drop"))
                .containsExactly(
                        new FaultSpec(Operation.RUNSYNC, Fault.jobFails("Error submitting task: 400, {\"code\":400,\"message\":\"x\"}")),
                        new FaultSpec(Operation.STATUS, Fault.dropConnection()));
    }

    @Test
    void blankSpecMeansNoFaults() {
        assertThat(FaultSpec.parse("  ")).isEmpty();
    }

    @Test
    void parsedFaultsCanBeInjected() throws Exception {
        try (RunpodEmulator emulator = RunpodEmulator.start(EmulatorSettings.defaults())) {
            FaultSpec.parse("health=503").forEach(spec -> emulator.inject(spec.operation(), spec.fault()));

            assertThat(new EmulatorClient(emulator).get("/health").statusCode()).isEqualTo(503);
        }
    }

    @Test
    void invalidEntryIsNamedAmongValidOnes() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> FaultSpec.parse("status=drop, upload=500, image=404"))
                .withMessage("Invalid fault \"upload=500\": unknown operation \"upload\";"
                        + " expected runsync, run, status, cancel, health or image");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "runsync                  | expected <operation>=<fault>",
            "upload=500               | unknown operation \"upload\"",
            "runsync=explode          | unknown fault \"explode\"",
            "runsync=200              | must be 400-599",
            "runsync=429;retry-after=soon | invalid duration \"soon\"",
            "runsync=slow:forever     | invalid duration \"forever\"",
            "runsync=fail:            | fail needs an error text",
            "status=fail:boom         | RUNSYNC and RUN only",
            "health=slow:5s           | RUNSYNC and RUN only",
            "status=timeout:5s        | RUNSYNC and RUN only",
            "runsync=timeout:never    | invalid duration \"never\""})
    void invalidSpecIsRejectedWithTheReason(String spec, String reason) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> FaultSpec.parse(spec))
                .withMessageStartingWith("Invalid fault \"" + spec + "\"")
                .withMessageContaining(reason);
    }
}
