package dev.nanobanana.camel.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.nanobanana.camel.testing.ShippedJvm;
import dev.nanobanana.emulator.EmulatorSettings;
import dev.nanobanana.emulator.FaultSpec;
import dev.nanobanana.emulator.Operation;
import dev.nanobanana.emulator.RecordedRequest;
import dev.nanobanana.emulator.RunpodEmulator;
import dev.nanobanana.camel.testing.S3TestServer;

/**
 * {@code java -jar nano-banana-camel-app.jar --once}, run as a cron job or a CI step runs it: from a folder holding
 * config/ and routes/, against a RunPod emulator of the test's own, its output read as a person reads it.
 */
class OnceIT {

    private static final String KEY = "rpa_ONCE_TEST_KEY";
    private static final Duration RUN_LIMIT = Duration.ofSeconds(180);
    private static final String SUMMARY = "Batch over in ";

    @TempDir
    Path home;
    RunpodEmulator runpod;
    private final List<Process> started = new ArrayList<>();

    @BeforeEach
    void layOutTheRuntimeFolderAndStartRunpod() throws IOException {
        assertThat(FatJarIT.APP_JAR).as("built by mvn package").exists();
        for (String folder : List.of("config", "routes")) {
            FatJarIT.copy(Path.of(folder), home.resolve(folder));
        }
        Files.createDirectories(home.resolve("inbox"));
        runpod = RunpodEmulator.start(EmulatorSettings.defaults().withApiKey(KEY).withLatency(Duration.ofMillis(200)));
    }

    @AfterEach
    void stopWhatStillRunsAndRunpod() throws InterruptedException {
        // a run that did not end when it should have failed its test already: it must not outlive it
        for (Process process : started) {
            if (process.isAlive()) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        }
        runpod.close();
    }

    @Test
    void allGoodBatchExitsZeroWithEveryImageInTheCompletedSinkAndASummary() throws Exception {
        drop("shoe.yaml", job("Make the shoe yellow"));
        drop("mug.json", "{\"prompt\": \"Put the mug on marble\", \"images\": [\"https://images.test/mug.png\"]}");
        drop("shots.yaml", "jobs:\n"
                           + "  - id: flatlay\n    prompt: A flat-lay on white\n    images: [https://images.test/a.png]\n"
                           + "  - id: poster\n    prompt: A poster\n    images: [https://images.test/b.png]\n"
                           + "    resolution: 2k\n");

        Run run = once();

        assertThat(run.exitCode()).as(run.output()).isZero();
        for (String id : List.of("shoe", "mug", "flatlay", "poster")) {
            assertThat(ImageIO.read(home.resolve("out/completed/" + id + ".png").toFile())).as(id).isNotNull();
            assertThat(home.resolve("out/completed/" + id + ".json")).exists();
            assertThat(run.output()).containsPattern("(?m)^\\[\\d/\\d\\] " + id + " completed: out/completed/" + id
                                                     + "\\.png \\(0\\.(0875|13) USD\\)$");
        }
        assertThat(run.output()).contains("[4/4] ");
        assertThat(names("inbox/.done")).containsExactly("mug.json", "shoe.yaml", "shots.yaml");
        assertThat(names("inbox")).isEmpty();
        assertThat(run.summary()).containsExactly(
                "4 completed, 0 failed; 0.3925 USD spent",
                "Images and records: out/completed",
                "Contact sheet: out/report.html");
        String sheet = Files.readString(home.resolve("out/report.html"));
        for (String id : List.of("shoe", "mug", "flatlay", "poster")) {
            assertThat(sheet).as("the contact sheet shows %s", id).contains("<img src=\"completed/" + id + ".png\"");
        }
        assertThat(submittedPrompts()).as("each job submitted once").containsExactlyInAnyOrder(
                "Make the shoe yellow", "Put the mug on marble", "A flat-lay on white", "A poster");
    }

