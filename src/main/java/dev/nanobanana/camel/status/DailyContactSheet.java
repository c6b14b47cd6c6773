package dev.nanobanana.camel.status;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * For the long-running runtime: once each UTC day has ended, its contact sheet {@code report-<day>.html} beside the
 * completed folder, with every job that ended that day.
 */
final class DailyContactSheet extends ServiceSupport implements CamelContextAware {

    private static final Logger LOG = LoggerFactory.getLogger(DailyContactSheet.class);
    /** After midnight, a minute for the day's last jobs to be written to the ledger. */
    private static final Duration GRACE = Duration.ofMinutes(1);

    private final Supplier<ContactSheet> sheet;
    private final Path completedFolder;
    private final Clock clock;
    private CamelContext context;
    private ScheduledExecutorService timer;

    DailyContactSheet(Supplier<ContactSheet> sheet, Path completedFolder, Clock clock) {
        this.sheet = sheet;
        this.completedFolder = completedFolder;
        this.clock = clock;
    }

    static String fileName(LocalDate day) {
        return "report-" + day + ".html";
    }

    /** How long from {@code now} until the next day's sheet is due. */
    static Duration untilNextSheet(Instant now) {
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        Instant due = today.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().plus(GRACE);
        return Duration.between(now, due);
    }

    /** Writes the sheet of {@code day}; answers the file written. */
    Path write(LocalDate day) {
        Instant from = day.atStartOfDay(ZoneOffset.UTC).toInstant();
        return sheet.get().write(completedFolder, from, from.plus(Duration.ofDays(1)), fileName(day),
                "Jobs of " + day + " (UTC)");
    }

    @Override
    public CamelContext getCamelContext() {
        return context;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.context = camelContext;
    }

    @Override
    protected void doStart() {
        timer = context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "nanobanana-contact-sheet");
        scheduleNext();
    }

    private void scheduleNext() {
        timer.schedule(this::writeYesterday, untilNextSheet(clock.instant()).toMillis(), TimeUnit.MILLISECONDS);
    }

    private void writeYesterday() {
        LocalDate yesterday = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).minusDays(1);
        try {
            LOG.info("Contact sheet of {}: {}", yesterday, write(yesterday));
        } catch (RuntimeException e) {
            LOG.warn("The contact sheet of {} could not be written: {}", yesterday, e.getMessage());
        } finally {
            scheduleNext();
        }
    }

    @Override
    protected void doStop() {
        if (timer != null) {
            context.getExecutorServiceManager().shutdownNow(timer);
        }
    }
}
