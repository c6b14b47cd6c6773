package dev.nanobanana.camel.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.nanobanana.emulator.EmulatorSettings;
import dev.nanobanana.emulator.Operation;
import dev.nanobanana.emulator.RunpodEmulator;
import dev.nanobanana.camel.testing.DebianPostgres;
import dev.nanobanana.camel.testing.RuntimeProcess;

/**
 * Two instances of the runtime (the fat jar) on one inbox and one ledger on Debian's PostgreSQL server, one of them
 * killed with kill -9 at some point of a batch and never started again: the other takes over its files and its jobs,
 * every file ends in .done or .failed as its job did, every job ends exactly once in a sink, and RunPod saw each job
 * at most once. A job the dead instance had admitted and never sent is sent by the survivor, once.
 */
class TwoInstancesIT {

    static final Duration WAIT = Duration.ofSeconds(150);
    /**
     * A dead instance's claims age out in seconds here: its files well before its jobs, so that the survivor reads a
     * file while the job in it is still the dead instance's, and waits for the job.
     */
    static final Map<String, String> QUICK_TAKEOVER = Map.of(
            "NANOBANANA_LEDGER_FILE_CLAIM_MAX_AGE", "3s",
            "NANOBANANA_LEDGER_LEASE", "20s");
    static final String SENT_FROM_HERE = "which stopped renewing its lease before sending it: sent from here, once";
    static final String IN_DOUBT = "outcome unknown after restart";
    static final String[] IN_FLIGHT = {"SUBMITTING", "SUBMITTED", "RESULT_RECEIVED"};
    static final String[] UNFINISHED = {"RECEIVED", "SUBMITTING", "SUBMITTED", "RESULT_RECEIVED"};

    @TempDir
    Path root;
    DebianPostgres postgres;
    String ledgerUrl;
    RunpodEmulator emulator;
    ServerSocket blackHole;
    Path inbox;
    Path completed;
    Path failed;
    RuntimeProcess a;
    RuntimeProcess b;

    @BeforeEach
    void startTheLedgersServer() throws Exception {
        postgres = DebianPostgres.start();
        ledgerUrl = postgres.newDatabase();
        inbox = Files.createDirectories(root.resolve("shared/inbox"));
        completed = root.resolve("shared/completed");
        failed = root.resolve("shared/failed");
    }

