import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The throughput benchmark: the emulator as its own process with a fixed latency, then the runtime and a shell loop
 * ({@code xargs -P} with curl) each working off the same batch at the same concurrency, side by side.
 *
 * <pre>
 * mvn -B package -DskipTests && java bench/Bench.java                    # 1,000 jobs at 64 and 2,000 at 400
 * java bench/Bench.java --big                                           # 400 jobs with 8 MB images at 400
 * java bench/Bench.java --jobs 100000 --concurrency 400 --image-bytes 1kB --no-baseline   # a big inbox
 * java bench/Bench.java --no-baseline --before old.jar,older.jar      # other builds, in turn with this one
 * java bench/Bench.java --node     # also RunPod's JS SDK in a script (npm install --prefix target/bench/node runpod-sdk@1.1.2)
 * java bench/Bench.java --no-baseline --concurrency 64 --ledger-rows 1000000   # a ledger that has seen a million jobs
 * java -Dbench.threads=1 bench/Bench.java --concurrency 64 --no-baseline   # the batch's CPU by thread
 * java -Dbench.profile=1 bench/Bench.java --concurrency 64 --no-baseline   # and by what the runtime does (async-profiler)
 * java -Dbench.idle=120 bench/Bench.java --concurrency 400 --no-baseline   # the ledger's file after 2 minutes idle
 * java bench/Bench.java --no-baseline --postgres   # also the runtime on a PostgreSQL ledger (Debian's postgresql)
 * </pre>
 *
 * Prints, for each: jobs/s against Little's bound (concurrency / latency), CPU ms per job, peak RSS, the runtime's
 * ready time, submissions per job at the emulator (must be 1.00), and the job ledger's cost: its file's size per job
 * at the end of the batch (the runtime still running) and once the runtime stopped (SIGTERM; H2 compacts it as it
 * closes), and its commits per job. Work folders go to {@code target/bench/}.
 */
public final class Bench {

    // -Dbench.jar=... measures another build, such as one kept from before a change
    static final Path JAR = Path.of(System.getProperty("bench.jar", "target/nano-banana-camel-app.jar"));
    // the build the runtime rows run; --before <jar> adds rows of another, run in turn with this one
    static Path runtimeJar = JAR;
    // the runtime as README runs it; --java-jar adds rows of it run with the JVM's own defaults
    static final Path LAUNCHER = Path.of("bin", "nano-banana-camel");
    static boolean javaJar;
    // --ledger-rows N: the runtime's ledger holds N finished jobs before the batch
    static long ledgerRows;
    // --postgres adds rows of the runtime with its ledger on a PostgreSQL server of the bench's own
    static Postgres postgres;
    static final Path WORK = Path.of("target", "bench");
    static final Path ASIDE = WORK.resolve("aside");
    static final String KEY = "bench-key";
    static final long CLOCK_TICKS = 100;

