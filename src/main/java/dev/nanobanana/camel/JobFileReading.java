package dev.nanobanana.camel;

import java.util.List;
import java.util.Locale;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.nanobanana.camel.job.JobDraft;
import dev.nanobanana.camel.job.JobReader;

/**
 * Reads a job file that any source picked up (a folder, SFTP, S3, or a message) into its jobs, named after the file:
 * {@code CamelFileName} for files, the object key's file name for S3 ({@code inbox/shoe.json} gives {@code shoe}).
 */
final class JobFileReading implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(NanoBananaRoutes.class);
    private static final String S3_KEY = "CamelAwsS3Key";
    private static final String S3_BUCKET = "CamelAwsS3BucketName";
    private static final String REMOTE_HOST = "CamelFileHost";

    private final JobReader reader = new JobReader();

    @Override
    public void process(Exchange exchange) {
        String s3Key = exchange.getIn().getHeader(S3_KEY, String.class);
        String name = s3Key != null ? s3Key : exchange.getIn().getHeader(Exchange.FILE_NAME, String.class);
        String source = sourceFile(exchange, s3Key, name);
        if ("file".equals(scheme(exchange))) {
            exchange.setProperty(JobExchange.LOCAL_FOLDER, exchange.getIn().getHeader(Exchange.FILE_PARENT,
                    String.class));
        }
        byte[] content = exchange.getIn().getBody(byte[].class);
        List<JobDraft> drafts = reader.read(source, content == null ? new byte[0] : content);
        LOG.info("{}: {} job(s)", source, drafts.size());
        exchange.getIn().setBody(drafts);
    }

    /** Where the file came from, as a person would find it: {@code inbox/shoe.json}, {@code s3://bucket/key}... */
    private static String sourceFile(Exchange exchange, String s3Key, String name) {
        if (s3Key != null) {
            return "s3://" + exchange.getIn().getHeader(S3_BUCKET, "", String.class) + "/" + s3Key;
        }
        String path = exchange.getIn().getHeader(Exchange.FILE_PATH, name, String.class);
        String host = exchange.getIn().getHeader(REMOTE_HOST, String.class);
        return host == null || path == null ? path : scheme(exchange) + "://" + host + "/" + path;
    }

    private static String scheme(Exchange exchange) {
        if (exchange.getFromEndpoint() == null) {
            return "";
        }
        String uri = exchange.getFromEndpoint().getEndpointUri();
        return uri.substring(0, Math.max(0, uri.indexOf(':'))).toLowerCase(Locale.ROOT);
    }
}
