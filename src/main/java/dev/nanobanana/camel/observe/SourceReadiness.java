package dev.nanobanana.camel.observe;

import java.util.Map;
import java.util.stream.Collectors;

import dev.nanobanana.camel.settings.KnownSecrets;
import dev.nanobanana.camel.source.SourceStatus;

/**
 * Ready while every source of job files (the inbox folder, an SFTP server, an S3 bucket) could be read at its last
 * poll, as {@link SourceStatus} knows.
 */
final class SourceReadiness extends ReadinessCheck {

    static final String ID = "nanobanana-sources";

    private final SourceStatus status;

    SourceReadiness(SourceStatus status, KnownSecrets secrets) {
        super(ID, secrets);
        this.status = status;
    }

    @Override
    Verdict verdict() {
        Map<String, String> problems = status.problems();
        if (problems.isEmpty()) {
            return Verdict.up("every source of job files could be read at its last poll");
        }
        return Verdict.down(problems.entrySet().stream()
                .map(problem -> problem.getKey() + " cannot be read: " + problem.getValue())
                .collect(Collectors.joining("; ")));
    }
}