    @Test
    void aBatchWithAFailedJobExitsOneAndTheSummarySaysWhichAndWhy() throws Exception {
        FaultSpec.parse("runsync=fail:The model refused this image")
                .forEach(fault -> runpod.inject(fault.operation(), fault.fault()));
        drop("one.yaml", job("First"));
        drop("two.yaml", job("Second"));
        drop("three.yaml", job("Third"));
        drop("typo.yaml", "promt: Make it blue\nimages: [https://images.test/a.png]\n");

        Run run = once();

        assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
        List<String> summary = run.summary();
        assertThat(summary.get(0)).isEqualTo("2 completed, 2 failed; 0.175 USD spent");
        assertThat(summary).anySatisfy(line -> assertThat(line)
                .matches("  (one|two|three) failed: RunPod reports the job FAILED: The model refused this image"));
        assertThat(summary).anySatisfy(line -> assertThat(line)
                .startsWith("  typo failed: invalid job: unknown field \"promt\" (did you mean \"prompt\"?)"));
        assertThat(summary).endsWith("Images and records: out/completed", "Error records: out/failed",
                "Contact sheet: out/report.html");
        assertThat(Files.readString(home.resolve("out/report.html"))).contains("The model refused this image");
        assertThat(names("out/failed")).hasSize(2).contains("typo.error.json");
        assertThat(names("inbox/.failed")).hasSize(2).contains("typo.yaml");
        assertThat(submittedPrompts()).as("the invalid job costs nothing; the others are sent once")
                .containsExactlyInAnyOrder("First", "Second", "Third");
    }

