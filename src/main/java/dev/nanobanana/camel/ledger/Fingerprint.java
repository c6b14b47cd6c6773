package dev.nanobanana.camel.ledger;

import java.io.OutputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import com.fasterxml.jackson.databind.JsonNode;

import dev.nanobanana.camel.runpod.RunsyncRequest;

/**
 * The SHA-256 (hex) of a request as written, over its canonical JSON (keys sorted, no spaces): the ledger tells a job
 * dropped again from another job that reuses its id by it.
 */
public final class Fingerprint {

    private Fingerprint() {
    }

    /** Of the request before its images become the URLs sent on the wire, which change from one run to the next. */
    public static String of(RunsyncRequest request) {
        return digest(request);
    }

    /** Of any JSON, such as the fields of a job that never became a request. */
    public static String of(JsonNode json) {
        return digest(json);
    }

    private static String digest(Object value) {
        MessageDigest sha256 = sha256();
        // streamed: a request with inline images runs to megabytes
        LedgerJson.writeCanonical(value, new DigestOutputStream(OutputStream.nullOutputStream(), sha256));
        return HexFormat.of().formatHex(sha256.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
