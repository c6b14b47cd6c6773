package dev.nanobanana.camel.job;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A job as read from a job file, before validation: its id (always safe to use as a file name), the file it came
 * from, its fields, and a problem found while reading it, if any.
 */
public record JobDraft(String id, String sourceFile, ObjectNode fields, String problem) {

    public static JobDraft of(String id, String sourceFile, ObjectNode fields) {
        return new JobDraft(id, sourceFile, fields, null);
    }

    public static JobDraft unreadable(String id, String sourceFile, String problem) {
        return new JobDraft(id, sourceFile, null, problem);
    }
}
