package dev.nanobanana.camel.settings;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.util.URISupport;

import dev.nanobanana.camel.runpod.PriceTable;
import dev.nanobanana.camel.runpod.SubmitMode;

/**
 * Every {@code nanobanana.*} setting of the pipeline, with its default; read from Camel's property placeholders so
 * that a properties file, {@code -Dkey=value} and environment variables ({@code NANOBANANA_INBOX}) all apply.
 */
public record NanoBananaSettings(
        String endpointUrl,
        String apiKey,
        String completedDir,
        String failedDir,
        String spoolDir,
        long maxJobFileBytes,
        int concurrency,
        int rateMaxRequests,
        Duration ratePeriod,
        String defaultResolution,
        String defaultOutputFormat,
        Duration connectTimeout,
        Duration readTimeout,
        int retryMaxAttempts,
        Duration retryInitialDelay,
        double retryMultiplier,
        Duration retryMaxDelay,
        Duration retryPaidImageFor,
        Duration pollInitialInterval,
        Duration pollMaxInterval,
        double pollMultiplier,
        Duration pollDeadline,
        SubmitMode submitMode,
        boolean resubmitInDoubt,
        boolean fetchPaidImages,
        String ledgerUrl,
        String ledgerUser,
        String ledgerPassword,
        Duration ledgerLease,
        Duration fileClaimMaxAge,
        String instanceId,
        PriceTable prices,
        BudgetCap budget,
        boolean dryRun,
        Duration healthInterval,
        Duration progressInterval) {

    public static final String PREFIX = "nanobanana.";
    public static final String RUNPOD_ENDPOINT = "https://api.runpod.ai/v2/google-nano-banana-2-edit";

    /** The keys and their defaults, in the order {@code config/application.properties} documents them. */
    public static final Map<String, String> DEFAULTS = defaults();

    private static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("endpoint-url", RUNPOD_ENDPOINT);
        d.put("api-key", "{{env:RUNPOD_API_KEY:}}");
        d.put("inbox", "inbox");
        d.put("examples-dir", "examples");
        d.put("completed-dir", "out/completed");
        d.put("failed-dir", "out/failed");
        d.put("spool-dir", "out/spool");
        d.put("max-job-file-bytes", "1MB");
        d.put("concurrency", "8");
        d.put("rate.max-requests", "2000");
        d.put("rate.period", "10s");
        d.put("default.resolution", "1k");
        d.put("default.output-format", "png");
        d.put("http.connect-timeout", "10s");
        d.put("http.read-timeout", "150s");
        d.put("retry.max-attempts", "5");
        d.put("retry.initial-delay", "1s");
        d.put("retry.multiplier", "2");
        d.put("retry.max-delay", "60s");
        d.put("retry.paid-image-for", "10m");
        d.put("poll.initial-interval", "1s");
        d.put("poll.max-interval", "15s");
        d.put("poll.multiplier", "1.5");
        d.put("poll.deadline", "15m");
        d.put("submit-mode", "runsync");
        d.put("resubmit-in-doubt", "false");
        d.put("fetch-paid-images", "false");
        d.put("ledger.url", "jdbc:h2:file:./state/ledger");
        d.put("ledger.user", "sa");
        d.put("ledger.password", "");
        d.put("ledger.lease", "60s");
        d.put("ledger.file-claim-max-age", "30s");
        d.put("instance-id", "");
        // empty: RunPod's list price, PriceTable.RUNPOD
        d.put("price.1k", "");
        d.put("price.2k", "");
        d.put("price.4k", "");
        d.put("budget.max-usd", "");
        d.put("budget.period", "day");
        d.put("dry-run", "false");
        d.put("s3.enabled", "false");
        d.put("s3.bucket", "");
        d.put("s3.region", "us-east-1");
        d.put("s3.endpoint-url", "");
        d.put("s3.path-style", "false");
        d.put("s3.access-key", "");
        d.put("s3.secret-key", "");
        d.put("s3.checksums", "when-supported");
        d.put("s3.inbox-prefix", "inbox/");
        d.put("s3.completed-prefix", "out/completed/");
        d.put("s3.failed-prefix", "out/failed/");
        d.put("s3.presign-ttl", "1h");
        d.put("sftp.enabled", "false");
        d.put("sftp.host", "");
        d.put("sftp.port", "22");
        d.put("sftp.username", "");
        d.put("sftp.password", "");
        d.put("sftp.private-key-file", "");
        d.put("sftp.private-key-passphrase", "");
        d.put("sftp.known-hosts-file", "{{sys:user.home}}/.ssh/known_hosts");
        d.put("sftp.strict-host-key-checking", "yes");
        d.put("sftp.inbox", "inbox");
        d.put("sftp.settle-time", "5s");
        d.put("sftp.completed-dir", "out/completed");
        d.put("sftp.failed-dir", "out/failed");
        d.put("emulator.enabled", "false");
        d.put("emulator.port", "0");
        d.put("emulator.latency", "1s");
        d.put("emulator.runsync-wait", "90s");
        d.put("emulator.faults", "");
        d.put("emulator.fetch-inputs", "false");
        d.put("health.interval", "15s");
        d.put("progress.interval", "10s");
        d.put("status.enabled", "true");
        d.put("status.token", "");
        d.put("status.host-names", "");
        d.put("status.daily-contact-sheet", "true");
        return Collections.unmodifiableMap(d);
    }

    /** The defaults as placeholder properties, for a context that has no {@code application.properties} of ours. */
    public static Properties defaultProperties() {
        Properties properties = new Properties();
        DEFAULTS.forEach((key, value) -> properties.setProperty(PREFIX + key, value));
        return properties;
    }

    /**
     * Gives every {@code nanobanana.*} key its default in the context, as the lowest of its property sources, so that
     * route files can name any key: a value from anywhere else still wins.
     */
    public static void addDefaults(CamelContext context) {
        PropertiesComponent properties = context.getPropertiesComponent();
        DEFAULTS.forEach((key, value) -> {
            if (properties.resolveProperty(PREFIX + key).isEmpty()) {
                properties.addInitialProperty(PREFIX + key, value);
            }
        });
    }

    /**
     * Reads the settings from the context's property placeholders, falling back to {@link #DEFAULTS}.
     *
     * @throws IllegalArgumentException naming the key whose value is not usable
     */
    public static NanoBananaSettings from(CamelContext context) {
        NanoBananaProperties values = new NanoBananaProperties(context);
        return new NanoBananaSettings(
                stripTrailingSlash(values.text("endpoint-url")),
                values.text("api-key"),
                values.text("completed-dir"),
                values.text("failed-dir"),
                values.text("spool-dir"),
                values.bytes("max-job-file-bytes"),
                values.number("concurrency", 1),
                values.number("rate.max-requests", 1),
                values.duration("rate.period"),
                values.text("default.resolution"),
                values.text("default.output-format"),
                values.duration("http.connect-timeout"),
                values.duration("http.read-timeout"),
                values.number("retry.max-attempts", 1),
                values.duration("retry.initial-delay"),
                values.decimal("retry.multiplier"),
                values.duration("retry.max-delay"),
                values.duration("retry.paid-image-for"),
                values.duration("poll.initial-interval"),
                values.duration("poll.max-interval"),
                values.decimal("poll.multiplier"),
                values.duration("poll.deadline"),
                SubmitMode.of(values.text("submit-mode")),
                values.flag("resubmit-in-doubt"),
                values.flag("fetch-paid-images"),
                values.text("ledger.url"),
                values.text("ledger.user"),
                values.text("ledger.password"),
                values.duration("ledger.lease"),
                positive(values, "ledger.file-claim-max-age"),
                instanceId(values.text("instance-id")),
                new PriceTable(values.optionalUsd("price.1k").orElse(PriceTable.RUNPOD.usd1k()),
                        values.optionalUsd("price.2k").orElse(PriceTable.RUNPOD.usd2k()),
                        values.optionalUsd("price.4k").orElse(PriceTable.RUNPOD.usd4k())),
                new BudgetCap(values.optionalUsd("budget.max-usd"), BudgetPeriod.of(values.text("budget.period"))),
                values.flag("dry-run"),
                positive(values, "health.interval"),
                values.duration("progress.interval"));
    }

    /** The same settings aimed at another endpoint, such as the built-in emulator. */
    public NanoBananaSettings withEndpoint(String url, String key) {
        return new NanoBananaSettings(stripTrailingSlash(url), key, completedDir, failedDir, spoolDir,
                maxJobFileBytes, concurrency, rateMaxRequests, ratePeriod, defaultResolution, defaultOutputFormat,
                connectTimeout, readTimeout, retryMaxAttempts, retryInitialDelay, retryMultiplier, retryMaxDelay,
                retryPaidImageFor, pollInitialInterval, pollMaxInterval, pollMultiplier, pollDeadline, submitMode,
                resubmitInDoubt, fetchPaidImages, ledgerUrl, ledgerUser, ledgerPassword, ledgerLease, fileClaimMaxAge,
                instanceId, prices, budget, dryRun, healthInterval, progressInterval);
    }

    private static Duration positive(NanoBananaProperties values, String key) {
        Duration duration = values.duration(key);
        if (duration.isZero()) {
            throw new IllegalArgumentException(PREFIX + key + " must be a duration above zero, such as 15s");
        }
        return duration;
    }

    /**
     * This instance's name in the ledger. The same across restarts of one installation (so that it takes its own jobs
     * back at once), and different for two installations on one machine.
     */
    private static String instanceId(String given) {
        if (!given.isBlank()) {
            return given;
        }
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "localhost";
        }
        return host + "-" + Integer.toHexString(Path.of("").toAbsolutePath().toString().hashCode());
    }

    public boolean hasApiKey() {
        return apiKey != null && !apiKey.isBlank();
    }

    @Override
    public String toString() {
        // the record's own toString would print the API key
        return "NanoBananaSettings[endpointUrl=" + endpointUrl + ", apiKey=" + (hasApiKey() ? "****" : "<none>")
               + ", completedDir=" + completedDir + ", failedDir=" + failedDir + ", concurrency=" + concurrency
               + ", ledgerUrl=" + URISupport.sanitizeUri(ledgerUrl) + ", instanceId=" + instanceId + ", budget=" + budget
               + ", dryRun=" + dryRun + "]";
    }

    private static String stripTrailingSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
