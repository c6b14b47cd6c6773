package dev.nanobanana.camel.s3;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.aws2.s3.AWS2S3Constants;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.processor.idempotent.MemoryIdempotentRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import dev.nanobanana.camel.pipeline.PipelineBeans;


/**
 * Which job files in a bucket this instance works on. The S3 consumer lists every object on each poll and moves none:
 * an object is taken once by this instance (one whose move failed stays in the bucket and is not taken again), and
 * by one instance at a time, through a claim in the ledger's database ({@code nanobananaFileClaims}) that is held
 * while its jobs run and taken over when its instance dies.
 */
final class S3ObjectClaims {

    private static final Logger LOG = LoggerFactory.getLogger(S3ObjectClaims.class);

    private final IdempotentRepository taken = MemoryIdempotentRepository.memoryIdempotentRepository(100_000);
    private final CamelContext context;

    S3ObjectClaims(CamelContext context) {
        this.context = context;
    }

    /** Whether this instance works on the exchange's object now; if so, it holds the object's claim. */
    boolean take(Exchange exchange, S3Client client) {
        if (taken.contains(version(exchange))) {
            return false;
        }
        IdempotentRepository claims = claims();
        if (claims != null && !claims.add(exchange, key(exchange))) {
            LOG.debug("{} is claimed by another instance: skipped", key(exchange));
            return false;
        }
        if (!stillThere(exchange, client)) {
            // another instance finished it, and moved it, since this one listed the bucket
            release(exchange);
            return false;
        }
        taken.add(version(exchange));
        return true;
    }

    void release(Exchange exchange) {
        IdempotentRepository claims = claims();
        if (claims != null) {
            claims.remove(exchange, key(exchange));
        }
    }

    /** Lets the object be taken again by this instance too, as when the runtime stopped before its jobs ran. */
    void giveBack(Exchange exchange) {
        release(exchange);
        taken.remove(version(exchange));
    }

    private static boolean stillThere(Exchange exchange, S3Client client) {
        try {
            client.headObject(HeadObjectRequest.builder().bucket(bucket(exchange)).key(objectKey(exchange)).build());
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (RuntimeException e) {
            // the store answers the read that follows, or says why not
            return true;
        }
    }

    private IdempotentRepository claims() {
        return context.getRegistry().lookupByNameAndType(PipelineBeans.FILE_CLAIMS, IdempotentRepository.class);
    }

    /** The object's claim, the same on every instance. */
    private static String key(Exchange exchange) {
        return "s3://" + bucket(exchange) + "/" + objectKey(exchange);
    }

    /** The object as this instance saw it: another upload under the same key is another job file. */
    private static String version(Exchange exchange) {
        return key(exchange) + "@" + exchange.getIn().getHeader(AWS2S3Constants.E_TAG, String.class);
    }

    private static String bucket(Exchange exchange) {
        return exchange.getIn().getHeader(AWS2S3Constants.BUCKET_NAME, String.class);
    }

    private static String objectKey(Exchange exchange) {
        return exchange.getIn().getHeader(AWS2S3Constants.KEY, String.class);
    }
}
