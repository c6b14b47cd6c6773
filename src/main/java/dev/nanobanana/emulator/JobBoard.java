package dev.nanobanana.emulator;

import dev.nanobanana.camel.runpod.RunpodStatus;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The jobs the emulator remembers: each is handed to the worker, ends once its run time is over, and is forgotten
 * once nobody needs it any more (see {@link EmulatorSettings#imageGrace()} and the result TTLs).
 */
final class JobBoard implements AutoCloseable {

    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final JobCounts counts = new JobCounts();
    private final EmulatorSettings settings;
    private final EmulatorClock clock;
    private final JobWorker worker;
    private volatile boolean closed;

    JobBoard(EmulatorSettings settings, EmulatorClock clock, JobWorker worker) {
        this.settings = settings;
        this.clock = clock;
        this.worker = worker;
    }

    Job submit(String id, Operation submittedBy, EditInput input, Optional<Fault> fault) {
        Job job = new Job(id, submittedBy, input, fault, settings.queueDelay());
        jobs.put(id, job);
        counts.started();
        Duration runTime = settings.latency();
        if (fault.orElse(null) instanceof Fault.JobRunsFor runsFor) {
            runTime = runsFor.duration();
        } else if (fault.orElse(null) instanceof Fault.JobTimesOut timesOut) {
            runTime = timesOut.after();
        }
        worker.outcomeOf(job, clock.after(settings.queueDelay().plus(runTime))).thenAccept(outcome -> end(job, outcome));
        return job;
    }

    Optional<Job> find(String id) {
        return Optional.ofNullable(jobs.get(id));
    }

    /** A queued or running job becomes CANCELLED; an ended one stays as it is. */
    void cancel(Job job) {
        end(job, new JobOutcome.Cancelled());
    }

    /** The job's image went out; after a grace for a retried download the job can go. */
    void imageDelivered(Job job) {
        if (job.firstDelivery()) {
            forgetAfter(job, settings.imageGrace());
        }
    }

    Map<RunpodStatus, Long> countByStatus() {
        Map<RunpodStatus, Long> byStatus = new EnumMap<>(RunpodStatus.class);
        for (RunpodStatus status : RunpodStatus.values()) {
            byStatus.put(status, 0L);
        }
        jobs.values().forEach(job -> byStatus.merge(job.status(), 1L, Long::sum));
        return byStatus;
    }

    JobCounts counts() {
        return counts;
    }

    /** Jobs still remembered, ended or not. */
    int kept() {
        return jobs.size();
    }

    boolean isClosed() {
        return closed;
    }

    /** From now on no job ends: the emulator is stopping, and that must not look like a job that failed. */
    @Override
    public void close() {
        closed = true;
    }

    private void end(Job job, JobOutcome outcome) {
        if (closed) {
            return;
        }
        if (job.end(outcome)) {
            counts.end(outcome.status());
            forgetAfter(job, settings.resultTtl(job.submittedBy()));
        }
    }

    /** The earlier of the result TTL and the image grace wins; the later finds the job gone. */
    private void forgetAfter(Job job, Duration delay) {
        clock.schedule(() -> jobs.remove(job.id(), job), delay);
    }
}
