package dev.nanobanana.emulator;

import java.time.Duration;
import java.util.Objects;

/**
 * A one-shot misbehaviour of the emulator, injected with {@link RunpodEmulator#inject(Operation, Fault)}.
 *
 * <p>{@link HttpStatus}, {@link DropConnection} and {@link NotJson} replace the answer, so no job is created.
 * {@link StallMidBody} sends the real answer (a runsync creates its job) but stops half-way through it.
 * {@link JobFails}, {@link JobRunsFor} and {@link JobTimesOut} shape the job the request creates and apply to RUNSYNC
 * and RUN only.
 */
public sealed interface Fault {

    /** Answers with {@code status} and a JSON error, plus {@code Retry-After} in whole seconds if {@code retryAfter} is not null. */
    record HttpStatus(int status, Duration retryAfter) implements Fault {
        public HttpStatus {
            requireErrorStatus(status);
            if (retryAfter != null && retryAfter.isNegative()) {
                throw new IllegalArgumentException("retryAfter must not be negative, got " + retryAfter);
            }
        }
    }

    /** Closes the TCP connection without any answer. */
    record DropConnection() implements Fault {
    }

    /**
     * Sends the answer's headers and the first half of its body, then nothing, keeping the connection open until the
     * client closes it or the emulator stops: a CDN or proxy that hangs mid-transfer.
     */
    record StallMidBody() implements Fault {
    }

    /** Answers 200 with an HTML page, as a proxy or gateway in the way might. */
    record NotJson() implements Fault {
    }

    /** The job ends FAILED with {@code error}; runsync answers that with {@code httpStatus}. */
    record JobFails(int httpStatus, String error) implements Fault {
        public JobFails {
            if (httpStatus != 200) {
                requireErrorStatus(httpStatus);
            }
            Objects.requireNonNull(error, "error");
        }
    }

    /** The job runs for {@code duration} instead of the configured latency. */
    record JobRunsFor(Duration duration) implements Fault {
        public JobRunsFor {
            Objects.requireNonNull(duration, "duration");
            if (duration.isNegative()) {
                throw new IllegalArgumentException("duration must not be negative, got " + duration);
            }
        }
    }

    /**
     * The job runs for {@code after}, then ends TIMED_OUT, as RunPod ends a job that passes its execution timeout: no
     * image, no error text.
     */
    record JobTimesOut(Duration after) implements Fault {
        public JobTimesOut {
            Objects.requireNonNull(after, "after");
            if (after.isNegative()) {
                throw new IllegalArgumentException("after must not be negative, got " + after);
            }
        }
    }

    static Fault httpStatus(int status) {
        return new HttpStatus(status, null);
    }

    static Fault httpStatus(int status, Duration retryAfter) {
        return new HttpStatus(status, Objects.requireNonNull(retryAfter, "retryAfter"));
    }

    static Fault dropConnection() {
        return new DropConnection();
    }

    static Fault stallMidBody() {
        return new StallMidBody();
    }

    static Fault notJson() {
        return new NotJson();
    }

    static Fault jobFails(String error) {
        return new JobFails(200, error);
    }

    static Fault jobFails(int httpStatus, String error) {
        return new JobFails(httpStatus, error);
    }

    static Fault jobRunsFor(Duration duration) {
        return new JobRunsFor(duration);
    }

    static Fault jobTimesOut(Duration after) {
        return new JobTimesOut(after);
    }

    /** Whether this fault shapes a job rather than replacing the answer. */
    default boolean shapesJob() {
        return this instanceof JobFails || this instanceof JobRunsFor || this instanceof JobTimesOut;
    }

    private static void requireErrorStatus(int status) {
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("fault HTTP status must be 400-599, got " + status);
        }
    }
}
