package dev.nanobanana.camel.runpod;

import java.time.Duration;

/** A job was still queued or running at RunPod when the poll deadline passed; it has been cancelled. */
public class PollDeadlineExceededException extends Exception {

    public PollDeadlineExceededException(RunpodResult last, Duration deadline) {
        super("RunPod job " + last.id() + " did not finish within " + deadline.toSeconds()
              + " s (nanobanana.poll.deadline) and was cancelled; it is " + last.status() + " now");
    }
}
