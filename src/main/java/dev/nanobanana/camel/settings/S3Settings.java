package dev.nanobanana.camel.settings;

import java.time.Duration;
import java.util.Locale;

/**
 * The {@code nanobanana.s3.*} settings, a part of {@link NanoBananaSettings}: where the bucket is, how to reach it, and where in it job files arrive and
 * results go. Empty keys mean the AWS SDK's default credentials chain. The store is waited on for at most
 * {@code nanobanana.http.read-timeout} without a byte, as RunPod is.
 */
public record S3Settings(
        boolean enabled,
        String bucket,
        String region,
        String endpointUrl,
        boolean pathStyle,
        String accessKey,
        String secretKey,
        boolean checksumsWhenRequired,
        Duration presignTtl,
        Duration readTimeout) {

    static S3Settings from(NanoBananaProperties properties) {
        boolean enabled = properties.flag("s3.enabled");
        String checksums = properties.text("s3.checksums").toLowerCase(Locale.ROOT);
        if (enabled && !checksums.equals("when-supported") && !checksums.equals("when-required")) {
            throw new IllegalArgumentException("nanobanana.s3.checksums must be when-supported or when-required, not \""
                                               + checksums + "\"");
        }
        String bucket = properties.text("s3.bucket");
        if (enabled && bucket.isEmpty()) {
            throw new IllegalArgumentException("nanobanana.s3.bucket must name the bucket when nanobanana.s3.enabled "
                                               + "is true");
        }
        return new S3Settings(enabled, bucket, properties.text("s3.region"), properties.text("s3.endpoint-url"),
                properties.flag("s3.path-style"), properties.text("s3.access-key"), properties.text("s3.secret-key"),
                checksums.equals("when-required"), properties.duration("s3.presign-ttl"),
                properties.duration("http.read-timeout"));
    }

    public boolean hasKeys() {
        return !accessKey.isEmpty() && !secretKey.isEmpty();
    }

    @Override
    public String toString() {
        // the record's own toString would print the keys
        return "S3Settings[bucket=" + bucket + ", region=" + region + ", endpointUrl=" + endpointUrl + ", keys="
               + (hasKeys() ? "****" : "<default chain>") + "]";
    }
}
