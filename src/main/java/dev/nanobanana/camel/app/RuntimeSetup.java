package dev.nanobanana.camel.app;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.main.MainSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;

import dev.nanobanana.camel.settings.KnownSecrets;
import dev.nanobanana.camel.pipeline.NanoBananaErrorHandling;
import dev.nanobanana.camel.pipeline.NanoBananaRoutes;
import dev.nanobanana.camel.settings.NanoBananaSettings;
import dev.nanobanana.camel.cost.DryRun;
import dev.nanobanana.camel.cost.DryRunReport;
import dev.nanobanana.camel.job.JobValidator;
import dev.nanobanana.camel.s3.NanoBananaS3Routes;
import dev.nanobanana.camel.status.StatusRoutes;

/**
 * Sets the standalone runtime up once its properties are known: starts the built-in emulator when it is enabled,
 * refuses to start against the real endpoint without an API key or when the management server cannot listen, and adds
 * the pipeline's routes; or, with {@code nanobanana.dry-run=true}, prices the inbox, writes the report and stops, with
 * no route at all and no port opened.
 */
class RuntimeSetup extends MainListenerSupport {

    private static final Logger LOG = LoggerFactory.getLogger(RuntimeSetup.class);

    /** Where a dry run's table goes: the console, or log lines when the log is JSON. */
    private final PrintStream out;
    private BuiltInEmulator emulator;
    private ManagementServerCheck managementServer;
    private boolean dryRunDone;

    RuntimeSetup(PrintStream out) {
        this.out = out;
    }

    static Properties defaults() {
        Properties defaults = NanoBananaSettings.defaultProperties();
        // a runtime started without config/ still has its name and its route files
        for (String key : List.of("camel.main.name", "camel.main.routes-include-pattern")) {
            defaults.setProperty(key, NanoBananaSettings.fileDefault(key));
        }
        return defaults;
    }

    @Override
    public void beforeConfigure(BaseMainSupport main) {
        NanoBananaSettings settings;
        try {
            settings = NanoBananaSettings.from(main.getCamelContext());
        } catch (IllegalArgumentException e) {
            // a key with a value that is not usable: the message names it
            throw new StartupRefused(e.getMessage());
        }
        // from here on, a log line that quotes a configured secret shows **** in its place
        LoggedSecrets.mask(KnownSecrets.of(settings));
        if (settings.dryRun()) {
            // no route at all, so that nothing is sent, moved or resumed; no API key needed either; and no port opened
            dryRun(settings, out);
            main.configure().setRoutesCollectorEnabled(false);
            main.getCamelContext().getPropertiesComponent().addOverrideProperty("camel.management.enabled", "false");
            dryRunDone = true;
            return;
        }
        settings = NanoBananaSettings.bind(main.getCamelContext(), endpoint(settings));
        LoggedSecrets.mask(KnownSecrets.of(settings));
        if (settings.s3().enabled()) {
            LOG.info("Taking job files from {}", settings.s3());
            main.configure().addRoutesBuilder(new NanoBananaS3Routes());
        }
        if (settings.sftp().enabled()) {
            LOG.info("Taking job files from {}", settings.sftp().inboxUri());
        }
        OpenTelemetrySdk traces = TraceExport.fromSettings(System::getenv).orElse(null);
        if (traces != null) {
            // the pipeline finds it (JobTracing) and traces each job with it
            main.getCamelContext().getRegistry().bind("nanobananaOpenTelemetry", OpenTelemetry.class, traces);
            try {
                main.getCamelContext().addService(TraceExport.closedWithCamel(traces));
            } catch (Exception e) {
                throw new StartupRefused("Tracing: " + e.getMessage());
            }
            LOG.info("Sending a trace of each job to {} (OTLP)", TraceExport.endpoint(System::getenv).orElseThrow());
        }
        main.configure().addRoutesBuilder(new NanoBananaErrorHandling());
        main.configure().addRoutesBuilder(new NanoBananaRoutes());
        if (managementServerEnabled(main)) {
            managementServer = ManagementServerCheck.install(main.getCamelContext());
            if (settings.status().enabled()) {
                main.configure().addRoutesBuilder(new StatusRoutes());
            }
        }
    }

    /** The status page is served by the management server, beside the health checks, or not at all. */
    private static boolean managementServerEnabled(BaseMainSupport main) {
        return main.getCamelContext().getPropertiesComponent().resolveProperty("camel.management.enabled")
                .map(Boolean::parseBoolean).orElse(false);
    }

    @Override
    public void afterStart(BaseMainSupport main) {
        if (dryRunDone && main instanceof MainSupport finishing) {
            finishing.completed();
        }
    }

    private static void dryRun(NanoBananaSettings settings, PrintStream out) {
        Path inbox = Path.of(settings.inbox());
        Path reports = Path.of(settings.completedDir()).toAbsolutePath().normalize().getParent();
        try {
            DryRunReport report = new DryRun(new JobValidator(settings.defaultResolution(),
                    settings.defaultOutputFormat()), settings.prices(), settings.maxJobFileBytes()).price(inbox);
            report.writeTo(reports);
            out.print(report.table());
            LOG.info("Dry run: {} job(s) would be sent for {} USD, {} invalid; nothing was sent and no file was moved. "
                     + "Report: {} and {}", report.jobs().size(), report.totalUsd().stripTrailingZeros().toPlainString(),
                    report.invalid().size(), reports.resolve(DryRunReport.TEXT_FILE),
                    reports.resolve(DryRunReport.JSON_FILE));
        } catch (IOException e) {
            throw new StartupRefused("Dry run: " + e.getMessage());
        }
    }

    /** The settings aimed at the built-in emulator when it is enabled; else they must have an API key. */
    private NanoBananaSettings endpoint(NanoBananaSettings settings) {
        if (settings.emulator().enabled()) {
            emulator = BuiltInEmulator.start(settings.emulator());
            LOG.warn("Using the built-in RunPod emulator at {}: its images are placeholders and nothing is charged",
                    emulator.endpointUrl());
            return settings.withEndpoint(emulator.endpointUrl(), emulator.apiKey());
        }
        if (!settings.hasApiKey()) {
            throw new StartupRefused("No RunPod API key: set RUNPOD_API_KEY (or nanobanana.api-key), "
                                     + "or try the built-in emulator with -Dnanobanana.emulator.enabled=true");
        }
        LOG.info("Sending jobs to {}", settings.endpointUrl());
        return settings;
    }

    @Override
    public void afterStop(BaseMainSupport main) {
        if (emulator != null) {
            emulator.close();
        }
        if (managementServer != null) {
            managementServer.close();
        }
    }
}
