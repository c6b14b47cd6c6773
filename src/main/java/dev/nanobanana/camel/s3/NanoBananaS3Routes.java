package dev.nanobanana.camel.s3;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.aws2.s3.AWS2S3Constants;
import org.apache.camel.component.aws2.s3.AWS2S3Endpoint;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;

import dev.nanobanana.camel.egress.Egress;
import dev.nanobanana.camel.pipeline.JobExchange;
import dev.nanobanana.camel.pipeline.NanoBananaRoutes;
import dev.nanobanana.camel.job.JobFileFailedException;
import dev.nanobanana.camel.settings.NanoBananaSettings;
import dev.nanobanana.camel.settings.S3Settings;

/**
 * What a job file from S3 needs beyond the pipeline, since the S3 consumer has no {@code moveFailed}: the object is
 * moved to {@code .done/} or {@code .failed/} beside it once each of its jobs reached a sink, and an object is taken
 * once only, whatever happens to the move, and by one instance at a time ({@link S3ObjectClaims}). Binds the S3 client ({@code nanobananaS3}) the route files use, and the
 * {@code s3://} image references. Add it to a context whose properties hold {@code nanobanana.s3.*}.
 */
public class NanoBananaS3Routes extends RouteBuilder {

    /** A job file read by an aws2-s3 consumer: send it here rather than to the pipeline itself. */
    public static final String S3_JOB_FILE = "direct:nanobanana-s3-job-file";
    public static final String CLIENT = "nanobananaS3";

    private static final String FOLDER = "NanoBananaJobFileFolder";

    @Override
    public void configure() {
        S3Settings settings = NanoBananaSettings.of(getContext()).s3();
        S3Client client = S3Clients.forEndpoints(settings, Egress.of(NanoBananaSettings.of(getContext()).egress()));
        bindToRegistry(CLIENT, client);
        bindToRegistry("nanobananaS3Images", new S3ImageReferences(client, S3Clients.presigner(settings),
                settings.presignTtl()));

        S3ObjectClaims claims = new S3ObjectClaims(getContext());
        from(S3_JOB_FILE).routeId("nanobanana-s3-job-file")
                .filter(exchange -> claims.take(exchange, clientOf(exchange)))
                    .doTry()
                        .to(NanoBananaRoutes.JOB_FILE)
                        .setProperty(FOLDER, constant(".done"))
                    .doCatch(JobFileFailedException.class)
                        .setProperty(FOLDER, constant(".failed"))
                    .end()
                    .choice()
                        .when(JobExchange::leftForNextStart)
                            // the runtime is stopping: the object stays, for the next start or another instance
                            .process(claims::giveBack)
                        .otherwise()
                            .process(this::moveJobFile)
                            .process(claims::release)
                    .end()
                .end();
    }

    /** The client of the consumer that read the object. */
    private S3Client clientOf(Exchange exchange) {
        return exchange.getFromEndpoint() instanceof AWS2S3Endpoint endpoint ? endpoint.getS3Client()
                : getContext().getRegistry().lookupByNameAndType(CLIENT, S3Client.class);
    }

    /** Moves {@code inbox/shoe.json} to {@code inbox/.done/shoe.json} (or {@code .failed/}), with the consumer's client. */
    private void moveJobFile(Exchange exchange) {
        String bucket = exchange.getIn().getHeader(AWS2S3Constants.BUCKET_NAME, String.class);
        String key = exchange.getIn().getHeader(AWS2S3Constants.KEY, String.class);
        int slash = key.lastIndexOf('/');
        String target = key.substring(0, slash + 1) + exchange.getProperty(FOLDER, String.class) + "/"
                        + key.substring(slash + 1);
        S3Client client = clientOf(exchange);
        try {
            client.copyObject(CopyObjectRequest.builder().sourceBucket(bucket).sourceKey(key)
                    .destinationBucket(bucket).destinationKey(target).build());
            client.deleteObject(DeleteObjectRequest.builder().bucket(bucket).key(key).build());
        } catch (RuntimeException e) {
            log.warn("s3://{}/{} could not be moved to {}: {}. It stays where it is and is not taken again while "
                     + "the runtime runs", bucket, key, target, e.getMessage());
        }
    }
}
