package dev.nanobanana.emulator;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nanobanana.camel.runpod.RunpodStatus;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/** RunPod's serverless job API for the edit endpoint, one method per operation, each giving the answer to send. */
final class JobApi {

    private static final long MIN_WAIT_MILLIS = 1_000;
    private static final long MAX_WAIT_MILLIS = 300_000;

    private final EditInputParser parser = new EditInputParser();
    private final JobBoard board;
    private final FaultQueue faults;
    private final JobView view;
    private final Duration runsyncWait;
    private final EmulatorClock clock;
    private final Executor answerThreads;

    JobApi(JobBoard board, FaultQueue faults, JobView view, Duration runsyncWait, EmulatorClock clock,
           Executor answerThreads) {
        this.board = board;
        this.faults = faults;
        this.view = view;
        this.runsyncWait = runsyncWait;
        this.clock = clock;
        this.answerThreads = answerThreads;
    }

    /**
     * Answers when the job ends or the wait window closes; meanwhile no thread waits for it.
     *
     * @param origin where the client reached the emulator: its image URLs start there
     */
    CompletableFuture<Reply> runsync(RequestBody body, String query, String origin) {
        String id = "sync-" + UUID.randomUUID() + "-u1";
        EditInput input;
        try {
            input = accept(body);
        } catch (InvalidInputException e) {
            return CompletableFuture.completedFuture(Reply.json(400, JobView.rejected(id, e.getMessage())));
        }
        Job job = board.submit(id, Operation.RUNSYNC, input, faults.takeJobFault(Operation.RUNSYNC));
        return clock.firstOf(job.ended(), waitWindow(query)).thenApplyAsync(over -> runsyncAnswer(job, origin),
                answerThreads);
    }

    Reply run(RequestBody body) {
        String id = UUID.randomUUID().toString();
        try {
            Job job = board.submit(id, Operation.RUN, accept(body), faults.takeJobFault(Operation.RUN));
            return Reply.json(200, JobView.state(job.id(), RunpodStatus.IN_QUEUE));
        } catch (InvalidInputException e) {
            return Reply.json(400, JobView.rejected(id, e.getMessage()));
        }
    }

    Reply status(String id, String origin) {
        return board.find(id)
                .map(job -> Reply.json(200, delivered(job, view.of(job, origin))))
                .orElseGet(() -> unknownJob(id));
    }

    /** A queued or running job becomes CANCELLED; an ended one stays as it is. */
    Reply cancel(String id) {
        return board.find(id)
                .map(job -> {
                    board.cancel(job);
                    return Reply.json(200, JobView.state(id, job.status()));
                })
                .orElseGet(() -> unknownJob(id));
    }

    /** Job counts by state; every job runs at once, so a worker is idle only when no job is in progress. */
    Reply health() {
        Map<RunpodStatus, Long> counts = board.countByStatus();
        long inProgress = counts.get(RunpodStatus.IN_PROGRESS);
        ObjectNode health = JsonNodeFactory.instance.objectNode();
        health.putObject("jobs")
                .put("completed", counts.get(RunpodStatus.COMPLETED))
                .put("failed", counts.get(RunpodStatus.FAILED))
                .put("inProgress", inProgress)
                .put("inQueue", counts.get(RunpodStatus.IN_QUEUE))
                .put("retried", 0);
        health.putObject("workers")
                .put("idle", inProgress == 0 ? 1 : 0)
                .put("running", inProgress);
        return Reply.json(200, health);
    }

    /** The image of a completed job, by file name {@code <jobId>.<png|jpeg>}. */
    Reply image(String fileName) {
        int dot = fileName.lastIndexOf('.');
        Optional<Job> job = dot < 0 ? Optional.empty() : board.find(fileName.substring(0, dot));
        Optional<EncodedImage> image = job.flatMap(Job::image)
                .filter(encoded -> encoded.format().wireName().equals(fileName.substring(dot + 1)));
        if (image.isEmpty()) {
            return Reply.error(404, "No image " + fileName);
        }
        board.imageDelivered(job.get());
        return Reply.image(image.get());
    }

    private Reply runsyncAnswer(Job job, String origin) {
        if (board.isClosed()) {
            // the emulator is stopping: the client's connection is dropped, it is not told anything
            throw new CancellationException("RunPod emulator is closing");
        }
        ObjectNode answer = delivered(job, view.of(job, origin));
        return Reply.json(runsyncStatus(job, answer), answer);
    }

    /** An answer that carries the image inline delivers it as a download would. */
    private ObjectNode delivered(Job job, ObjectNode answer) {
        if (job.input().base64Output() && job.image().isPresent()) {
            board.imageDelivered(job);
        }
        return answer;
    }

    private EditInput accept(RequestBody body) throws InvalidInputException {
        if (body.tooLarge()) {
            throw new InvalidInputException("Request body exceeds the payload limit of "
                    + body.limit() / (1024 * 1024) + " MB");
        }
        return parser.parse(body.bytes());
    }

    /** RunPod's {@code ?wait=<ms>}, clamped to 1-300 s; absent or not a number means the configured window. */
    private Duration waitWindow(String query) {
        return Arrays.stream(query == null ? new String[0] : query.split("&"))
                .filter(parameter -> parameter.matches("wait=\\d{1,9}"))
                .map(parameter -> Long.parseLong(parameter.substring("wait=".length())))
                .map(millis -> Duration.ofMillis(Math.max(MIN_WAIT_MILLIS, Math.min(MAX_WAIT_MILLIS, millis))))
                .findFirst()
                .orElse(runsyncWait);
    }

    /** A job failed by a {@code jobFails(status, ...)} fault answers runsync with that status. */
    private static int runsyncStatus(Job job, ObjectNode answer) {
        boolean failed = answer.path("status").asText().equals(RunpodStatus.FAILED.name());
        if (failed && job.fault().orElse(null) instanceof Fault.JobFails fails) {
            return fails.httpStatus();
        }
        return 200;
    }

    private static Reply unknownJob(String id) {
        return Reply.error(404, "No job with id " + id);
    }
}
