package dev.nanobanana.camel.pipeline;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.nanobanana.camel.job.JobState;
import dev.nanobanana.camel.ledger.LedgerException;
import dev.nanobanana.camel.ledger.PeriodSpend;
import dev.nanobanana.camel.ledger.Reservation;
import dev.nanobanana.camel.runpod.PriceTable;
import dev.nanobanana.camel.settings.BudgetCap;

/**
 * The budget's word right before a job is submitted. The job's price is counted in the job ledger, in the same step as
 * the record that the job is being submitted, only if it fits under {@code nanobanana.budget.max-usd} beside what the
 * period's jobs count already; the instances sharing a ledger take that step one at a time, so the cap is never passed.
 * A job that does not fit waits, holding no thread, behind those that came before it, and is tried again every second:
 * jobs in flight may cost less than their price or fail (RunPod charges no failed job), and a new UTC day or month
 * starts from nothing. When the runtime stops, waiting jobs end unsubmitted and their files stay in the inbox.
 */
public final class BudgetGate extends AsyncProcessorSupport {

    private static final Logger LOG = LoggerFactory.getLogger(BudgetGate.class);
    private static final long TRY_AGAIN_MILLIS = 1000;

    private final LedgerClerk clerk;
    private final PriceTable prices;
    private final BudgetCap cap;
    private final Clock clock;
    private final ScheduledExecutorService timer;
    private final Deque<Waiting> waiting = new ArrayDeque<>();
    private ScheduledFuture<?> tryingAgain;
    private boolean closed;
    private boolean reached;

    public BudgetGate(LedgerClerk clerk, PriceTable prices, BudgetCap cap, Clock clock, ScheduledExecutorService timer) {
        this.clerk = clerk;
        this.prices = prices;
        this.cap = cap;
        this.clock = clock;
        this.timer = timer;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        if (JobExchange.state(exchange).progress().countedUsd() != null) {
            // a submit tried again that surely never reached RunPod: its price is counted already
            callback.done(true);
            return true;
        }
        synchronized (this) {
            if (closed) {
                exchange.setRouteStop(true);
                callback.done(true);
                return true;
            }
            if (!waiting.isEmpty()) {
                // jobs that came first go first
                waiting.add(new Waiting(exchange, callback));
                return false;
            }
        }
        Reservation reservation;
        try {
            reservation = reserve(exchange);
        } catch (RuntimeException e) {
            exchange.setException(e);
            callback.done(true);
            return true;
        }
        if (!reservation.made() && startWaiting(exchange, callback, reservation)) {
            return false;
        }
        callback.done(true);
        return true;
    }

    /** Whether jobs wait because the budget is reached. */
    public synchronized boolean reached() {
        return reached;
    }

    /** How many jobs wait for the budget to allow them. */
    public synchronized int waitingJobs() {
        return waiting.size();
    }

    /**
     * Whether the jobs waiting can only go on in a new period or with a higher cap: none of the period's jobs is on its
     * way (whose cost could come in lower than its price, or nothing), and the waiting jobs, tried again now, do not
     * fit. Reads the ledger, and may let waiting jobs go on.
     */
    public boolean holdsJobsForThePeriod() {
        if (!reached()) {
            return false;
        }
        try {
            // read before the jobs are tried: no job of the period ends in between unnoticed
            if (periodSpend().jobsInFlight() > 0) {
                return false;
            }
        } catch (LedgerException e) {
            return false;
        }
        return tryWaitingJobs() == 0 && reached();
    }

    public BudgetCap cap() {
        return cap;
    }

    /** What the current period's jobs count against the budget, read from the ledger (one short query). */
    public PeriodSpend periodSpend() {
        return clerk.ledger().periodSpend(periodStart());
    }

    /**
     * No job waits from now on: the runtime is stopping. Waiting jobs end here, unsubmitted, and are taken again at the
     * next start (their files stay in the inbox).
     */
    public void close() {
        List<Waiting> left;
        synchronized (this) {
            closed = true;
            left = new ArrayList<>(waiting);
            waiting.clear();
            if (tryingAgain != null) {
                tryingAgain.cancel(false);
            }
        }
        if (!left.isEmpty()) {
            LOG.info("Stopping: {} job(s) waiting for the budget are not submitted, and resume at the next start",
                    left.size());
        }
        for (Waiting job : left) {
            job.exchange.setRouteStop(true);
            job.callback.done(false);
        }
    }