    @Test
    void anEmptyInboxExitsZeroWithASummaryOfNothing() throws Exception {
        Run run = once();

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).containsPattern("(?m)^Batch over in \\d+\\.\\d s: no jobs in file://inbox$");
        assertThat(runpod.requests()).filteredOn(request -> request.operation() != Operation.HEALTH).isEmpty();
        assertThat(home.resolve("out/report.html")).as("no contact sheet of nothing").doesNotExist();
    }

    @Test
    void aSecondRunOnTheSameFolderSubmitsNothingAndAFileCopiedBackIsNotPaidAgain() throws Exception {
        drop("shoe.yaml", job("Make the shoe yellow"));
        drop("mug.yaml", job("Put the mug on marble"));
        assertThat(once().exitCode()).isZero();
        assertThat(runpod.requests(Operation.RUNSYNC)).hasSize(2);

        Run second = once();

        assertThat(second.exitCode()).as(second.output()).isZero();
        assertThat(second.output()).contains("no jobs in file://inbox");
        assertThat(runpod.requests(Operation.RUNSYNC)).hasSize(2);

        Files.copy(home.resolve("inbox/.done/shoe.yaml"), home.resolve("inbox/shoe.yaml"));
        Run third = once();

        assertThat(third.exitCode()).as(third.output()).isZero();
        assertThat(third.output()).contains("shoe completed: out/completed/shoe.png (delivered already, not sent "
                                            + "again)");
        assertThat(third.summary()).first()
                .isEqualTo("1 completed (1 delivered already, not sent again), 0 failed; 0 USD spent");
        assertThat(runpod.requests(Operation.RUNSYNC)).hasSize(2);
    }

    @Test
    void aBatchStoppedHalfWayCountsWhatFinishedAndTheNextRunsFinishItWithoutPayingTwice() throws Exception {
        runpod.close();
        runpod = RunpodEmulator.start(EmulatorSettings.defaults().withApiKey(KEY).withLatency(Duration.ofSeconds(3)));
        for (int i = 1; i <= 6; i++) {
            drop("job-" + i + ".yaml", job("Job " + i));
        }
        Map<String, String> twoAtATime = environment();
        twoAtATime.put("NANOBANANA_CONCURRENCY", "2");
        Process first = start(twoAtATime, List.of(), "--once");
        await().atMost(RUN_LIMIT).until(() -> runpod.requests(Operation.RUNSYNC).size() >= 2 || !first.isAlive());

        first.destroy();  // SIGTERM, as a CI job's timeout or docker stop sends it
        assertThat(first.waitFor(RUN_LIMIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        Run stopped = new Run(first.exitValue(), output());

        assertThat(stopped.exitCode()).as(stopped.output()).isEqualTo(143);
        assertThat(stopped.output()).containsPattern("(?m)^Batch stopped before it was over, after [0-9.]+ s: "
                                                     + "\\d completed, 0 failed; [0-9.]+ USD spent$");
        assertThat(stopped.output()).containsPattern("(?m)^  \\d job\\(s\\) not ended when the runtime began to stop: "
                                                     + "one at RunPod finishes during the stop \\(see the log\\), the "
                                                     + "others resume at the next run; none is paid twice$");
        assertThat(names("inbox")).as("the files of jobs not sent stay for the next run").isNotEmpty();

        // the stopped run let go of its claims on the files it left: the next run takes them at once
        Run next = once(twoAtATime, List.of());
        assertThat(next.exitCode()).as(next.output()).isZero();
        assertThat(names("inbox")).as(next.output()).isEmpty();
        for (int i = 1; i <= 6; i++) {
            assertThat(home.resolve("out/completed/job-" + i + ".png")).exists();
        }
        assertThat(submittedPrompts()).as("each job paid once, whichever run sent it")
                .containsExactlyInAnyOrder("Job 1", "Job 2", "Job 3", "Job 4", "Job 5", "Job 6");
    }

    @Test
    void aRunKilledWhileItsJobsAreAtRunpodIsFinishedByTheNextFromTheLedgerWithoutSendingAgain() throws Exception {
        runpod.close();
        runpod = RunpodEmulator.start(EmulatorSettings.defaults().withApiKey(KEY).withLatency(Duration.ofSeconds(4)));
        for (int i = 1; i <= 3; i++) {
            drop("job-" + i + ".yaml", job("Job " + i));
        }
        Map<String, String> runMode = environment();
        runMode.put("NANOBANANA_SUBMIT_MODE", "run");
        Process first = start(runMode, List.of(), "--once");
        // each job has been polled once: RunPod's id for it is in the ledger
        await().atMost(RUN_LIMIT).until(() -> runpod.requests(Operation.STATUS).stream().map(RecordedRequest::path)
                .distinct().count() >= 3 || !first.isAlive());

        first.destroyForcibly();  // kill -9: no graceful stop, no summary
        assertThat(first.waitFor(RUN_LIMIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(home.resolve("out/completed/job-1.png")).doesNotExist();

        Run next = once(runMode, List.of());

        assertThat(next.exitCode()).as(next.output()).isZero();
        assertThat(next.summary().get(0)).startsWith("3 completed, 0 failed; ");
        for (int i = 1; i <= 3; i++) {
            assertThat(home.resolve("out/completed/job-" + i + ".png")).exists();
        }
        assertThat(runpod.requests(Operation.RUN)).as("each job sent once, by the run that was killed").hasSize(3);
        assertThat(runpod.requests(Operation.RUNSYNC)).isEmpty();
    }

    @Test
    void filesThatKeepArrivingAreTakenOrLeftButNeverKeepTheBatchOpen() throws Exception {
        for (int i = 0; i < 5; i++) {
            drop("early-" + i + ".yaml", job("Early " + i));
        }
        AtomicInteger late = new AtomicInteger();
        Process process = start(environment(), List.of(), "--once");
        // a partner uploading a file every 200 ms, without pause, for as long as the batch runs
        Thread uploads = new Thread(() -> {
            while (process.isAlive()) {
                try {
                    drop("late-" + late.incrementAndGet() + ".yaml", job("Late " + late.get()));
                    Thread.sleep(200);
                } catch (IOException | InterruptedException e) {
                    return;
                }
            }
        });
        uploads.start();
        assertThat(process.waitFor(RUN_LIMIT.toSeconds(), TimeUnit.SECONDS)).as("the batch ended").isTrue();
        uploads.join();
        String output = output();

        assertThat(process.exitValue()).as(output).isZero();
        assertThat(late.get()).as("files arrived while the batch ran").isGreaterThan(5);
        for (int i = 0; i < 5; i++) {
            assertThat(home.resolve("out/completed/early-" + i + ".png")).exists();
        }
        // a late file was either taken and completed, or left in the inbox untouched for the next run
        List<String> taken = names("inbox/.done");
        List<String> left = names("inbox");
        assertThat(taken.size() + left.size()).isEqualTo(5 + late.get());
        assertThat(names("out/completed").stream().filter(name -> name.endsWith(".png")).toList())
                .containsExactlyInAnyOrderElementsOf(taken.stream().map(name -> name.replace(".yaml", ".png")).toList());
        assertThat(runpod.requests(Operation.RUNSYNC)).hasSize(taken.size());
        assertThat(output).contains(SUMMARY + "").contains(taken.size() + " completed, 0 failed");
    }

    @Test
    void underABudgetAnEarlierRunReachedTheBatchEndsAtOnceWithExitOneAndALaterRunSendsEachJobOnce() throws Exception {
        Map<String, String> capped = environment();
        capped.put("NANOBANANA_BUDGET_MAX_USD", "0.30");
        for (int i = 1; i <= 3; i++) {
            drop("early-" + i + ".yaml", job("Early " + i));
        }
        assertThat(once(capped, List.of()).exitCode()).isZero();
        // 0.2625 USD of 0.30 counted today: no job of 0.0875 fits any more
        for (int i = 1; i <= 6; i++) {
            drop("late-" + i + ".yaml", job("Late " + i));
        }
        // two at a time: two jobs wait for the budget, two for a slot, and the last two files are not read yet
        capped.put("NANOBANANA_CONCURRENCY", "2");

        Run held = once(capped, List.of());

        assertThat(held.exitCode()).as(held.output()).isEqualTo(1);
        assertThat(held.output()).containsPattern("(?m)^Batch stopped by the budget after [0-9.]+ s: 0 completed, "
                                                  + "0 failed; 0 USD spent$");
        assertThat(held.output()).contains("  Budget reached: jobs submitted this UTC day count 0.2625 USD of 0.30 USD "
                + "per UTC day (nanobanana.budget.max-usd); 4 job(s) were not sent and wait in the inbox, with the "
                + "job files not read yet, for a run from the next UTC day, or with a higher cap");
        assertThat(held.output()).doesNotContain("not ended when the runtime began to stop");
        assertThat(names("inbox")).as("every file of the batch stays for a later run")
                .containsExactly("late-1.yaml", "late-2.yaml", "late-3.yaml", "late-4.yaml", "late-5.yaml",
                        "late-6.yaml");
        assertThat(names("inbox/.failed")).isEmpty();
        assertThat(runpod.requests(Operation.RUNSYNC)).as("nothing sent").hasSize(3);

        capped.put("NANOBANANA_BUDGET_MAX_USD", "0.90");
        Run later = once(capped, List.of());

        assertThat(later.exitCode()).as(later.output()).isZero();
        assertThat(later.summary().get(0)).isEqualTo("6 completed, 0 failed; 0.525 USD spent");
        assertThat(names("inbox")).isEmpty();
        assertThat(submittedPrompts()).as("each job paid once, in one run or the other").containsExactlyInAnyOrder(
                "Early 1", "Early 2", "Early 3", "Late 1", "Late 2", "Late 3", "Late 4", "Late 5", "Late 6");
    }

    @Test
    void theJobsThatFitUnderTheCapRunAndTheRestWaitInTheInboxWithExitOne() throws Exception {
        for (int i = 1; i <= 5; i++) {
            drop("job-" + i + ".yaml", job("Job " + i));
        }
        Map<String, String> capped = environment();
        capped.put("NANOBANANA_BUDGET_MAX_USD", "0.30");

        Run run = once(capped, List.of());

        assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
        assertThat(run.output()).containsPattern("(?m)^Batch stopped by the budget after [0-9.]+ s: 3 completed, "
                                                 + "0 failed; 0.2625 USD spent$");
        assertThat(run.output()).contains("  Budget reached: jobs submitted this UTC day count 0.2625 USD of 0.30 USD "
                + "per UTC day (nanobanana.budget.max-usd); 2 job(s) were not sent and wait in the inbox for a run "
                + "from the next UTC day, or with a higher cap");
        assertThat(run.output()).contains("[3/5] ").doesNotContain("[4/5] ");
        assertThat(names("inbox/.done")).hasSize(3);
        assertThat(names("inbox")).hasSize(2);
        assertThat(runpod.requests(Operation.RUNSYNC)).hasSize(3);

        capped.put("NANOBANANA_BUDGET_MAX_USD", "0.50");
        Run later = once(capped, List.of());

        assertThat(later.exitCode()).as(later.output()).isZero();
        assertThat(later.summary().get(0)).isEqualTo("2 completed, 0 failed; 0.175 USD spent");
        assertThat(names("inbox/.done")).hasSize(5);
        assertThat(submittedPrompts()).as("each job paid once")
                .containsExactlyInAnyOrder("Job 1", "Job 2", "Job 3", "Job 4", "Job 5");
    }

    @Test
    void everyEnabledSourceIsWorkedOffAndTheSummaryNamesEverySink() throws Exception {
        try (S3TestServer s3 = S3TestServer.start()) {
            s3.createBucket("partner");
            s3.put("partner", "inbox/from-s3.json", "{\"prompt\": \"From S3\", \"images\": [\"https://images.test/a.png\"]}");
            drop("from-folder.yaml", job("From the folder"));
            Map<String, String> environment = environment();
            environment.putAll(Map.of("NANOBANANA_S3_ENABLED", "true", "NANOBANANA_S3_BUCKET", "partner",
                    "NANOBANANA_S3_ENDPOINT_URL", s3.endpoint().toString(), "NANOBANANA_S3_PATH_STYLE", "true",
                    "NANOBANANA_S3_ACCESS_KEY", s3.accessKey(), "NANOBANANA_S3_SECRET_KEY", s3.secretKey(),
                    "NANOBANANA_S3_CHECKSUMS", "when-required"));

            Run run = once(environment, List.of());

            assertThat(run.exitCode()).as(run.output()).isZero();
            assertThat(s3.get("partner", "out/completed/from-s3.png")).isPresent();
            assertThat(s3.keys("partner", "inbox/")).containsExactly("inbox/.done/from-s3.json");
            assertThat(home.resolve("out/completed/from-folder.png")).exists();
            assertThat(run.output()).contains("from-s3 completed: s3://partner/out/completed/from-s3.png (0.0875 USD)");
            assertThat(run.summary().get(0)).isEqualTo("2 completed, 0 failed; 0.175 USD spent");
            assertThat(run.summary().get(1)).startsWith("Images and records: ")
                    .contains("out/completed", "s3://partner/out/completed/");
            assertThat(run.output()).doesNotContain(s3.secretKey()).doesNotContain(KEY);
            assertThat(submittedPrompts()).containsExactlyInAnyOrder("From S3", "From the folder");
        }
    }

    @Test
    void aSourceOutOfReachEndsTheBatchWithExitOneAndSaysSoWhileTheOthersAreWorkedOff() throws Exception {
        try (S3TestServer s3 = S3TestServer.start()) {
            s3.createBucket("partner");
            s3.put("partner", "inbox/from-s3.json", "{\"prompt\": \"From S3\", \"images\": [\"https://images.test/a.png\"]}");
            s3.stop();
            drop("from-folder.yaml", job("From the folder"));
            Map<String, String> environment = environment();
            environment.putAll(Map.of("NANOBANANA_S3_ENABLED", "true", "NANOBANANA_S3_BUCKET", "partner",
                    "NANOBANANA_S3_ENDPOINT_URL", s3.endpoint().toString(), "NANOBANANA_S3_PATH_STYLE", "true",
                    "NANOBANANA_S3_ACCESS_KEY", s3.accessKey(), "NANOBANANA_S3_SECRET_KEY", s3.secretKey(),
                    "NANOBANANA_S3_CHECKSUMS", "when-required"));

            Run run = once(environment, List.of());

            assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
            assertThat(home.resolve("out/completed/from-folder.png")).exists();
            assertThat(run.summary().get(0)).isEqualTo("1 completed, 0 failed; 0.0875 USD spent");
            assertThat(run.summary()).anySatisfy(line -> assertThat(line).startsWith("  aws2-s3://partner")
                    .contains(" could not be read: ").endsWith("; its job files wait for the next run"));
            assertThat(run.output()).doesNotContain(s3.secretKey()).doesNotContain(s3.accessKey());
            assertThat(submittedPrompts()).containsExactly("From the folder");
        }
    }

    @Test
    void onATerminalAProgressBarShowsJobsDoneOfJobsKnownAndOnlyWarnings() throws Exception {
        Path script = Path.of("/usr/bin/script");
        assertThat(script).as("util-linux script, to give the runtime a terminal").isExecutable();
        drop("a.yaml", job("A"));
        drop("b.yaml", job("B"));
        drop("c.yaml", job("C"));

        // script runs the command on a pseudo-terminal of its own, as a person's shell does, and passes its exit code
        Process process = startCommand(List.of(script.toString(), "-qec", String.join(" ", javaCommand(List.of(),
                "--once")), "/dev/null"), environment());
        assertThat(process.waitFor(RUN_LIMIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        String output = output();

        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains("\r[" + "#".repeat(30) + "] 3/3 jobs");
        assertThat(output).contains(SUMMARY).contains("3 completed, 0 failed; 0.2625 USD spent");
        assertThat(output.lines().filter(line -> line.contains(" INFO ")).toList())
                .as("the console shows warnings and errors only while the bar is up").isEmpty();
    }

    @Test
    void onceWithoutAnApiKeyCannotStartAndExitsTwo() throws Exception {
        drop("shoe.yaml", job("Make the shoe yellow"));

        Run run = once(Map.of(), List.of());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.output()).contains("No RunPod API key: set RUNPOD_API_KEY").doesNotContain(SUMMARY);
        assertThat(home.resolve("inbox/shoe.yaml")).exists();
    }

    @Test
    void helpListsTheOptionsAndHowSettingsAreGivenAndExitsZero() throws Exception {
        Path elsewhere = Files.createDirectories(home.resolve("no-config-here"));

        Process process = startCommand(javaCommand(List.of(), "--help"), Map.of(), elsewhere);
        assertThat(process.waitFor(RUN_LIMIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        String help = output();

        assertThat(process.exitValue()).as(help).isZero();
        assertThat(help).contains("Usage: java [-Dkey=value ...] -jar nano-banana-camel-app.jar [options]",
                "  --once ", "  --costs ", "  --emulator ", "  --help ", "-Dkey=value before -jar", "NANOBANANA_CONCURRENCY=16",
                "RUNPOD_API_KEY", "0 when every job completed, 1 when any did not",
                "2 when the runtime could not start", "143 when stopped by SIGTERM", "Camel Main's own options work too:",
                "-d or -duration <duration>");
    }

    @Test
    void anUnknownOptionIsOneLineWithTheHelpHintAndExitsTwo() throws Exception {
        Process process = startCommand(javaCommand(List.of(), "--onse"), environment(), home);
        assertThat(process.waitFor(RUN_LIMIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(output().lines().toList()).containsExactly(
                "Unknown option: --onse (--help lists the options)");
    }

    @Test
    void camelMainsOwnOptionsStillWork() throws Exception {
        Run run = once(environment(), List.of(), "-duration", "2");

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("Waiting until complete: Duration max 2 seconds");
    }

    /** The runtime with --once, as a cron job runs it: output to a file, no terminal. */
    private Run once() throws Exception {
        return once(environment(), List.of(), "--once");
    }

    private Run once(Map<String, String> environment, List<String> jvmOptions, String... arguments) throws Exception {
        String[] args = arguments.length == 0 ? new String[] {"--once"} : arguments;
        Process process = start(environment, jvmOptions, args);
        assertThat(process.waitFor(RUN_LIMIT.toSeconds(), TimeUnit.SECONDS)).as("the run ended").isTrue();
        return new Run(process.exitValue(), output());
    }

    private Process start(Map<String, String> environment, List<String> jvmOptions, String... arguments)
            throws IOException {
        return startCommand(javaCommand(jvmOptions, arguments), environment);
    }

    private Process startCommand(List<String> command, Map<String, String> environment) throws IOException {
        return startCommand(command, environment, home);
    }

    private Process startCommand(List<String> command, Map<String, String> environment, Path folder)
            throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(folder.toFile()).redirectErrorStream(true)
                .redirectOutput(home.resolve("output.txt").toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("NANOBANANA_") || name.equals("RUNPOD_API_KEY"));
        builder.environment().putAll(environment);
        Process process = builder.start();
        started.add(process);
        return process;
    }

    private static List<String> javaCommand(List<String> jvmOptions, String... arguments) {
        // the management server on a free port: 8080 may be taken, by another test run at the same time among others
        List<String> command = ShippedJvm.javaCommand();
        command.add("-Dcamel.management.port=0");
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", FatJarIT.APP_JAR.toAbsolutePath().toString()));
        command.addAll(List.of(arguments));
        return command;
    }

    private Map<String, String> environment() {
        return new HashMap<>(Map.of("RUNPOD_API_KEY", KEY, "NANOBANANA_ENDPOINT_URL", runpod.endpointUrl()));
    }

    private String output() throws IOException {
        return Files.readString(home.resolve("output.txt"), StandardCharsets.UTF_8);
    }

    /** The prompts RunPod was sent, one per submit. */
    private List<String> submittedPrompts() throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<String> prompts = new ArrayList<>();
        for (RecordedRequest request : runpod.requests(Operation.RUNSYNC)) {
            prompts.add(json.readTree(request.body()).at("/input/prompt").asText());
        }
        return prompts;
    }

    /** Writes a job file beside the inbox and moves it in, as a careful user does. */
    private void drop(String name, String content) throws IOException {
        Path staged = Files.writeString(home.resolve("." + name), content, StandardCharsets.UTF_8);
        Files.move(staged, home.resolve("inbox").resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    private static String job(String prompt) {
        return "prompt: " + prompt + "\nimages: [https://images.test/a.png]\n";
    }

    private List<String> names(String folder) throws IOException {
        Path path = home.resolve(folder);
        if (!Files.isDirectory(path)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(path)) {
            return files.filter(Files::isRegularFile).map(file -> file.getFileName().toString())
                    .filter(name -> !name.startsWith(".")).sorted().collect(Collectors.toList());
        }
    }

    /** A finished run: its exit code and everything it printed. */
    private record Run(int exitCode, String output) {

        /** The summary's lines, its first one without "Batch over in 1.2 s: ". */
        List<String> summary() {
            List<String> lines = output.lines().toList();
            int start = -1;
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).startsWith(SUMMARY)) {
                    start = i;
                }
            }
            assertThat(start).as("a summary in:%n%s", output).isNotNegative();
            List<String> summary = new ArrayList<>(lines.subList(start, lines.size()));
            summary.set(0, summary.get(0).replaceFirst("^Batch over in [0-9.]+ (s|min \\d+ s): ", ""));
            return summary;
        }
    }
}
