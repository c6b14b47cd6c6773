package dev.nanobanana.camel.settings;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.util.URISupport;

import dev.nanobanana.camel.runpod.PriceTable;
import dev.nanobanana.camel.runpod.SubmitMode;

/**
 * Every {@code nanobanana.*} setting, read once from Camel's property placeholders so that a properties file,
 * {@code -Dkey=value} and environment variables ({@code NANOBANANA_INBOX}) all apply, and bound in the context for
 * every part that needs one ({@link #of}). The defaults are those of {@code config/application.properties}, which the
 * library carries as a resource: that file is the one place a key and its default are written.
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
        Duration ledgerKeepFor,
        String instanceId,
        PriceTable prices,
        BudgetCap budget,
        boolean dryRun,
        Duration healthInterval,
        Duration progressInterval,
        String inbox,
        String examplesDir,
        S3Settings s3,
        SftpSettings sftp,
        StatusSettings status,
        EmulatorOptions emulator,
        EgressSettings egress) {

    public static final String PREFIX = "nanobanana.";
    public static final String RUNPOD_ENDPOINT = "https://api.runpod.ai/v2/google-nano-banana-2-edit";

    /** The name the settings are bound under in a context. */
    public static final String BOUND_AS = "nanobananaSettings";
    /** {@code config/application.properties}, as the library carries it. */
    static final String DEFAULTS_RESOURCE = "/dev/nanobanana/camel/settings/application.properties";

    /** The {@code nanobanana.*} keys (without the prefix) and their defaults, in the order the file gives them. */
    public static final Map<String, String> DEFAULTS = DefaultsFile.read(DEFAULTS_RESOURCE, PREFIX);

    /** The defaults as placeholder properties, for a context that has no {@code application.properties} of ours. */
    public static Properties defaultProperties() {
        Properties properties = new Properties();
        DEFAULTS.forEach((key, value) -> properties.setProperty(PREFIX + key, value));
        return properties;
    }

    /** The value {@code config/application.properties} gives a key outside {@code nanobanana.*}, such as a Camel one. */
    public static String fileDefault(String key) {
        return DefaultsFile.read(DEFAULTS_RESOURCE, key).get("");
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
     * The context's settings: those bound in it, else read from its properties now, and bound. The defaults join the
     * context's properties first, so that each key is read as a placeholder is, and Camel Main's summary names the
     * source of every value, defaults included.
     */
    public static synchronized NanoBananaSettings of(CamelContext context) {
        NanoBananaSettings bound = context.getRegistry().lookupByNameAndType(BOUND_AS, NanoBananaSettings.class);
        if (bound != null) {
            return bound;
        }
        addDefaults(context);
        return bind(context, from(context));
    }

    /** Makes these the context's settings, as every part of the pipeline reads them. */
    public static NanoBananaSettings bind(CamelContext context, NanoBananaSettings settings) {
        context.getRegistry().bind(BOUND_AS, settings);
        return settings;
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
                positive(values, "http.connect-timeout"),
                positive(values, "http.read-timeout"),
                values.number("retry.max-attempts", 1),
                values.duration("retry.initial-delay"),
                values.decimal("retry.multiplier"),
                values.duration("retry.max-delay"),
                values.duration("retry.paid-image-for"),
                values.duration("poll.initial-interval"),
                values.duration("poll.max-interval"),
                values.decimal("poll.multiplier"),
                positive(values, "poll.deadline"),
                SubmitMode.of(values.text("submit-mode")),
                values.flag("resubmit-in-doubt"),
                values.flag("fetch-paid-images"),
                values.text("ledger.url"),
                values.text("ledger.user"),
                values.text("ledger.password"),
                positive(values, "ledger.lease"),
                positive(values, "ledger.file-claim-max-age"),
                positive(values, "ledger.keep-for"),
                instanceId(values.text("instance-id")),
                new PriceTable(values.optionalUsd("price.1k").orElse(PriceTable.RUNPOD.usd1k()),
                        values.optionalUsd("price.2k").orElse(PriceTable.RUNPOD.usd2k()),
                        values.optionalUsd("price.4k").orElse(PriceTable.RUNPOD.usd4k())),
                new BudgetCap(values.optionalUsd("budget.max-usd"), BudgetPeriod.of(values.text("budget.period"))),
                values.flag("dry-run"),
                positive(values, "health.interval"),
                values.duration("progress.interval"),
                values.text("inbox"),
                values.text("examples-dir"),
                S3Settings.from(values),
                SftpSettings.from(values),
                StatusSettings.from(values),
                EmulatorOptions.from(values),
                EgressSettings.from(values, System.getenv()));
    }

    /** The same settings aimed at another endpoint, such as the built-in emulator. */
    public NanoBananaSettings withEndpoint(String url, String key) {
        return new NanoBananaSettings(stripTrailingSlash(url), key, completedDir, failedDir, spoolDir,
                maxJobFileBytes, concurrency, rateMaxRequests, ratePeriod, defaultResolution, defaultOutputFormat,
                connectTimeout, readTimeout, retryMaxAttempts, retryInitialDelay, retryMultiplier, retryMaxDelay,
                retryPaidImageFor, pollInitialInterval, pollMaxInterval, pollMultiplier, pollDeadline, submitMode,
                resubmitInDoubt, fetchPaidImages, ledgerUrl, ledgerUser, ledgerPassword, ledgerLease, fileClaimMaxAge,
                ledgerKeepFor, instanceId, prices, budget, dryRun, healthInterval, progressInterval, inbox, examplesDir,
                s3, sftp, status, emulator, egress);
    }

    /** The same settings with another way out (for an application, or a test, that chooses it in code). */
    public NanoBananaSettings withEgress(EgressSettings other) {
        return new NanoBananaSettings(endpointUrl, apiKey, completedDir, failedDir, spoolDir,
                maxJobFileBytes, concurrency, rateMaxRequests, ratePeriod, defaultResolution, defaultOutputFormat,
                connectTimeout, readTimeout, retryMaxAttempts, retryInitialDelay, retryMultiplier, retryMaxDelay,
                retryPaidImageFor, pollInitialInterval, pollMaxInterval, pollMultiplier, pollDeadline, submitMode,
                resubmitInDoubt, fetchPaidImages, ledgerUrl, ledgerUser, ledgerPassword, ledgerLease, fileClaimMaxAge,
                ledgerKeepFor, instanceId, prices, budget, dryRun, healthInterval, progressInterval, inbox, examplesDir,
                s3, sftp, status, emulator, other);
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
