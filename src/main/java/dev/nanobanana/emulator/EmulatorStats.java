package dev.nanobanana.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * Counts since the emulator started, for tests and load tests; also served, without a key, as JSON with the same
 * names at {@code GET /emulator/stats} so that a client in another process can check them.
 *
 * @param requests requests received per operation, those turned away included
 * @param jobsInFlight jobs accepted that have not ended, IN_QUEUE or IN_PROGRESS
 * @param maxConcurrentJobs the most jobs that were in flight at once
 * @param jobsCompleted jobs that ended COMPLETED
 * @param jobsFailed jobs that ended FAILED; a body rejected with HTTP 400 makes no job
 * @param jobsCancelled jobs that ended CANCELLED
 * @param jobsTimedOut jobs that ended TIMED_OUT
 * @param jobsKept jobs the emulator still remembers, ended or not
 */
public record EmulatorStats(Map<Operation, Long> requests, int jobsInFlight, int maxConcurrentJobs,
                            long jobsCompleted, long jobsFailed, long jobsCancelled, long jobsTimedOut,
                            int jobsKept) {

    public EmulatorStats {
        requests = Map.copyOf(requests);
    }

    /** Requests received for one operation. */
    public long requests(Operation operation) {
        return requests.getOrDefault(operation, 0L);
    }

    /** Reads the JSON of {@code GET /emulator/stats}. */
    public static EmulatorStats fromJson(JsonNode json) {
        Map<Operation, Long> requests = new EnumMap<>(Operation.class);
        for (Operation operation : Operation.values()) {
            requests.put(operation, json.path("requests").path(wireName(operation)).asLong());
        }
        return new EmulatorStats(requests, json.path("jobsInFlight").asInt(), json.path("maxConcurrentJobs").asInt(),
                json.path("jobsCompleted").asLong(), json.path("jobsFailed").asLong(),
                json.path("jobsCancelled").asLong(), json.path("jobsTimedOut").asLong(), json.path("jobsKept").asInt());
    }

    ObjectNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        ObjectNode byOperation = json.putObject("requests");
        for (Operation operation : Operation.values()) {
            byOperation.put(wireName(operation), requests(operation));
        }
        return json.put("jobsInFlight", jobsInFlight)
                .put("maxConcurrentJobs", maxConcurrentJobs)
                .put("jobsCompleted", jobsCompleted)
                .put("jobsFailed", jobsFailed)
                .put("jobsCancelled", jobsCancelled)
                .put("jobsTimedOut", jobsTimedOut)
                .put("jobsKept", jobsKept);
    }

    private static String wireName(Operation operation) {
        return operation.name().toLowerCase(Locale.ROOT);
    }
}
