package dev.nanobanana.camel.status;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import dev.nanobanana.camel.json.Json;
import dev.nanobanana.camel.job.EditJob;
import dev.nanobanana.camel.job.JobPhase;
import dev.nanobanana.camel.ledger.StoredJob;
import dev.nanobanana.camel.runpod.RunpodResult;

/**
 * Where a job's results are, as its ledger entry says: the image and record in its completed sink, or its error record
 * in its failed sink. Only folder sinks on this machine have files to show; every name comes from the ledger (the
 * job's id and format, its sink's folder), none from a request. Only a regular file that lies in the sink's folder is
 * shown, never a link: a link there could lead anywhere on the machine (the inbox refuses links for the same reason).
 */
final class JobResults {


    private JobResults() {
    }

    /** The delivered image of a job in a folder sink, if it is there. */
    static Optional<Path> image(StoredJob stored) {
        EditJob job = stored.state().job();
        if (stored.phase() != JobPhase.DELIVERED || job == null) {
            return Optional.empty();
        }
        return inSink(stored, stored.route().completedSink(), job.id() + "." + job.imageExtension());
    }

    /** The record of a delivered job ({@code <id>.json}), or the error record of a failed one. */
    static Optional<Path> record(StoredJob stored) {
        String id = stored.key().jobId();
        return switch (stored.phase()) {
            case DELIVERED -> inSink(stored, stored.route().completedSink(), id + ".json");
            case FAILED -> inSink(stored, stored.route().failedSink(), id + ".error.json");
            default -> Optional.empty();
        };
    }

    /** The sink a delivered job's image went to, as a person may see it. */
    static String completedSink(StoredJob stored) {
        return SinkFolder.shown(stored.route().completedSink());
    }

    /**
     * Why a failed job failed, and at which step: from its error record when it is in a folder, else what the ledger
     * knows (RunPod's error text, an outcome in doubt).
     */
    static Failure failure(StoredJob stored) {
        Optional<JsonNode> record = record(stored).flatMap(JobResults::read);
        if (record.isPresent() && record.get().hasNonNull("reason")) {
            return new Failure(record.get().path("reason").asText(), record.get().path("step").asText(null));
        }
        RunpodResult result = stored.state().result();
        if (result != null && result.errorText().isPresent()) {
            return new Failure("RunPod reports the job " + result.status() + ": " + result.errorText().get(), null);
        }
        if (stored.state().inDoubt()) {
            return new Failure("outcome unknown: RunPod may have run and charged it", null);
        }
        return new Failure("see its error record in " + SinkFolder.shown(stored.route().failedSink()),
                null);
    }

    static Optional<JsonNode> read(Path record) {
        try (InputStream in = open(record)) {
            return Optional.of(Json.MAPPER.readTree(in));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Opens a file found here; fails if it was replaced by a link since. */
    static InputStream open(Path file) throws IOException {
        return Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS);
    }

    private static Optional<Path> inSink(StoredJob stored, String sink, String fileName) {
        return SinkFolder.of(sink).flatMap(folder -> {
            Path base = folder.toAbsolutePath().normalize();
            Path file = base.resolve(fileName).normalize();
            // ids cannot hold a separator or "..", so this holds; it is checked all the same
            if (!base.equals(file.getParent()) || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                return Optional.empty();
            }
            try {
                // the sink's folder may itself be a link (to a bigger disk); the file must really be in it
                return file.toRealPath().getParent().equals(base.toRealPath()) ? Optional.of(file) : Optional.empty();
            } catch (IOException e) {
                return Optional.empty();
            }
        });
    }

    /** @param step what was being done, when the error record says */
    record Failure(String reason, String step) {
    }
}
