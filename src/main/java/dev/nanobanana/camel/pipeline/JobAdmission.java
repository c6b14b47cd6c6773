package dev.nanobanana.camel.pipeline;

import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.nanobanana.camel.job.EditJob;
import dev.nanobanana.camel.job.InvalidJobException;
import dev.nanobanana.camel.job.JobOutcome;
import dev.nanobanana.camel.ledger.Admission;
import dev.nanobanana.camel.job.JobKey;
import dev.nanobanana.camel.job.JobPhase;
import dev.nanobanana.camel.ledger.StoredJob;
import dev.nanobanana.camel.sink.ResultRecord;
import dev.nanobanana.camel.job.JobState;

/**
 * The ledger's word before anything is paid. A job new to it, or whose earlier run failed, goes on. One delivered
 * already with the same request costs nothing: it ends at once with that result. One on its way (in another instance,
 * or resumed here) is never sent again: this waits, holding no thread, until the ledger says how it ended, or until
 * the job, received and never sent, is left by an instance that stopped renewing its lease: then it is sent from here.
 * Another request under an id in use is refused.
 */
final class JobAdmission extends AsyncProcessorSupport {

    private static final Logger LOG = LoggerFactory.getLogger(NanoBananaRoutes.class);
    private static final long LOOK_AGAIN_MILLIS = 2000;

    private final LedgerClerk clerk;
    private final ScheduledExecutorService timer;

    JobAdmission(LedgerClerk clerk, ScheduledExecutorService timer) {
        this.clerk = clerk;
        this.timer = timer;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        Admission admission;
        try {
            admission = clerk.admit(JobExchange.state(exchange));
            if (admission.mayRun()) {
                JobExchange.update(exchange, JobState::inLedger);
            }
            if (admission.verdict() == Admission.Verdict.ID_IN_USE) {
                throw new InvalidJobException(inUse(admission.job()));
            }
        } catch (Exception e) {
            exchange.setException(e);
            callback.done(true);
            return true;
        }
        switch (admission.verdict()) {
            case DONE -> {
                LOG.info("Job {} was delivered already ({}): not sent again. To run it again, give it another id",
                        admission.job().key(), where(admission.job()));
                endAsInLedger(exchange, admission.job());
            }
            case IN_DOUBT -> {
                LOG.warn("Job {} may have run at RunPod already ({}; its outcome is unknown): not sent again. Look for "
                         + "it in your RunPod console; to run it again, give it another id", admission.job().key(),
                        where(admission.job()));
                endAsInLedger(exchange, admission.job());
            }
            case RUNNING -> {
                LOG.info("Job {} is on its way already ({}): not sent again; its file waits for it",
                        admission.job().key(), where(admission.job()));
                lookAgain(exchange, callback, admission.job().key());
                return false;
            }
            default -> {
                // the job is this instance's to run; one a stopped instance received is said so, as when waited for
                if (admission.takenFrom() != null) {
                    logTakenOver(admission.job().key(), admission.takenFrom());
                }
            }
        }
        callback.done(true);
        return true;
    }

    /** Whether the job may be submitted now: the ledger admitted it and it has no outcome yet. */
    static boolean mayRun(Exchange exchange) {
        return exchange.getProperty(JobExchange.OUTCOME) == null && exchange.getException() == null;
    }

    private void lookAgain(Exchange exchange, AsyncCallback callback, JobKey key) {
        timer.schedule(() -> {
            try {
                StoredJob job = clerk.ledger().find(key).orElse(null);
                if (job != null && job.phase() == JobPhase.RECEIVED && takenOver(exchange)) {
                    callback.done(false);
                    return;
                }
                if (job != null && job.phase() != JobPhase.DELIVERED && job.phase() != JobPhase.FAILED) {
                    lookAgain(exchange, callback, key);
                    return;
                }
                if (job == null) {
                    exchange.setProperty(JobExchange.OUTCOME,
                            JobOutcome.failed(key.jobId(), "the job left the ledger while waited for", null));
                } else {
                    endAsInLedger(exchange, job);
                }
            } catch (RuntimeException e) {
                exchange.setException(e);
            }
            callback.done(false);
        }, LOOK_AGAIN_MILLIS, TimeUnit.MILLISECONDS);
    }

    /**
     * Whether the job waited for was received and never sent by an instance that stopped renewing its lease: it cost
     * nothing, and it is this instance's to send now.
     */
    private boolean takenOver(Exchange exchange) {
        Optional<StoredJob> taken = clerk.takeOverUnsent(JobExchange.state(exchange));
        if (taken.isPresent()) {
            JobExchange.update(exchange, JobState::inLedger);
        }
        // no owner: the instance let go of it when it started again
        taken.ifPresent(job -> logTakenOver(job.key(),
                job.owner() == null ? "an earlier run of an instance" : job.owner()));
        return taken.isPresent();
    }

    private static void logTakenOver(JobKey key, String receivedBy) {
        LOG.warn("Job {} was received by {}, which stopped renewing its lease before sending it: sent from here, once",
                key, receivedBy);
    }

    /** The job ends as the ledger says it ended; one delivered already answers with its earlier result. */
    private static void endAsInLedger(Exchange exchange, StoredJob job) {
        exchange.setProperty(JobExchange.OUTCOME, outcomeOf(job));
        if (job.phase() == JobPhase.DELIVERED) {
            String image = job.key().jobId() + "." + job.state().job().imageExtension();
            exchange.setProperty(JobExchange.RECORD, ResultRecord.of(job.state(), image, job.finishedAt()));
        }
    }

    private static JobOutcome outcomeOf(StoredJob job) {
        String id = job.key().jobId();
        if (job.phase() == JobPhase.DELIVERED) {
            EditJob edit = job.state().job();
            return JobOutcome.completed(id, id + "." + edit.imageExtension(), id + ".json");
        }
        return JobOutcome.failed(id, "the job failed (see " + id + ".error.json)", id + ".error.json");
    }

    private static String inUse(StoredJob job) {
        return "id \"" + job.key().jobId() + "\" is in use by another job (" + where(job) + ") with another request: "
               + "give this job an id of its own";
    }

    private static String where(StoredJob job) {
        StringBuilder where = new StringBuilder("from ").append(job.state().draft().sourceFile());
        if (job.state().result() != null) {
            where.append(", RunPod job ").append(job.state().result().id());
        }
        where.append(", ").append(job.phase().name().toLowerCase(Locale.ROOT).replace('_', ' '));
        if (job.phase() == JobPhase.DELIVERED) {
            String sink = job.route() != null && job.route().completedSink() != null ? job.route().completedSink()
                    : "its sink";
            where.append(" to ").append(sink.contains("?") ? sink.substring(0, sink.indexOf('?')) : sink);
        }
        return where.toString();
    }
}
