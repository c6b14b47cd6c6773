package dev.nanobanana.emulator;

import dev.nanobanana.camel.settings.NanoBananaSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** The options a user gives {@code --emulator}; the process itself is started in {@code EmulatorProcessIT}. */
class EmulatorCommandTest {

    @Test
    void withoutOptionsTheEmulatorListensOn8089WithOneSecondJobsAndKeepsNoRequestBodies() {
        EmulatorSettings settings = EmulatorCommand.parse(List.of()).settings();

        assertThat(settings.host()).as("this machine only").isEqualTo("127.0.0.1");
        assertThat(settings.port()).isEqualTo(8089);
        assertThat(settings.apiKey()).isEqualTo("emulator-key");
        assertThat(settings.latency()).isEqualTo(Duration.ofSeconds(1));
        assertThat(settings.runsyncWait()).isEqualTo(Duration.ofSeconds(90));
        assertThat(settings.imageBytes()).isZero();
        assertThat(settings.fetchInputs()).isFalse();
        assertThat(settings.recordedRequests()).isZero();
    }

    @Test
    void javaTheCommandLineAndTheRuntimeStartTheEmulatorWithTheSameDefaults() {
        EmulatorSettings defaults = EmulatorSettings.defaults();

        // a process of its own differs only where clients find it and in keeping no request bodies
        assertThat(EmulatorCommand.parse(List.of()).settings())
                .isEqualTo(defaults.withPort(8089).withRecordedRequests(0));
        assertThat(DurationText.parse(runtimeDefault("emulator.latency"))).isEqualTo(defaults.latency());
        assertThat(DurationText.parse(runtimeDefault("emulator.runsync-wait"))).isEqualTo(defaults.runsyncWait());
        assertThat(Integer.parseInt(runtimeDefault("emulator.port"))).isEqualTo(defaults.port());
        assertThat(Boolean.parseBoolean(runtimeDefault("emulator.fetch-inputs"))).isEqualTo(defaults.fetchInputs());
        assertThat(EmulatorCommand.USAGE).contains("how long each job runs (default 1s)");
    }

    private static String runtimeDefault(String key) {
        return NanoBananaSettings.DEFAULTS.get(key);
    }

    @Test
    void everyOptionSetsItsSetting() {
        EmulatorCommand command = EmulatorCommand.parse(List.of("--host", "0.0.0.0", "--port", "0", "--api-key=k-1",
                "--latency", "250ms",
                "--queue-delay", "2s", "--runsync-wait=3m", "--image-bytes", "8MB", "--fetch-inputs",
                "--faults", "runsync=429;retry-after=2, status=drop"));

        EmulatorSettings settings = command.settings();
        assertThat(settings.host()).isEqualTo("0.0.0.0");
        assertThat(settings.port()).isZero();
        assertThat(settings.apiKey()).isEqualTo("k-1");
        assertThat(settings.latency()).isEqualTo(Duration.ofMillis(250));
        assertThat(settings.queueDelay()).isEqualTo(Duration.ofSeconds(2));
        assertThat(settings.runsyncWait()).isEqualTo(Duration.ofMinutes(3));
        assertThat(settings.imageBytes()).isEqualTo(8_000_000);
        assertThat(settings.fetchInputs()).isTrue();
        assertThat(command.faults()).extracting(FaultSpec::operation).containsExactly(Operation.RUNSYNC, Operation.STATUS);
        assertThat(command.help()).isFalse();
    }

    @ParameterizedTest
    @CsvSource({"5000, 5000", "200kB, 200000", "200KB, 200000", "8MB, 8000000", "1.5MB, 1500000", "1MiB, 1048576",
            "64KiB, 65536"})
    void sizesTakeDecimalAndBinaryUnits(String text, int bytes) {
        assertThat(EmulatorCommand.bytes(text)).isEqualTo(bytes);
    }

    @Test
    void anUnknownOptionOrAnUnusableValueIsNamed() {
        assertThatIllegalArgumentException().isThrownBy(() -> EmulatorCommand.parse(List.of("--latecny", "1s")))
                .withMessage("unknown option --latecny");
        assertThatIllegalArgumentException().isThrownBy(() -> EmulatorCommand.parse(List.of("--latency", "soon")))
                .withMessageStartingWith("--latency soon: invalid duration");
        assertThatIllegalArgumentException().isThrownBy(() -> EmulatorCommand.parse(List.of("--image-bytes", "huge")))
                .withMessageStartingWith("--image-bytes huge: expected a size");
        assertThatIllegalArgumentException().isThrownBy(() -> EmulatorCommand.parse(List.of("--faults", "runsync=teapot")))
                .withMessageContaining("unknown fault \"teapot\"");
        assertThatIllegalArgumentException().isThrownBy(() -> EmulatorCommand.parse(List.of("--port")))
                .withMessage("--port needs a value");
    }

    @Test
    void helpPrintsTheOptionsAndUnusableOptionsExitWithTwo() throws InterruptedException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        assertThat(EmulatorCommand.run(List.of("--help"), print(out), print(err))).isZero();
        assertThat(EmulatorCommand.run(List.of("--port", "http"), print(out), print(err))).isEqualTo(2);

        assertThat(out.toString(StandardCharsets.UTF_8)).contains("--host <address>", "--image-bytes <size>",
                "--fetch-inputs", "/emulator/stats");
        assertThat(err.toString(StandardCharsets.UTF_8).strip())
                .isEqualTo("nano-banana-camel --emulator: --port http: expected a port number, 0-65535 (see --emulator --help)");
    }

    private static PrintStream print(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }
}