    @AfterEach
    void stop() throws Exception {
        for (RuntimeProcess runtime : new RuntimeProcess[] {a, b}) {
            if (runtime != null) {
                runtime.close();
            }
        }
        if (emulator != null) {
            emulator.close();
        }
        if (blackHole != null) {
            blackHole.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void oneInstanceKilledTheOtherFinishesItsWorkAndNothingIsPaidTwice() throws Exception {
        int jobs = 200;
        emulator = RunpodEmulator.start(EmulatorSettings.defaults().withLatency(Duration.ofSeconds(2))
                .withRunsyncWait(Duration.ofSeconds(1)).withImageBytes(4096));
        Map<String, String> settings = Map.of("NANOBANANA_LEDGER_LEASE", "6s", "NANOBANANA_CONCURRENCY", "40");
        a = instance("a", emulator.endpointUrl(), settings);
        b = instance("b", emulator.endpointUrl(), settings);
        a.start();
        b.start();
        dropJobs(jobs);

        awaitOrShowLogs(() -> owners().keySet().containsAll(Set.of("a", "b")));
        awaitOrShowLogs(() -> emulator.requests(Operation.RUNSYNC).size() >= 60 || !b.isAlive());
        b.kill();

        Ended ended = everyFileEnded(jobs);
        assertThat(jobsOf("b", UNFINISHED)).as("the survivor holds every job b left").isEmpty();
        assertThat(a.log()).contains("Taking over");
        System.out.printf("two instances: %d completed, %d in doubt, %d submissions%n", ended.completed().size(),
                ended.failed().size(), submissions().size());
    }

    @Test
    void anInstanceKilledBeforeRunpodTookAnyOfItsSubmitsLeavesItsUnsentJobsToTheOtherWhichSendsEachOnce()
            throws Exception {
        int jobs = 120;
        emulator = RunpodEmulator.start(EmulatorSettings.defaults().withLatency(Duration.ofMillis(500))
                .withRunsyncWait(Duration.ofSeconds(1)).withImageBytes(4096));
        // a's RunPod takes its connections and never answers: a's slots fill with submits RunPod never read, and the
        // jobs a admitted after them wait for a slot; b starts once a died (started together, it could read most
        // files first and leave a too few to fill its slots)
        blackHole = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        URI endpoint = URI.create(emulator.endpointUrl());
        a = instance("a", "http://127.0.0.1:" + blackHole.getLocalPort() + endpoint.getPath(), QUICK_TAKEOVER);
        a.start();
        dropJobs(jobs);

        awaitOrShowLogs(() -> jobsOf("a", "SUBMITTING").size() == 20 && !jobsOf("a", "RECEIVED").isEmpty());
        a.kill();
        Set<String> sentNowhere = jobsOf("a", "SUBMITTING");
        Set<String> unsent = jobsOf("a", "RECEIVED");
        b = instance("b", emulator.endpointUrl(), QUICK_TAKEOVER);
        b.start();

        Ended ended = everyFileEnded(jobs);
        assertThat(ended.completed()).as("every job a admitted and never sent").containsAll(unsent);
        assertThat(ended.failed()).as("a's submits, which RunPod may have read: never sent again")
                .isEqualTo(sentNowhere);
        assertThat(submissions()).doesNotContainKeys(sentNowhere.toArray(String[]::new));
        assertThat(b.log()).contains(SENT_FROM_HERE);
    }

    @Test
    void anInstanceKilledWhileJobsWaitForASlotLeavesThemToTheOtherWhichSendsEachOnce() throws Exception {
        int jobs = 60;
        emulator = RunpodEmulator.start(EmulatorSettings.defaults().withLatency(Duration.ofSeconds(2))
                .withRunsyncWait(Duration.ofSeconds(1)).withImageBytes(4096));
        // a's jobs wait for one of its 4 slots; b, started once a died (started before, it could read most files
        // first and leave a none waiting), reads a's files as soon as their claims age out
        a = instance("a", emulator.endpointUrl(), with(QUICK_TAKEOVER, "NANOBANANA_CONCURRENCY", "4"));
        a.start();
        dropJobs(jobs);

        awaitOrShowLogs(() -> jobsOf("a", IN_FLIGHT).size() == 4 && !jobsOf("a", "RECEIVED").isEmpty());
        a.kill();
        Set<String> unsent = jobsOf("a", "RECEIVED");
        b = instance("b", emulator.endpointUrl(), QUICK_TAKEOVER);
        b.start();

        Ended ended = everyFileEnded(jobs);
        assertThat(ended.completed()).as("every job a admitted and never sent").containsAll(unsent);
        assertThat(b.log()).contains(SENT_FROM_HERE);
    }

    @Test
    void anInstanceKilledWhileJobsWaitForTheBudgetLeavesThemToTheOtherAndTheCapStillHolds() throws Exception {
        int jobs = 40;
        // a job runs 30 s at RunPod and /runsync answers after 1 s: a's submits are at RunPod, with an id, when it dies
        emulator = RunpodEmulator.start(EmulatorSettings.defaults().withLatency(Duration.ofSeconds(30))
                .withRunsyncWait(Duration.ofSeconds(1)).withImageBytes(4096));
        // ten jobs of 1k (0.0875 USD each) fit under the cap, which both instances share through the ledger; a reads
        // at most 16 files (8 in slots, 8 waiting for one), and b the rest
        Map<String, String> tenJobs = with(QUICK_TAKEOVER, "NANOBANANA_BUDGET_MAX_USD", "0.875");
        a = instance("a", emulator.endpointUrl(), with(tenJobs, "NANOBANANA_CONCURRENCY", "8"));
        a.start();
        dropJobs(jobs);
        awaitOrShowLogs(() -> emulator.requests(Operation.RUNSYNC).size() == 8 && jobsOf("a", "SUBMITTED").size() == 8
                              && !jobsOf("a", "RECEIVED").isEmpty());
        b = instance("b", emulator.endpointUrl(), tenJobs);
        b.start();
        // every one of b's 20 slots holds a job waiting for the budget, which a's jobs at RunPod count
        awaitOrShowLogs(() -> emulator.requests(Operation.RUNSYNC).size() == 10 && jobsOf("b", "RECEIVED").size() >= 20);
        a.kill();
        Set<String> atRunpod = jobsOf("a", "SUBMITTED");
        Set<String> unsent = jobsOf("a", "RECEIVED");

        // b takes a's jobs over: it polls those RunPod has, though its slots are full, and finishes them; those a never
        // sent wait for the budget as b's own do
        awaitOrShowLogs(() -> jobsOf("a", UNFINISHED).isEmpty() && jobsOf("b", "RECEIVED").containsAll(unsent)
                              && jobsOf("b", IN_FLIGHT).isEmpty());
        assertThat(ids(completed, ".json")).as("a's jobs at RunPod, finished by b").containsAll(atRunpod);
        // the budget tries the waiting jobs every second, and must keep them waiting
        Thread.sleep(3000);
        assertThat(emulator.requests(Operation.RUNSYNC)).as("nothing over the cap").hasSize(10);

        // the cap is raised: b starts again with one that fits every job, and slots for all 30 left (one round of 30 s
        // at RunPod rather than two)
        b.terminate();
        b = instance("b", emulator.endpointUrl(), with(with(QUICK_TAKEOVER, "NANOBANANA_BUDGET_MAX_USD", "10"),
                "NANOBANANA_CONCURRENCY", "40"));
        b.start();

        Ended ended = everyFileEnded(jobs);
        assertThat(ended.completed()).as("every job a admitted and never sent").containsAll(unsent);
        assertThat(b.log()).contains(SENT_FROM_HERE);
    }

    /** The jobs' and files' ends, as a user finds them in the sinks and the inbox. */
    record Ended(Set<String> completed, Set<String> failed) {
    }

    /**
     * Waits for every file to end, then checks that each ended as its job did, each job once in a sink, none sent
     * twice, and that the ledger's password appears in no log.
     */
    private Ended everyFileEnded(int jobs) throws Exception {
        awaitOrShowLogs(() -> count(inbox.resolve(".done")) + count(inbox.resolve(".failed")) == jobs);
        assertThat(ids(inbox, ".json")).as("no file left in the inbox").isEmpty();
        Set<String> completedIds = ids(completed, ".json");
        Set<String> failedIds = ids(failed, ".error.json");
        Set<String> all = new HashSet<>(completedIds);
        all.addAll(failedIds);
        assertThat(all).as("every job in a sink").hasSize(jobs);
        for (String id : failedIds) {
            String reason = new ObjectMapper().readTree(failed.resolve(id + ".error.json").toFile())
                    .get("reason").asText();
            assertThat(completedIds).as("%s is in both sinks; its error record says: %s", id, reason)
                    .doesNotContain(id);
            assertThat(reason).as(id).startsWith(IN_DOUBT);
        }
        assertThat(ids(inbox.resolve(".done"), ".json")).as("a file ends as its job did").isEqualTo(completedIds);
        assertThat(ids(inbox.resolve(".failed"), ".json")).isEqualTo(failedIds);
        Map<String, Long> submissions = submissions();
        assertThat(submissions).as("no job submitted twice").allSatisfy((id, times) -> assertThat(times).isOne());
        assertThat(completedIds).as("each completed job submitted once").allSatisfy(id ->
                assertThat(submissions).containsEntry(id, 1L));
        assertThat(ids(completed, ".png")).isEqualTo(completedIds);
        for (RuntimeProcess runtime : new RuntimeProcess[] {a, b}) {
            assertThat(runtime.log()).as("the ledger's password").doesNotContain(postgres.password());
        }
        return new Ended(completedIds, failedIds);
    }

    private RuntimeProcess instance(String id, String endpoint, Map<String, String> settings) throws Exception {
        Map<String, String> environment = new HashMap<>(Map.of(
                "RUNPOD_API_KEY", emulator.apiKey(),
                "NANOBANANA_ENDPOINT_URL", endpoint,
                "NANOBANANA_INSTANCE_ID", id,
                "NANOBANANA_LEDGER_URL", ledgerUrl,
                "NANOBANANA_LEDGER_USER", DebianPostgres.USER,
                "NANOBANANA_LEDGER_PASSWORD", postgres.password(),
                "NANOBANANA_INBOX", inbox.toString(),
                "NANOBANANA_COMPLETED_DIR", completed.toString(),
                "NANOBANANA_FAILED_DIR", failed.toString(),
                "NANOBANANA_CONCURRENCY", "20"));
        environment.putAll(settings);
        return new RuntimeProcess(Files.createDirectories(root.resolve(id)), environment);
    }

    private static Map<String, String> with(Map<String, String> settings, String key, String value) {
        Map<String, String> more = new LinkedHashMap<>(settings);
        more.put(key, value);
        return more;
    }

    /** One-job files job-0.json, job-1.json..., moved into the inbox once written. */
    private void dropJobs(int jobs) throws Exception {
        for (int i = 0; i < jobs; i++) {
            Path staged = Files.writeString(root.resolve(".job-" + i + ".json"), "{\"prompt\": \"job " + i
                    + "\", \"images\": [\"https://images.test/a.png\"]}", StandardCharsets.UTF_8);
            Files.move(staged, inbox.resolve("job-" + i + ".json"));
        }
    }

    /** How many times RunPod was sent each job. */
    private Map<String, Long> submissions() {
        return emulator.requests(Operation.RUNSYNC).stream().collect(Collectors.groupingBy(
                request -> request.body().replaceAll(".*\"prompt\":\"job (\\d+)\".*", "job-$1"),
                Collectors.counting()));
    }

    /** How many jobs, unfinished or finished, each instance holds in the ledger. */
    private Map<String, Long> owners() throws Exception {
        Map<String, Long> owners = new HashMap<>();
        try (Connection connection = ledger(); Statement statement = connection.createStatement()) {
            if (!connection.getMetaData().getTables(null, null, "ledger_job", null).next()) {
                return owners;
            }
            try (ResultSet rows = statement.executeQuery(
                    "SELECT owner, count(*) FROM ledger_job WHERE owner IS NOT NULL GROUP BY owner")) {
                while (rows.next()) {
                    owners.put(rows.getString(1), rows.getLong(2));
                }
            }
        }
        return owners;
    }

    /** The jobs {@code owner} holds in one of {@code phases}, as the ledger says now. */
    private Set<String> jobsOf(String owner, String... phases) throws Exception {
        Set<String> jobs = new HashSet<>();
        try (Connection connection = ledger()) {
            if (!connection.getMetaData().getTables(null, null, "ledger_job", null).next()) {
                return jobs;
            }
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT job_id FROM ledger_job WHERE owner = ? AND phase = ANY (?)")) {
                select.setString(1, owner);
                select.setArray(2, connection.createArrayOf("varchar", phases));
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        jobs.add(rows.getString(1));
                    }
                }
            }
        }
        return jobs;
    }

    private Connection ledger() throws Exception {
        return DriverManager.getConnection(ledgerUrl, DebianPostgres.USER, postgres.password());
    }

    private void awaitOrShowLogs(Callable<Boolean> condition) {
        try {
            await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(condition);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("not reached; a's log ends with:\n" + tail(a) + "\nb's log ends with:\n"
                                     + tail(b), e);
        }
    }

    private static String tail(RuntimeProcess runtime) {
        String log = runtime.log();
        return log.substring(Math.max(0, log.length() - 5000));
    }

    private static long count(Path folder) throws Exception {
        return ids(folder, ".json").size();
    }

    private static Set<String> ids(Path folder, String suffix) throws Exception {
        if (!Files.isDirectory(folder)) {
            return Set.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(Files::isRegularFile)
                    .map(file -> file.getFileName().toString())
                    .filter(name -> !name.startsWith(".") && name.endsWith(suffix))
                    .map(name -> name.substring(0, name.length() - suffix.length()))
                    .collect(Collectors.toSet());
        }
    }
}
