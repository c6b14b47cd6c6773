package dev.nanobanana.camel.pipeline;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProducer;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.service.ServiceHelper;

import dev.nanobanana.camel.job.JobDraft;
import dev.nanobanana.camel.job.JobRoute;

/**
 * Runs every job of a job file through the job route, side by side, and completes the file's exchange once each of
 * them has reached a sink. The thread that read the file only hands the jobs over: it never runs one, and it waits
 * only while the jobs already waiting for a slot fill the queue ({@link JobSlots#awaitRoomToWait()}).
 */
final class JobDispatch extends AsyncProcessorSupport {


    private final CamelContext context;
    private final String jobEndpoint;
    private final JobSlots slots;
    private final JobOutcomes outcomes = new JobOutcomes();
    private AsyncProducer producer;

    JobDispatch(CamelContext context, String jobEndpoint, JobSlots slots) {
        this.context = context;
        this.jobEndpoint = jobEndpoint;
        this.slots = slots;
    }

    @Override
    protected void doStart() throws Exception {
        producer = context.getEndpoint(jobEndpoint).createAsyncProducer();
        ServiceHelper.startService(producer);
    }

    @Override
    protected void doStop() throws Exception {
        ServiceHelper.stopService(producer);
    }

    @Override
    public boolean process(Exchange file, AsyncCallback callback) {
        @SuppressWarnings("unchecked")
        List<JobDraft> drafts = file.getIn().getBody(List.class);
        // one count for each job handed over, and one for this thread, so that the last to finish completes the file
        AtomicInteger pending = new AtomicInteger(1);
        for (JobDraft draft : drafts) {
            if (!roomToWait()) {
                file.setProperty(JobExchange.LEFT_FOR_NEXT_START, Boolean.TRUE);
                break;
            }
            Exchange job = jobOf(file, draft);
            pending.incrementAndGet();
            producer.process(job, doneSync -> {
                outcomes.aggregate(null, job, file);
                if (job.getProperty(JobExchange.OUTCOME) == null && slots.isClosed()) {
                    file.setProperty(JobExchange.LEFT_FOR_NEXT_START, Boolean.TRUE);
                }
                if (pending.decrementAndGet() == 0) {
                    finish(file);
                    callback.done(false);
                }
            });
        }
        if (pending.decrementAndGet() == 0) {
            finish(file);
            callback.done(true);
            return true;
        }
        return false;
    }

    /**
     * A file some of whose jobs were never submitted because the runtime is stopping stays where it is, neither in
     * .done nor in .failed: its source's work when the file's exchange ends (moving it) is dropped, and its jobs are
     * taken again at the next start (the ledger knows which ended).
     */
    private void finish(Exchange file) {
        if (JobExchange.leftForNextStart(file) && file.getUnitOfWork() != null) {
            // handed to an exchange that never ends: the source's commit or rollback never runs
            file.getUnitOfWork().handoverSynchronization(new DefaultExchange(context));
        }
    }

    private boolean roomToWait() {
        try {
            return slots.awaitRoomToWait();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private Exchange jobOf(Exchange file, JobDraft draft) {
        Exchange job = new DefaultExchange(context);
        job.getIn().setBody(draft);
        // what the file's source said of its jobs' way: the route that took it, its sinks, the folder it was read from
        job.setProperty(JobExchange.ROUTE, new JobRoute(file.getFromRouteId() != null ? file.getFromRouteId() : "direct",
                file.getProperty(JobExchange.COMPLETED_SINK, String.class),
                file.getProperty(JobExchange.FAILED_SINK, String.class),
                file.getProperty(JobExchange.LOCAL_FOLDER, String.class), true));
        return job;
    }
}
