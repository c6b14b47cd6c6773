package dev.nanobanana.emulator;

/** How a job ended. */
sealed interface JobOutcome {

    JobStatus status();

    /** The job produced an image. */
    record Completed(EncodedImage image, long delayMillis, long executionMillis) implements JobOutcome {
        @Override
        public JobStatus status() {
            return JobStatus.COMPLETED;
        }
    }

    /** The job failed with an error text meant for the client. */
    record Failed(String error, long delayMillis, long executionMillis) implements JobOutcome {
        @Override
        public JobStatus status() {
            return JobStatus.FAILED;
        }
    }

    /** The job was cancelled before it ended. */
    record Cancelled() implements JobOutcome {
        @Override
        public JobStatus status() {
            return JobStatus.CANCELLED;
        }
    }
}
