package dev.nanobanana.camel.job;

import java.nio.file.Path;
import java.time.Instant;

import dev.nanobanana.camel.runpod.RunpodResult;
import dev.nanobanana.camel.runpod.RunsyncRequest;
import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * Everything known about one job, as one value that each step replaces: the job as written, the request sent, what
 * RunPod answered last and where the image is kept.
 *
 * @param draft the job as read from its file (its id, file and fields)
 * @param job the validated job, once it is valid
 * @param request the runsync body, once built
 * @param result RunPod's latest answer
 * @param imageUrl where RunPod put the image, when it gave a URL
 * @param keptImage the image in the spool, once it is there
 * @param imageStored whether the image is in the completed sink already (its record may not be)
 * @param inDoubt for a failed job, whether it may have reached RunPod (and been paid for) though no answer says so
 * @param errorRecordWritten whether the job's error record is in its failed sink: a job delivered after all (its sink
 *     came back, or its paid image was fetched later) has it removed there
 * @param route the way the job came and where its results go
 * @param admitted whether the ledger admitted the job: from then on each change of its state is written there
 * @param progress how its way is going now: the step, the attempts, the polls
 */
public record JobState(
        JobDraft draft,
        JobPhase phase,
        EditJob job,
        RunsyncRequest request,
        RunpodResult result,
        String imageUrl,
        Path keptImage,
        boolean imageStored,
        Instant receivedAt,
        Instant submittedAt,
        boolean inDoubt,
        boolean errorRecordWritten,
        // kept by the ledger in a column of its own
        @JsonIgnore JobRoute route,
        boolean admitted,
        // how the step in hand is going: a job resumed after a restart starts its step afresh
        @JsonIgnore JobProgress progress) {

    public JobState {
        progress = progress != null ? progress : JobProgress.START;
    }

    public static JobState received(JobDraft draft, JobRoute route, Instant now) {
        return new JobState(draft, JobPhase.RECEIVED, null, null, null, null, null, false, now, null, false, false,
                route, false, JobProgress.START);
    }

    public String jobId() {
        return draft.id();
    }

    /** What names the job in the ledger: the route that took it, and its id. */
    public JobKey key() {
        return new JobKey(route != null && route.source() != null ? route.source() : "direct", draft.id());
    }

    public JobStep step() {
        return progress.step();
    }

    /** Whether the job's image is paid for and kept in the spool, not yet in its sink. */
    public boolean paidAndKept() {
        return phase == JobPhase.RESULT_RECEIVED && keptImage != null && java.nio.file.Files.exists(keptImage);
    }

    /**
     * Whether RunPod completed the job, so that it was paid for, and its image, given by URL, reached neither its sink
     * nor the spool: a download that failed for good. RunPod keeps such an image for 7 days.
     */
    public boolean paidImageNotFetched() {
        return phase == JobPhase.FAILED && !inDoubt && result != null && result.isCompleted() && !imageStored
               && (keptImage == null || !java.nio.file.Files.exists(keptImage))
               && result.imageRef().filter(ref -> ref.regionMatches(true, 0, "http", 0, 4)).isPresent();
    }

    /** A failed job whose paid image is to be fetched again: its result is in, its image not kept yet. */
    public JobState reopenedToFetch() {
        return new JobState(draft, JobPhase.RESULT_RECEIVED, job, request, result, imageUrl, null, false, receivedAt,
                submittedAt, false, errorRecordWritten, route, admitted, progress);
    }

    public JobState withJob(EditJob job, RunsyncRequest request) {
        return new JobState(draft, phase, job, request, result, imageUrl, keptImage, imageStored, receivedAt,
                submittedAt, inDoubt, errorRecordWritten, route, admitted, progress);
    }

    public JobState submitting(Instant now) {
        return new JobState(draft, JobPhase.SUBMITTING, job, request, result, imageUrl, keptImage, imageStored,
                receivedAt, now, inDoubt, errorRecordWritten, route, admitted, progress);
    }

    /** RunPod's answer to a submit or a poll: the job has an id from now on. */
    public JobState answered(RunpodResult answer) {
        return new JobState(draft, JobPhase.SUBMITTED, job, request, answer, imageUrl, keptImage, imageStored,
                receivedAt, submittedAt, inDoubt, errorRecordWritten, route, admitted, progress);
    }

    public JobState withImageUrl(String url) {
        return new JobState(draft, phase, job, request, result, url, keptImage, imageStored, receivedAt,
                submittedAt, inDoubt, errorRecordWritten, route, admitted, progress);
    }

    public JobState kept(Path image) {
        return new JobState(draft, JobPhase.RESULT_RECEIVED, job, request, result, imageUrl, image, imageStored,
                receivedAt, submittedAt, inDoubt, errorRecordWritten, route, admitted, progress);
    }

    public JobState withImageStored() {
        return new JobState(draft, phase, job, request, result, imageUrl, keptImage, true, receivedAt, submittedAt,
                inDoubt, errorRecordWritten, route, admitted, progress);
    }

    public JobState delivered() {
        return new JobState(draft, JobPhase.DELIVERED, job, request, result, imageUrl, keptImage, imageStored,
                receivedAt, submittedAt, inDoubt, errorRecordWritten, route, admitted, progress);
    }

    /** The job's error record reached its failed sink. */
    public JobState withErrorRecord() {
        return new JobState(draft, phase, job, request, result, imageUrl, keptImage, imageStored, receivedAt,
                submittedAt, inDoubt, true, route, admitted, progress);
    }

    /** The job's error record is gone from its failed sink, or replaced by a note that the job was delivered. */
    public JobState withoutErrorRecord() {
        return new JobState(draft, phase, job, request, result, imageUrl, keptImage, imageStored, receivedAt,
                submittedAt, inDoubt, false, route, admitted, progress);
    }

    /** The same job, where its route says it goes. */
    public JobState withRoute(JobRoute changed) {
        return new JobState(draft, phase, job, request, result, imageUrl, keptImage, imageStored, receivedAt,
                submittedAt, inDoubt, errorRecordWritten, changed, admitted, progress);
    }

    /** The ledger admitted the job, or handed it back: each change is written there from now on. */
    public JobState inLedger() {
        return new JobState(draft, phase, job, request, result, imageUrl, keptImage, imageStored, receivedAt,
                submittedAt, inDoubt, errorRecordWritten, route, true, progress);
    }

    public JobState withProgress(JobProgress changed) {
        return new JobState(draft, phase, job, request, result, imageUrl, keptImage, imageStored, receivedAt,
                submittedAt, inDoubt, errorRecordWritten, route, admitted, changed);
    }

    /** @param outcomeUnknown whether the job may have reached RunPod though no answer says so */
    public JobState failed(boolean outcomeUnknown) {
        return new JobState(draft, JobPhase.FAILED, job, request, result, imageUrl, keptImage, imageStored,
                receivedAt, submittedAt, outcomeUnknown, errorRecordWritten, route, admitted, progress);
    }
}