    @Override
    protected void doStart() {
        if (cap.maxUsd().isPresent()) {
            try {
                LOG.info("Budget: at most {} (nanobanana.budget.max-usd); jobs submitted {} count {} USD so far", cap,
                        cap.period().description(), periodSpend().countedUsd().stripTrailingZeros().toPlainString());
            } catch (LedgerException e) {
                LOG.info("Budget: at most {} (nanobanana.budget.max-usd)", cap);
            }
        }
        synchronized (this) {
            tryingAgain = timer.scheduleWithFixedDelay(this::tryWaitingJobs, TRY_AGAIN_MILLIS, TRY_AGAIN_MILLIS,
                    TimeUnit.MILLISECONDS);
        }
    }

    @Override
    protected void doStop() {
        close();
    }

    /** Counts the job and records it as submitting, if it fits. */
    private Reservation reserve(Exchange exchange) {
        JobState state = JobExchange.state(exchange);
        JobState submitting = state.submitting(clock.instant());
        BigDecimal price = prices.priceOf(state.job().resolution());
        Reservation reservation = clerk.reserve(submitting, price, periodStart(), cap.maxUsd());
        if (reservation.made()) {
            exchange.setProperty(JobExchange.STATE, submitting.withProgress(submitting.progress().counted(price)));
        }
        return reservation;
    }

    /** Parks the job; says the budget is reached if it was not yet. False when the runtime stops instead. */
    private boolean startWaiting(Exchange exchange, AsyncCallback callback, Reservation refused) {
        boolean first;
        synchronized (this) {
            if (closed) {
                exchange.setRouteStop(true);
                return false;
            }
            waiting.add(new Waiting(exchange, callback));
            first = !reached;
            reached = true;
        }
        if (first) {
            JobState job = JobExchange.state(exchange);
            LOG.warn("Budget reached: jobs submitted {} count {} USD, and job {} ({}, {} USD) would pass {} "
                     + "(nanobanana.budget.max-usd). Jobs wait, unsent, their files in the inbox, until they fit: {}",
                    cap.period().description(), usd(refused.countedUsd()), job.jobId(), job.job().resolution(),
                    usd(prices.priceOf(job.job().resolution())), cap, whenTheyFit());
        }
        return true;
    }

    /**
     * Tries the waiting jobs in the order they came, up to the first that does not fit. Under the gate's lock, so that
     * the runtime's stop never ends a job whose price was just counted.
     *
     * @return how many went on
     */
    private int tryWaitingJobs() {
        List<Waiting> admitted = new ArrayList<>();
        BigDecimal counted = null;
        boolean cleared = false;
        synchronized (this) {
            while (!closed && !waiting.isEmpty()) {
                Waiting next = waiting.peek();
                try {
                    Reservation reservation = reserve(next.exchange);
                    if (!reservation.made()) {
                        break;
                    }
                    counted = reservation.countedUsd();
                    admitted.add(waiting.poll());
                } catch (LedgerException e) {
                    // the database is out of reach for now: the job waits on, and is tried again
                    LOG.debug("The budget could not be read: {}", e.getMessage());
                    break;
                } catch (RuntimeException e) {
                    waiting.poll();
                    next.exchange.setException(e);
                    admitted.add(next);
                }
            }
            if (reached && waiting.isEmpty() && !closed) {
                reached = false;
                cleared = true;
            }
        }
        if (cleared && counted != null) {
            LOG.info("Budget: the waiting jobs fit again and go on; jobs submitted {} count {} USD of {}",
                    cap.period().description(), usd(counted), cap);
        }
        for (Waiting job : admitted) {
            job.callback.done(false);
        }
        return admitted.size();
    }

    private String whenTheyFit() {
        String raise = "with a higher cap at the next start";
        return switch (cap.period()) {
            case DAY -> "as jobs in flight cost less than their price or fail, from the next UTC day, or " + raise;
            case MONTH -> "as jobs in flight cost less than their price or fail, from the next UTC month, or " + raise;
            case TOTAL -> "as jobs in flight cost less than their price or fail, or " + raise;
        };
    }

    private LocalDate periodStart() {
        return cap.period().start(LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC));
    }

    private static String usd(BigDecimal amount) {
        return amount.stripTrailingZeros().toPlainString();
    }

    private record Waiting(Exchange exchange, AsyncCallback callback) {
    }
}