    public static void main(String[] args) throws Exception {
        Map<String, String> options = options(args);
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR + " not found: run mvn -B package -DskipTests first");
        }
        Duration latency = Duration.parse("PT" + options.getOrDefault("latency", "1s").toUpperCase(Locale.ROOT));
        boolean big = options.containsKey("big");
        ledgerRows = Long.parseLong(options.getOrDefault("ledger-rows", "0"));
        String imageBytes = options.getOrDefault("image-bytes", big ? "8MB" : "200kB");
        List<Integer> concurrencies = big ? List.of(400) : Stream.of(options.getOrDefault("concurrency", "64,400")
                .split(",")).map(Integer::parseInt).toList();
        boolean baseline = !options.containsKey("no-baseline") && !big;
        System.out.printf("Machine: %d cores, %s; Java %s; emulator latency %d ms, images %s%n",
                Runtime.getRuntime().availableProcessors(), memory(), System.getProperty("java.version"),
                latency.toMillis(), imageBytes);
        try (Emulator emulator = Emulator.start(latency, imageBytes)) {
            System.out.printf("The emulator answers a job of %d ms in %d ms (one job at a time, the median of 5): "
                              + "what each job takes at least, whoever sends it%n", latency.toMillis(),
                    emulator.answerMillis(5));
        }

        List<String> rows = new ArrayList<>();
        rows.add(String.format("%-28s %6s %6s %9s %10s %11s %9s %9s %8s %9s %10s %9s %8s %11s", "", "jobs", "in",
                "jobs/s", "of Little", "CPU ms/job", "emulator", "peak RSS", "ready", "submits", "ledger/job", "stopped",
                "commits", "database"));
        for (int concurrency : concurrencies) {
            int jobs = Integer.parseInt(options.getOrDefault("jobs", big ? "400" : concurrency >= 400 ? "2000"
                    : "1000"));
            double bound = concurrency * 1000.0 / latency.toMillis();
            for (String before : options.getOrDefault("before", "").split(",")) {
                if (before.isBlank()) {
                    continue;
                }
                runtimeJar = Path.of(before);
                try (Emulator emulator = Emulator.start(latency, imageBytes)) {
                    Result runtime = runtime(emulator, jobs, concurrency);
                    rows.add(runtime.row(runtimeJar.getFileName() + ", concurrency=" + concurrency, jobs,
                            concurrency, bound));
                    System.out.println(rows.get(rows.size() - 1));
                }
                runtimeJar = JAR;
            }
            try (Emulator emulator = Emulator.start(latency, imageBytes)) {
                Result runtime = runtime(emulator, jobs, concurrency);
                rows.add(runtime.row("runtime, concurrency=" + concurrency, jobs, concurrency, bound));
                System.out.println(rows.get(rows.size() - 1));
            }
            if (options.containsKey("java-jar")) {
                javaJar = true;
                try (Emulator emulator = Emulator.start(latency, imageBytes)) {
                    Result runtime = runtime(emulator, jobs, concurrency);
                    rows.add(runtime.row("  same, java -jar", jobs, concurrency, bound));
                    System.out.println(rows.get(rows.size() - 1));
                }
                javaJar = false;
            }
            if (options.containsKey("postgres")) {
                try (Emulator emulator = Emulator.start(latency, imageBytes);
                        Postgres database = Postgres.start(WORK.resolve("postgres"))) {
                    postgres = database;
                    Result runtime = runtime(emulator, jobs, concurrency);
                    rows.add(runtime.row("  same, PostgreSQL ledger", jobs, concurrency, bound));
                    System.out.println(rows.get(rows.size() - 1));
                } finally {
                    postgres = null;
                }
            }
            if (options.containsKey("node")) {
                try (Emulator emulator = Emulator.start(latency, imageBytes)) {
                    Result node = node(emulator, jobs, concurrency);
                    rows.add(node.row("runpod-sdk (Node), " + concurrency, jobs, concurrency, bound));
                    System.out.println(rows.get(rows.size() - 1));
                }
            }
            if (baseline) {
                try (Emulator emulator = Emulator.start(latency, imageBytes)) {
                    Result curl = curl(emulator, jobs, concurrency);
                    rows.add(curl.row("xargs -P " + concurrency + " curl", jobs, concurrency, bound));
                }
            }
        }
        System.out.println();
        rows.forEach(System.out::println);
        tellAside();
    }

    /** The runtime as a user starts it, from a folder of its own, against the emulator. */
    static Result runtime(Emulator emulator, int jobs, int concurrency) throws Exception {
        Path home = fresh(WORK.resolve("runtime-" + concurrency));
        for (String folder : List.of("config", "routes")) {
            copy(Path.of(folder), home.resolve(folder));
        }
        Path staging = Files.createDirectories(home.resolve("staging"));
        for (int i = 0; i < jobs; i++) {
            Files.writeString(staging.resolve("job-" + i + ".json"),
                    "{\"prompt\": \"bench " + i + "\", \"images\": [\"https://images.test/a.png\"]}");
        }
        Files.createDirectories(home.resolve("inbox"));
        List<String> jvmOptions = new ArrayList<>();
        String jvmArgs = System.getProperty("bench.jvm", "");
        if (!jvmArgs.isBlank()) {
            jvmOptions.addAll(List.of(jvmArgs.trim().split("\\s+")));
        }
        if (System.getProperty("bench.jfr") != null) {
            jvmOptions.add("-XX:StartFlightRecording=filename=" + home.toAbsolutePath().resolve("runtime.jfr")
                        + ",settings=profile");
        }
        List<String> command = new ArrayList<>();
        if (javaJar) {
            command.add(java());
            command.addAll(jvmOptions);
            command.addAll(List.of("-jar", runtimeJar.toAbsolutePath().toString()));
        } else {
            command.add(LAUNCHER.toAbsolutePath().toString());
        }
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(home.toFile()).redirectErrorStream(true)
                .redirectOutput(home.resolve("runtime.log").toFile());
        if (!javaJar) {
            builder.environment().put("NANOBANANA_JAR", runtimeJar.toAbsolutePath().toString());
            // beside the launcher's own settings, not instead of them
            builder.environment().put("JAVA_TOOL_OPTIONS", String.join(" ", jvmOptions));
        }
        builder.environment().put("RUNPOD_API_KEY", KEY);
        builder.environment().put("NANOBANANA_ENDPOINT_URL", emulator.endpoint);
        builder.environment().put("NANOBANANA_CONCURRENCY", Integer.toString(concurrency));
        // a free port: another runtime on this machine may hold the default 8080
        builder.environment().put("CAMEL_MANAGEMENT_PORT", "0");
        if (postgres != null) {
            builder.environment().put("NANOBANANA_LEDGER_URL", postgres.newDatabase());
            builder.environment().put("NANOBANANA_LEDGER_USER", Postgres.USER);
            builder.environment().put("NANOBANANA_LEDGER_PASSWORD", Postgres.USER);
        }
        if (ledgerRows > 0) {
            fillLedger(builder, home);
        }
        long started = System.nanoTime();
        Process process = builder.start();
        try {
            awaitStarted(home, process);
            double ready = (System.nanoTime() - started) / 1e9;
            long submitsBefore = emulator.runsyncCount();
            long cpuBefore = cpuTicks(process.pid());
            Map<String, Long> threadsBefore = threadTicks(process.pid());
            Path profile = home.toAbsolutePath().resolve("profile.collapsed");
            if (System.getProperty("bench.profile") != null) {
                Profiler.command(process.pid(), "start,event=itimer,interval=1ms");
            }
            long emulatorCpuBefore = cpuTicks(emulator.process.pid());
            long databaseCpuBefore = postgres == null ? 0 : postgres.cpuTicks();
            long t0 = System.nanoTime();
            try (Stream<Path> files = Files.list(staging)) {
                for (Path file : files.toList()) {
                    Files.move(file, home.resolve("inbox").resolve(file.getFileName()),
                            StandardCopyOption.ATOMIC_MOVE);
                }
            }
            Path done = home.resolve("inbox/.done");
            waitFor(() -> count(done) + count(home.resolve("inbox/.failed")) >= jobs, Duration.ofMinutes(60),
                    process);
            double seconds = (System.nanoTime() - t0) / 1e9;
            long cpu = cpuTicks(process.pid()) - cpuBefore;
            long emulatorCpu = cpuTicks(emulator.process.pid()) - emulatorCpuBefore;
            long databaseCpu = postgres == null ? -CLOCK_TICKS : postgres.cpuTicks() - databaseCpuBefore;
            long rss = peakRssKb(process.pid());
            if (System.getProperty("bench.profile") != null) {
                Profiler.command(process.pid(), "stop,collapsed,file=" + profile);
                System.out.println(Profiler.split(profile));
            }
            if (System.getProperty("bench.nmt") != null) {
                Process jcmd = new ProcessBuilder("jcmd", Long.toString(process.pid()), "VM.native_memory", "summary")
                        .redirectErrorStream(true).start();
                System.out.println(new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                        .lines().filter(line -> line.contains("committed=") && !line.startsWith("  "))
                        .limit(25).reduce("", (a, b) -> a + b + "\n"));
            }
            if (System.getProperty("bench.threads") != null) {
                System.out.println(threadTimes(threadsBefore, threadTicks(process.pid()), cpu));
            }
            long failed = count(home.resolve("inbox/.failed"));
            if (failed > 0) {
                System.out.println("  " + failed + " job files failed: see " + home.resolve("out/failed"));
            }
            double submits = (emulator.runsyncCount() - submitsBefore) / (double) jobs;
            // the file as the running service has it (H2 compacts it for up to 2 s when it closes); none when the
            // ledger is elsewhere (-Dbench.jvm=-Dnanobanana.ledger.url=...)
            Path ledgerFile = home.resolve("state/ledger.mv.db");
            long ledgerBytes = Files.exists(ledgerFile) ? Files.size(ledgerFile) : -1;
            // -Dbench.idle=N: the file again after N s with nothing to do, while H2 keeps house
            long idle = Long.getLong("bench.idle", 0);
            if (idle > 0 && ledgerBytes >= 0) {
                Thread.sleep(idle * 1000);
                System.out.printf(Locale.ROOT, "  the ledger's file after %d s idle: %.1f kB a job (%.1f at the end of "
                        + "the batch)%n", idle, Files.size(ledgerFile) / 1024.0 / jobs, ledgerBytes / 1024.0 / jobs);
            }
            // stopped as a user stops it (SIGTERM), which logs the ledger's commits
            process.destroy();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the runtime did not stop within 120 s of SIGTERM");
            }
            Matcher closed = Pattern.compile("The job ledger closed after (\\d+) commits")
                    .matcher(Files.readString(home.resolve("runtime.log")));
            long commits = closed.find() ? Long.parseLong(closed.group(1)) : -1;
            long stoppedBytes = Files.exists(ledgerFile) ? Files.size(ledgerFile) : -1;
            return new Result(seconds, cpu * 1000.0 / CLOCK_TICKS, emulatorCpu * 1000.0 / CLOCK_TICKS, rss, ready,
                    submits, ledgerBytes, stoppedBytes, commits, databaseCpu * 1000.0 / CLOCK_TICKS);
        } finally {
            process.destroy();
            process.waitFor(30, TimeUnit.SECONDS);
            process.destroyForcibly();
        }
    }

    /** Waits for the runtime's log to say it started. */
    static void awaitStarted(Path home, Process runtime) throws Exception {
        waitFor(() -> Files.readString(home.resolve("runtime.log")).contains("(nano-banana-camel) started in"),
                Duration.ofMinutes(3), runtime);
    }

    /**
     * A ledger that has seen {@code ledgerRows} jobs before the batch: the runtime started once and stopped, for its
     * schema, then the rows written with H2's own shell (from the runtime's jar), as retention leaves old jobs.
     */
    static void fillLedger(ProcessBuilder runtime, Path home) throws Exception {
        Process first = runtime.start();
        try {
            awaitStarted(home, first);
        } finally {
            first.destroy();
            first.waitFor(120, TimeUnit.SECONDS);
        }
        String at = "DATEADD(SECOND, -8 * x, DATEADD(DAY, -1, CURRENT_TIMESTAMP))";
        String insert = "INSERT INTO ledger_job (source, job_id, phase, fingerprint, runpod_id, resolution, cost_usd, "
                + "charge_usd, received_at, submitted_at, updated_at, finished_at, route, progress, pruned_at) "
                + "SELECT 'inbox', 'old-' || x, 'DELIVERED', 'old', 'rp-old-' || x, '1k', 0.0875, 0.0875, "
                + at + ", " + at + ", " + at + ", " + at + ", '{}', '{}', " + at + " FROM SYSTEM_RANGE(1, "
                + ledgerRows + ") n(x); ANALYZE";
        long t0 = System.nanoTime();
        Process shell = new ProcessBuilder(java(), "-cp", runtimeJar.toAbsolutePath().toString(),
                "org.h2.tools.Shell", "-url", "jdbc:h2:file:" + home.toAbsolutePath().resolve("state/ledger"),
                "-user", "sa", "-sql", insert).redirectErrorStream(true).start();
        String output = new String(shell.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!shell.waitFor(30, TimeUnit.MINUTES) || shell.exitValue() != 0 || output.contains("Exception")) {
            throw new IllegalStateException("could not fill the ledger: " + output);
        }
        System.out.printf(Locale.ROOT, "  the ledger holds %,d old jobs (written in %.0f s)%n", ledgerRows,
                (System.nanoTime() - t0) / 1e9);
    }

    /** RunPod's own JS SDK in a plain script (bench/runpod-sdk-peer.mjs), N at a time; it reports its own CPU. */
    static Result node(Emulator emulator, int jobs, int concurrency) throws Exception {
        Path home = fresh(WORK.resolve("node-" + concurrency));
        ProcessBuilder builder = new ProcessBuilder("node", Path.of("bench", "runpod-sdk-peer.mjs").toString())
                .redirectErrorStream(true);
        builder.environment().put("ENDPOINT", emulator.endpoint);
        builder.environment().put("KEY", KEY);
        builder.environment().put("JOBS", Integer.toString(jobs));
        builder.environment().put("CONCURRENCY", Integer.toString(concurrency));
        builder.environment().put("OUT", home.resolve("images").toString());
        builder.environment().put("SDK_HOME", WORK.resolve("node").toAbsolutePath() + "/");
        long submitsBefore = emulator.runsyncCount();
        long emulatorCpuBefore = cpuTicks(emulator.process.pid());
        long t0 = System.nanoTime();
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        double seconds = (System.nanoTime() - t0) / 1e9;
        Matcher line = Pattern.compile("failed (\\d+) seconds \\S+ cpu-ms-per-job (\\S+)").matcher(output);
        if (!line.find()) {
            throw new IllegalStateException("the Node script failed (npm install --prefix target/bench/node "
                    + "runpod-sdk@1.1.2 first?): " + output);
        }
        if (!"0".equals(line.group(1))) {
            System.out.println("  the Node script failed " + line.group(1) + " of " + jobs + " jobs");
        }
        long emulatorCpu = cpuTicks(emulator.process.pid()) - emulatorCpuBefore;
        return new Result(seconds, Double.parseDouble(line.group(2)) * jobs, emulatorCpu * 1000.0 / CLOCK_TICKS, -1,
                -1, (emulator.runsyncCount() - submitsBefore) / (double) jobs);
    }

    /** What a user would write instead: one curl for runsync and one for the image, N at a time. */
    static Result curl(Emulator emulator, int jobs, int concurrency) throws Exception {
        Path home = fresh(WORK.resolve("curl-" + concurrency));
        Path images = Files.createDirectories(home.resolve("images"));
        Path script = home.resolve("job.sh");
        Files.writeString(script, """
                #!/bin/bash
                answer=$(curl -s -X POST "$ENDPOINT/runsync" -H "Authorization: Bearer $KEY" \\
                  -H 'Content-Type: application/json' \\
                  -d "{\\"input\\": {\\"prompt\\": \\"bench $1\\", \\"images\\": [\\"https://images.test/a.png\\"]}}")
                url=$(printf '%s' "$answer" | sed -n 's/.*"image_url": *"\\([^"]*\\)".*/\\1/p')
                curl -s -o "$IMAGES/$1.png" "$url"
                """);
        String command = "seq 0 " + (jobs - 1) + " | xargs -P " + concurrency + " -n 1 bash " + script
                         + "; cat /proc/$$/stat";
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true);
        builder.environment().put("ENDPOINT", emulator.endpoint);
        builder.environment().put("KEY", KEY);
        builder.environment().put("IMAGES", images.toString());
        long submitsBefore = emulator.runsyncCount();
        long emulatorCpuBefore = cpuTicks(emulator.process.pid());
        long t0 = System.nanoTime();
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        double seconds = (System.nanoTime() - t0) / 1e9;
        String[] stat = output.strip().lines().reduce((a, b) -> b).orElse("").split(" ");
        // children's user and system time: fields 16 and 17 of /proc/<pid>/stat
        long cpu = Long.parseLong(stat[15]) + Long.parseLong(stat[16]);
        if (count(images) < jobs) {
            System.out.println("  curl stored only " + count(images) + " of " + jobs + " images");
        }
        long emulatorCpu = cpuTicks(emulator.process.pid()) - emulatorCpuBefore;
        return new Result(seconds, cpu * 1000.0 / CLOCK_TICKS, emulatorCpu * 1000.0 / CLOCK_TICKS, -1, -1,
                (emulator.runsyncCount() - submitsBefore) / (double) jobs);
    }

    /**
     * @param ledgerBytes the ledger file's size at the end of the batch, the runtime still running; -1 for the shell loop
     * @param stoppedLedgerBytes the file's size once the runtime stopped (SIGTERM): H2 compacts it as it closes
     * @param ledgerCommits the transactions that wrote to the ledger, as the runtime logs them when it stops (the file
     *     consumers' claims, one insert and one delete a file, come on top); -1 when unknown
     * @param databaseCpuMs the PostgreSQL server's own CPU (all its processes) during the batch; negative for none
     */
    record Result(double seconds, double cpuMs, double emulatorCpuMs, long peakRssKb, double readySeconds,
            double submitsPerJob, long ledgerBytes, long stoppedLedgerBytes, long ledgerCommits, double databaseCpuMs) {

        Result(double seconds, double cpuMs, double emulatorCpuMs, long peakRssKb, double readySeconds,
                double submitsPerJob) {
            this(seconds, cpuMs, emulatorCpuMs, peakRssKb, readySeconds, submitsPerJob, -1, -1, -1, -1);
        }

        String row(String what, int jobs, int concurrency, double bound) {
            double rate = jobs / seconds;
            return String.format(Locale.ROOT, "%-28s %6d %6d %9.1f %10.2f %11.1f %9.1f %9s %8s %9.2f %10s %9s %8s %11s",
                    what, jobs, concurrency, rate, rate / bound, cpuMs / jobs, emulatorCpuMs / jobs,
                    peakRssKb < 0 ? "-" : peakRssKb / 1024 + " MB",
                    readySeconds < 0 ? "-" : String.format(Locale.ROOT, "%.1f s", readySeconds), submitsPerJob,
                    perJob(ledgerBytes, jobs), perJob(stoppedLedgerBytes, jobs),
                    ledgerCommits < 0 ? "-" : String.format(Locale.ROOT, "%.2f", ledgerCommits / (double) jobs),
                    databaseCpuMs < 0 ? "-" : String.format(Locale.ROOT, "%.1f ms/job", databaseCpuMs / jobs));
        }
    }

    static String perJob(long bytes, int jobs) {
        return bytes < 0 ? "-" : String.format(Locale.ROOT, "%.1f kB", bytes / 1024.0 / jobs);
    }

    /**
     * Debian's PostgreSQL server (package postgresql) as the ledger's database: a cluster of the bench's own, on
     * 127.0.0.1 and a free port, a new database for each run. As root it runs as the postgres account, as PostgreSQL
     * will not run as root.
     */
    static final class Postgres implements AutoCloseable {

        static final String USER = "nanobanana";
        final Path bin;
        final Path folder;
        final boolean root = "root".equals(System.getProperty("user.name"));
        int port;
        int databases;

        private Postgres(Path bin, Path folder) {
            this.bin = bin;
            this.folder = folder;
        }

        static Postgres start(Path folder) throws IOException {
            Path bin;
            try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
                // the newest: 17 after 9
                bin = versions.filter(version -> version.getFileName().toString().matches("\\d+"))
                        .max(Comparator.comparingInt(version -> Integer.parseInt(version.getFileName().toString())))
                        .orElseThrow().resolve("bin");
            } catch (IOException | RuntimeException e) {
                throw new IllegalStateException("--postgres needs Debian's PostgreSQL server: apt-get install -y "
                        + "postgresql", e);
            }
            Postgres server = new Postgres(bin, fresh(folder));
            if (server.root) {
                server.run("chown", "-R", "postgres", folder.toAbsolutePath().toString());
            }
            Path data = folder.toAbsolutePath().resolve("data");
            server.run(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", USER, "--auth=trust",
                    "--no-locale", "--encoding=UTF8", "--no-sync");
            try (ServerSocket socket = new ServerSocket(0)) {
                server.port = socket.getLocalPort();
            }
            server.run(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l",
                    folder.toAbsolutePath().resolve("server.log").toString(), "-w", "-t", "60", "-o",
                    "-p " + server.port + " -k " + folder.toAbsolutePath() + " -c listen_addresses=127.0.0.1", "start");
            return server;
        }

        /** A new database; its JDBC URL. */
        String newDatabase() throws IOException {
            String name = "ledger_" + ++databases;
            run(bin.resolve("psql").toString(), "-h", "127.0.0.1", "-p", Integer.toString(port), "-U", USER, "-d",
                    "postgres", "-c", "CREATE DATABASE " + name);
            return "jdbc:postgresql://127.0.0.1:" + port + "/" + name;
        }

        /** The CPU of the server's processes: the postmaster, its live children, and the children that ended. */
        long cpuTicks() throws IOException {
            long postmaster = Long.parseLong(Files.readAllLines(folder.resolve("data/postmaster.pid")).get(0).trim());
            String[] stat = statFields(Path.of("/proc", Long.toString(postmaster), "stat"));
            // cutime and cstime, fields 16 and 17: the children it waited for
            long ticks = ownTicks(stat) + Long.parseLong(stat[13]) + Long.parseLong(stat[14]);
            try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
                for (Path process : processes.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                    try {
                        String[] child = statFields(process.resolve("stat"));
                        // ppid is field 4
                        if (Long.parseLong(child[1]) == postmaster) {
                            ticks += ownTicks(child);
                        }
                    } catch (IOException e) {
                        // the process ended: its CPU is the postmaster's children's now
                    }
                }
            }
            return ticks;
        }

        private void run(String... command) throws IOException {
            List<String> full = new ArrayList<>();
            if (root && !command[0].equals("chown")) {
                full.addAll(List.of("runuser", "-u", "postgres", "--"));
            }
            full.addAll(List.of(command));
            Process process = new ProcessBuilder(full).directory(folder.toFile()).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            try {
                if (!process.waitFor(90, TimeUnit.SECONDS) || process.exitValue() != 0) {
                    throw new IOException(String.join(" ", command) + " failed: " + output);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }

        @Override
        public void close() throws IOException {
            run(bin.resolve("pg_ctl").toString(), "-D", folder.toAbsolutePath().resolve("data").toString(), "-m",
                    "fast", "-w", "-t", "60", "stop");
        }
    }

    /** The emulator as its own process, on a free port. */
    static final class Emulator implements AutoCloseable {

        final Process process;
        final String endpoint;
        final String stats;

        private Emulator(Process process, String endpoint, String stats) {
            this.process = process;
            this.endpoint = endpoint;
            this.stats = stats;
        }

        static Emulator start(Duration latency, String imageBytes) throws Exception {
            int port;
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            Process process = new ProcessBuilder(java(), "-jar", JAR.toAbsolutePath().toString(), "--emulator",
                    "--port", Integer.toString(port), "--api-key", KEY, "--latency", latency.toMillis() + "ms",
                    "--image-bytes", imageBytes).redirectErrorStream(true).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8));
            String line = out.readLine();
            if (line == null || !line.contains("listening on")) {
                throw new IllegalStateException("the emulator did not start: " + line);
            }
            Thread drain = new Thread(() -> {
                try {
                    while (out.readLine() != null) {
                        // keep the pipe empty
                    }
                } catch (IOException e) {
                    // the emulator stopped
                }
            });
            drain.setDaemon(true);
            drain.start();
            return new Emulator(process, "http://127.0.0.1:" + port + "/v2/google-nano-banana-2-edit",
                    "http://127.0.0.1:" + port + "/emulator/stats");
        }

        /** The median time /runsync takes to answer, one job at a time, on one connection. */
        long answerMillis(int jobs) throws Exception {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            List<Long> millis = new ArrayList<>();
            for (int i = 0; i < jobs; i++) {
                long t0 = System.nanoTime();
                client.send(HttpRequest.newBuilder(URI.create(endpoint + "/runsync"))
                        .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"input\": {\"prompt\": \"latency " + i
                                + "\", \"images\": [\"https://images.test/a.png\"]}}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                millis.add((System.nanoTime() - t0) / 1_000_000);
            }
            Collections.sort(millis);
            return millis.get(jobs / 2);
        }

        long runsyncCount() throws Exception {
            String json = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(stats)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            Matcher runsync = Pattern.compile("\"runsync\"\\s*:\\s*(\\d+)").matcher(json);
            return runsync.find() ? Long.parseLong(runsync.group(1)) : 0;
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    interface Check {
        boolean done() throws Exception;
    }

    static void waitFor(Check check, Duration atMost, Process process) throws Exception {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (!check.done()) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the runtime stopped; see its runtime.log");
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not done in " + atMost);
            }
            Thread.sleep(20);
        }
    }

    static long cpuTicks(long pid) throws IOException {
        return ownTicks(statFields(Path.of("/proc", Long.toString(pid), "stat")));
    }

    /** The fields of a /proc stat file from field 3 on, after the name, which may itself hold spaces and ")". */
    static String[] statFields(Path stat) throws IOException {
        return statFields(Files.readString(stat));
    }

    static String[] statFields(String stat) {
        return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    }

    /** utime and stime, fields 14 and 15: the CPU of the process or thread itself. */
    static long ownTicks(String[] fields) {
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /** CPU seconds of each thread of the process, the busiest first: where the time went. */
    /**
     * async-profiler (from Maven Central, loaded into the runtime with jcmd for the batch only, sampling CPU time with
     * itimer, which needs no perf events): where the batch's CPU went, the JIT compilers and the GC included.
     */
    static final class Profiler {

        static final String VERSION = "3.0";

        static void command(long pid, String arguments) throws Exception {
            // quoted: jcmd would take the first '=' for one of its own name=value arguments
            run(List.of("jcmd", Long.toString(pid), "JVMTI.agent_load", library().toString(), '"' + arguments + '"'));
        }

        static Path library() throws Exception {
            Path library = WORK.resolve("async-profiler/linux-x64/libasyncProfiler.so").toAbsolutePath();
            if (Files.exists(library)) {
                return library;
            }
            Path jar = Path.of(System.getProperty("user.home"), ".m2/repository/tools/profiler/async-profiler",
                    VERSION, "async-profiler-" + VERSION + "-linux-x64.jar");
            if (!Files.exists(jar)) {
                run(List.of("mvn", "-B", "-q", "dependency:get",
                        "-Dartifact=tools.profiler:async-profiler:" + VERSION + ":jar:linux-x64"));
            }
            Files.createDirectories(library.getParent());
            try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(jar.toFile())) {
                Files.copy(zip.getInputStream(zip.getEntry("linux-x64/libasyncProfiler.so")), library);
            }
            return library;
        }

        /** The share of the samples in each part, the first part a stack falls in counting it. */
        static String split(Path collapsed) throws IOException {
            Map<String, String[]> parts = new LinkedHashMap<>();
            parts.put("JIT compilers", new String[] {"CompileBroker", "C2Compiler", "Compilation::"});
            parts.put("GC", new String[] {"G1", "GCTaskThread", "WorkerThread::run"});
            parts.put("job ledger (H2, pool, our code)", new String[] {"dev/nanobanana/camel/ledger/", "org/h2/",
                "com/zaxxer/hikari", "processor/idempotent/jdbc"});
            parts.put("HTTP client", new String[] {"jdk/internal/net/http", "dev/nanobanana/camel/runpod/"});
            parts.put("files (camel-file)", new String[] {"org/apache/camel/component/file/"});
            parts.put("JSON (Jackson)", new String[] {"com/fasterxml/jackson"});
            parts.put("logging", new String[] {"ch/qos/logback", "org/slf4j"});
            parts.put("metrics", new String[] {"io/micrometer"});
            parts.put("other Java (Camel routing, our steps)", new String[] {"/"});
            Map<String, Long> samples = new LinkedHashMap<>();
            parts.keySet().forEach(part -> samples.put(part, 0L));
            samples.put("other (native, VM)", 0L);
            long total = 0;
            for (String line : Files.readAllLines(collapsed)) {
                int space = line.lastIndexOf(' ');
                long n = Long.parseLong(line.substring(space + 1));
                String stack = line.substring(0, space);
                total += n;
                String part = parts.entrySet().stream()
                        .filter(e -> Stream.of(e.getValue()).anyMatch(stack::contains))
                        .map(Map.Entry::getKey).findFirst().orElse("other (native, VM)");
                samples.merge(part, n, Long::sum);
            }
            StringBuilder out = new StringBuilder("  the batch's CPU by part (async-profiler, " + collapsed + "):\n");
            long all = Math.max(total, 1);
            samples.forEach((part, n) -> out.append(String.format(Locale.ROOT, "  %5.1f %%  %s%n", n * 100.0 / all,
                    part)));
            return out.toString();
        }

        private static void run(List<String> command) throws Exception {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            // jcmd ends with 0 when the agent refused its arguments: it says so in its output
            if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0 || output.contains("[ERROR]")) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
            }
        }
    }

    /** CPU ticks of each live thread of {@code pid}, by name with its digits as N. */
    static Map<String, Long> threadTicks(long pid) throws IOException {
        Map<String, Long> byName = new LinkedHashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("\\d+", "N");
                    byName.merge(name, ownTicks(statFields(stat)), Long::sum);
                } catch (IOException e) {
                    // the thread ended while it was read
                }
            }
        }
        return byName;
    }

    /** The CPU each kind of thread spent during the batch (threads that ended before it did are "ended"). */
    static String threadTimes(Map<String, Long> before, Map<String, Long> after, long processTicks) {
        Map<String, Long> spent = new LinkedHashMap<>();
        after.forEach((name, ticks) -> spent.put(name, ticks - before.getOrDefault(name, 0L)));
        long named = spent.values().stream().mapToLong(Long::longValue).sum();
        spent.put("(threads that ended, and other)", Math.max(0, processTicks - named));
        StringBuilder out = new StringBuilder("  CPU during the batch, by thread:\n");
        spent.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(12)
                .forEach(e -> out.append(String.format(Locale.ROOT, "  %7.2f s  %s%n", e.getValue() / 100.0,
                        e.getKey())));
        return out.toString();
    }

    static long peakRssKb(long pid) throws IOException {
        return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
                .filter(line -> line.startsWith("VmHWM:"))
                .map(line -> Long.parseLong(line.replaceAll("\\D", "")))
                .findFirst().orElse(-1L);
    }

    static long count(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(file -> !file.getFileName().toString().startsWith(".")).count();
        }
    }

    /**
     * An empty folder for a run. The folder of a run before is put aside in {@link #ASIDE}, not deleted: on an ext4
     * without a journal (this project's machine) each file created in the minutes after many were deleted scans past
     * their inodes ({@code recently_deleted} in {@code perf}), and creating the runtime's two files a job then took
     * 0.2-0.6 ms of CPU each, a seventh of a job's CPU at 400 in flight. A user's runtime creates files and deletes
     * none.
     */
    static Path fresh(Path folder) throws IOException {
        if (Files.exists(folder)) {
            Files.createDirectories(ASIDE);
            Files.move(folder, ASIDE.resolve(folder.getFileName() + "-" + System.currentTimeMillis()));
        }
        return Files.createDirectories(folder);
    }

    /** Says how much the folders put aside hold: deleting them right before a run would cost it what they saved. */
    static void tellAside() throws IOException {
        if (!Files.isDirectory(ASIDE)) {
            return;
        }
        long bytes;
        try (Stream<Path> tree = Files.walk(ASIDE)) {
            bytes = tree.filter(Files::isRegularFile).mapToLong(path -> path.toFile().length()).sum();
        }
        System.out.printf(Locale.ROOT, "%nEarlier runs' folders are kept in %s (%.1f GB): delete them when no run follows "
                + "for some minutes (rm -rf %s, or mvn clean)%n", ASIDE, bytes / 1e9, ASIDE);
    }

    static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> tree = Files.walk(from)) {
            for (Path source : tree.toList()) {
                Files.copy(source, to.resolve(from.relativize(source).toString()));
            }
        }
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static String memory() throws IOException {
        return Files.readAllLines(Path.of("/proc/meminfo")).get(0).replaceAll("\\s+", " ");
    }

    static Map<String, String> options(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String name = args[i].replaceFirst("^--", "");
            boolean flag = i + 1 >= args.length || args[i + 1].startsWith("--");
            options.put(name, flag ? "" : args[++i]);
        }
        return options;
    }
}
