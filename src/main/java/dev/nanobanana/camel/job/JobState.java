package dev.nanobanana.camel.job;

import java.nio.file.Path;
import java.time.Instant;

import dev.nanobanana.camel.runpod.RunpodResult;
import dev.nanobanana.camel.runpod.RunsyncRequest;

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
        boolean errorRecordWritten) {

    public static JobState received(JobDraft draft, Instant now) {
        return new JobState(draft, JobPhase.RECEIVED, null, null, null, null, null, false, now, null, false, false);
    }

    public String jobId() {
        return draft.id();
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
                submittedAt, false, errorRecordWritten);
    }

    public JobState withJob(EditJob job, RunsyncRequest request) {
        return new JobState(draft, phase, job, request, result, imageUrl, keptImage, imageStored, receivedAt,
                submittedAt, inDoubt, errorRecordWritten);
    }

    public JobState submitting(Instant now) {
        return new JobState(draft, JobPhase.SUBMITTING, job, request, result, imageUrl, keptImage, imageStored,
                receivedAt, now, inDoubt, errorRecordWritten);
    }

    /** RunPod's answer to a submit or a poll: the job has an id from now on. */
    public JobState answered(RunpodResult answer) {
        return new JobState(draft, JobPhase.SUBMITTED, job, request, answer, imageUrl, keptImage, imageStored,
                receivedAt, submittedAt, inDoubt, errorRecordWritten);
    }

    public JobState withImageUrl(String url) {
        return new JobState(draft, phase, job, request, result, url, keptImage, imageStored, receivedAt,
                submittedAt, inDoubt, errorRecordWritten);
    }

    public JobState kept(Path image) {
        return new JobState(draft, JobPhase.RESULT_RECEIVED, job, request, result, imageUrl, image, imageStored,
                receivedAt, submittedAt, inDoubt, errorRecordWritten);
    }

    public JobState withImageStored() {
        return new JobState(draft, phase, job, request, result, imageUrl, keptImage, true, receivedAt, submittedAt,
                inDoubt, errorRecordWritten);
    }

    public JobState delivered() {
        return new JobState(draft, JobPhase.DELIVERED, job, request, result, imageUrl, keptImage, imageStored,
                receivedAt, submittedAt, inDoubt, errorRecordWritten);
    }

    /** The job's error record reached its failed sink. */
    public JobState withErrorRecord() {
        return new JobState(draft, phase, job, request, result, imageUrl, keptImage, imageStored, receivedAt,
                submittedAt, inDoubt, true);
    }

    /** The job's error record is gone from its failed sink, or replaced by a note that the job was delivered. */
    public JobState withoutErrorRecord() {
        return new JobState(draft, phase, job, request, result, imageUrl, keptImage, imageStored, receivedAt,
                submittedAt, inDoubt, false);
    }

    /** @param outcomeUnknown whether the job may have reached RunPod though no answer says so */
    public JobState failed(boolean outcomeUnknown) {
        return new JobState(draft, JobPhase.FAILED, job, request, result, imageUrl, keptImage, imageStored,
                receivedAt, submittedAt, outcomeUnknown, errorRecordWritten);
    }
}
