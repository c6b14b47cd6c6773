package dev.nanobanana.camel.observe;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.support.service.ServiceSupport;

import dev.nanobanana.camel.settings.KnownSecrets;
import dev.nanobanana.camel.settings.NanoBananaSettings;
import dev.nanobanana.camel.ledger.JobLedger;
import dev.nanobanana.camel.runpod.RunpodClient;
import dev.nanobanana.camel.source.SourceStatus;

/**
 * The pipeline's readiness checks ({@code nanobanana-runpod}, {@code nanobanana-ledger}, {@code nanobanana-folders},
 * {@code nanobanana-sources}), bound as {@link org.apache.camel.health.HealthCheck} beans in the context's registry,
 * and the service that has RunPod and the ledger looked at every {@code nanobanana.health.interval} while the context
 * runs. It looks only when the context has a health-check registry that is enabled: without one nobody asks.
 */
public final class ReadinessProbes extends ServiceSupport {

    /** The longest a look at RunPod may take: an answer slower than this is as good as none. */
    private static final Duration LONGEST_LOOK = Duration.ofSeconds(10);

    private final CamelContext context;
    private final Duration interval;
    private final List<ProbedCheck> probed;
    private ScheduledExecutorService timer;

    private ReadinessProbes(CamelContext context, Duration interval, List<ProbedCheck> probed) {
        this.context = context;
        this.interval = interval;
        this.probed = probed;
    }

    /** Binds the checks in the context's registry, and adds the service that looks for them. */
    public static void install(CamelContext context, NanoBananaSettings settings, RunpodClient runpod,
            JobLedger ledger, KnownSecrets secrets) throws Exception {
        Duration timeout = settings.healthInterval().compareTo(LONGEST_LOOK) < 0 ? settings.healthInterval()
                : LONGEST_LOOK;
        RunpodReadiness runpodCheck = new RunpodReadiness(runpod, timeout, secrets);
        LedgerReadiness ledgerCheck = new LedgerReadiness(ledger, settings.ledgerUrl(), secrets);
        Map<String, Path> folders = new LinkedHashMap<>();
        folders.put("nanobanana.completed-dir", Path.of(settings.completedDir()));
        folders.put("nanobanana.failed-dir", Path.of(settings.failedDir()));
        folders.put("nanobanana.spool-dir", Path.of(settings.spoolDir()));
        context.getRegistry().bind(RunpodReadiness.ID, runpodCheck);
        context.getRegistry().bind(LedgerReadiness.ID, ledgerCheck);
        context.getRegistry().bind(FolderReadiness.ID, new FolderReadiness(folders, secrets));
        context.getRegistry().bind(SourceReadiness.ID, new SourceReadiness(SourceStatus.of(context), secrets));
        context.addService(new ReadinessProbes(context, settings.healthInterval(), List.of(runpodCheck, ledgerCheck)));
    }

    @Override
    protected void doStart() {
        HealthCheckRegistry health = HealthCheckRegistry.get(context);
        if (health == null || !health.isEnabled()) {
            return;
        }
        // one thread each: a database that does not answer must not hold up the look at RunPod
        timer = context.getExecutorServiceManager().newScheduledThreadPool(this, "nanobanana-readiness",
                probed.size());
        for (ProbedCheck check : probed) {
            timer.scheduleWithFixedDelay(check::probe, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    protected void doStop() {
        if (timer != null) {
            context.getExecutorServiceManager().shutdownNow(timer);
            timer = null;
        }
    }
}
