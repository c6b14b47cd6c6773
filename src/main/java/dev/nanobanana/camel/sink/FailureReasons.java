package dev.nanobanana.camel.sink;

import java.io.IOException;
import java.nio.file.Path;

import org.apache.camel.http.base.HttpOperationFailedException;

import dev.nanobanana.camel.JobStep;
import dev.nanobanana.camel.job.InvalidJobException;
import dev.nanobanana.camel.runpod.PollDeadlineExceededException;
import dev.nanobanana.camel.runpod.RunpodJobFailedException;
import dev.nanobanana.camel.runpod.RunpodProtocolException;
import dev.nanobanana.camel.runpod.RunpodResult;
import dev.nanobanana.camel.runpod.TransientFailures;

/** Words a failure so that the person reading the error record knows what happened and what to do. */
final class FailureReasons {

    private FailureReasons() {
    }

    static String of(Throwable failure, JobStep step, int attempts, RunpodResult result, String runpodError,
            Path keptImage) {
        String reason = describe(failure, step, attempts, runpodError);
        if (result != null && result.isCompleted() && (step == JobStep.DOWNLOAD || step == JobStep.STORE)) {
            reason += ". The image was generated and paid for (RunPod job " + result.id()
                      + result.cost().map(cost -> ", $" + cost.toPlainString()).orElse("") + ")";
            if (keptImage != null) {
                reason += "; it is kept in " + keptImage + ": copy it from there";
            } else if (step == JobStep.DOWNLOAD) {
                reason += "; RunPod keeps an image URL for 7 days";
            }
        }
        return reason;
    }

    private static String describe(Throwable failure, JobStep step, int attempts, String runpodError) {
        String tries = attempts > 1 ? " after " + attempts + " attempts" : "";
        if (failure instanceof InvalidJobException) {
            return failure.getMessage() + ". Nothing was sent to RunPod: fix the job and drop it into the inbox again";
        }
        if (failure instanceof RunpodJobFailedException || failure instanceof PollDeadlineExceededException) {
            return failure.getMessage();
        }
        if (failure instanceof RunpodProtocolException) {
            return failure.getMessage() + " (while " + step.description() + ")";
        }
        if (failure instanceof HttpOperationFailedException http) {
            return httpStatus(http.getStatusCode(), step, tries, runpodError);
        }
        if (TransientFailures.isAnswerTimeout(failure) && step == JobStep.SUBMIT) {
            return "no answer in time while " + step.description() + " (" + failure.getMessage() + "). The job was "
                   + "not submitted again, because RunPod may be running it already: look for it in your RunPod "
                   + "console before you drop it again, and raise nanobanana.http.read-timeout if this recurs";
        }
        if (TransientFailures.isAnswerTimeout(failure)) {
            return "no answer in time while " + step.description() + tries + " (" + failure.getMessage()
                   + "); raise nanobanana.http.read-timeout if the network is slow";
        }
        if (failure instanceof IOException) {
            return "I/O error while " + step.description() + tries + ": " + failure.getMessage();
        }
        return step.description() + " failed: " + failure;
    }

    private static String httpStatus(int status, JobStep step, String tries, String runpodError) {
        String said = runpodError == null ? "" : ": " + runpodError;
        boolean runpod = step != JobStep.DOWNLOAD;
        String who = runpod ? "RunPod" : "the image host";
        if (status == 401 || status == 403) {
            return who + " refused the request (HTTP " + status + ") while " + step.description()
                   + (runpod ? ": check the API key (nanobanana.api-key, RUNPOD_API_KEY)" : said);
        }
        if (status == 400) {
            return "RunPod rejected the job (HTTP 400)" + said;
        }
        if (status == 404 && step == JobStep.POLL) {
            return "RunPod no longer knows the job (HTTP 404): its result expired before it could be fetched";
        }
        if (status == 429) {
            return who + " was still rate-limiting (HTTP 429)" + tries + " while " + step.description()
                   + ": lower nanobanana.concurrency or try again later";
        }
        return who + " answered HTTP " + status + tries + " while " + step.description() + said;
    }
}
