package dev.nanobanana.camel.emulator;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Every job the emulator has accepted, each handed to the worker once its queue delay and run time are over. */
final class JobBoard implements AutoCloseable {

    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final Duration latency;
    private final Duration queueDelay;
    private final JobWorker worker;
    private final ScheduledExecutorService scheduler;

    JobBoard(Duration latency, Duration queueDelay) {
        this.latency = latency;
        this.queueDelay = queueDelay;
        this.worker = new JobWorker(queueDelay.toMillis());
        AtomicInteger threads = new AtomicInteger();
        this.scheduler = Executors.newScheduledThreadPool(2, task -> {
            Thread thread = new Thread(task, "runpod-emulator-worker-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    Job submit(String id, EditInput input, Optional<Fault> fault) {
        Job job = new Job(id, input, fault, queueDelay);
        jobs.put(id, job);
        Duration runTime = fault.orElse(null) instanceof Fault.JobRunsFor runsFor ? runsFor.duration() : latency;
        scheduler.schedule(() -> worker.finish(job), queueDelay.plus(runTime).toNanos(), TimeUnit.NANOSECONDS);
        return job;
    }

    Optional<Job> find(String id) {
        return Optional.ofNullable(jobs.get(id));
    }

    Map<JobStatus, Long> countByStatus() {
        Map<JobStatus, Long> counts = new EnumMap<>(JobStatus.class);
        for (JobStatus status : JobStatus.values()) {
            counts.put(status, 0L);
        }
        jobs.values().forEach(job -> counts.merge(job.status(), 1L, Long::sum));
        return counts;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
