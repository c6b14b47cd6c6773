package dev.nanobanana.camel.observe;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

import dev.nanobanana.camel.NanoBananaProperties;

/**
 * The values of the settings that are secrets (the API key, the S3 keys, the SFTP password and passphrase, the ledger
 * password), to mask them in what health checks say: a message quotes what a server or a driver said, and that must
 * never carry one of them.
 */
public record KnownSecrets(List<String> values) {

    /** Shorter values are not masked: they would mask ordinary words, and are no secret worth the name. */
    private static final int SHORTEST = 4;
    static final String MASK = "****";

    public KnownSecrets {
        values = values.stream().filter(Objects::nonNull).filter(value -> value.length() >= SHORTEST).distinct()
                // the longest first, so that a secret that holds another is masked whole
                .sorted(Comparator.comparingInt(String::length).reversed())
                .toList();
    }

    /** The secrets of the context's {@code nanobanana.*} settings, and any others given (such as the key in use). */
    public static KnownSecrets of(NanoBananaProperties properties, String... others) {
        return new KnownSecrets(Stream.concat(Stream.of("api-key", "ledger.password", "s3.access-key",
                "s3.secret-key", "sftp.password", "sftp.private-key-passphrase").map(properties::text),
                Stream.of(others)).toList());
    }

    public String mask(String text) {
        if (text == null) {
            return null;
        }
        String masked = text;
        for (String secret : values) {
            masked = masked.replace(secret, MASK);
        }
        return masked;
    }
}
