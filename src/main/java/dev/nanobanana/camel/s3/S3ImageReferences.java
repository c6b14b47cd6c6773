package dev.nanobanana.camel.s3;

import java.io.IOException;
import java.time.Duration;

import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

import dev.nanobanana.camel.job.ImageReferences;
import dev.nanobanana.camel.job.InvalidJobException;

/**
 * Images a job names as {@code s3://bucket/key}: each must exist (a missing one fails the job before anything is
 * sent or paid), and RunPod gets a presigned GET URL valid for {@code nanobanana.s3.presign-ttl}. Records keep the
 * {@code s3://} reference, never a signature.
 */
public final class S3ImageReferences implements ImageReferences {

    private final S3Client client;
    private final S3Presigner presigner;
    private final Duration ttl;

    public S3ImageReferences(S3Client client, S3Presigner presigner, Duration ttl) {
        this.client = client;
        this.presigner = presigner;
        this.ttl = ttl;
    }

    @Override
    public boolean handles(String reference) {
        return reference.startsWith("s3://");
    }

    @Override
    public void check(String reference) throws InvalidJobException, IOException {
        S3Object object = S3Object.of(reference);
        try {
            client.headObject(HeadObjectRequest.builder().bucket(object.bucket()).key(object.key()).build());
        } catch (NoSuchKeyException e) {
            throw new InvalidJobException("\"" + reference + "\" does not exist: no object " + object.key()
                                          + " in bucket " + object.bucket());
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                throw new InvalidJobException("\"" + reference + "\" does not exist: no object " + object.key()
                                              + " in bucket " + object.bucket());
            }
            if (e.statusCode() == 403) {
                throw new InvalidJobException("\"" + reference + "\" cannot be read with the configured S3 "
                                              + "credentials (HTTP 403)");
            }
            throw new IOException("S3 answered HTTP " + e.statusCode() + " about " + reference);
        } catch (SdkClientException e) {
            // S3 out of reach: worth another attempt, like any I/O error
            throw new IOException("S3 could not be reached to check " + reference + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String urlFor(String reference) {
        S3Object object = S3Object.of(reference);
        return presigner.presignGetObject(request -> request.signatureDuration(ttl)
                .getObjectRequest(get -> get.bucket(object.bucket()).key(object.key())))
                .url().toString();
    }

    private record S3Object(String bucket, String key) {

        static S3Object of(String reference) {
            String rest = reference.substring("s3://".length());
            int slash = rest.indexOf('/');
            return new S3Object(rest.substring(0, slash), rest.substring(slash + 1));
        }
    }
}
