package dev.nanobanana.emulator;

import dev.nanobanana.camel.runpod.RunpodStatus;

/** How a job ended. */
sealed interface JobOutcome {

    RunpodStatus status();

    /** The job produced an image. */
    record Completed(EncodedImage image, long delayMillis, long executionMillis) implements JobOutcome {
        @Override
        public RunpodStatus status() {
            return RunpodStatus.COMPLETED;
        }
    }

    /** The job failed with an error text meant for the client. */
    record Failed(String error, long delayMillis, long executionMillis) implements JobOutcome {
        @Override
        public RunpodStatus status() {
            return RunpodStatus.FAILED;
        }
    }

    /** The job ran past RunPod's execution timeout, without an image or an error text. */
    record TimedOut(long delayMillis, long executionMillis) implements JobOutcome {
        @Override
        public RunpodStatus status() {
            return RunpodStatus.TIMED_OUT;
        }
    }

    /** The job was cancelled before it ended. */
    record Cancelled() implements JobOutcome {
        @Override
        public RunpodStatus status() {
            return RunpodStatus.CANCELLED;
        }
    }
}
