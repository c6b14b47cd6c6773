package dev.nanobanana.camel.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.nanobanana.camel.job.JobDraft;
import dev.nanobanana.camel.job.JobIds;
import dev.nanobanana.camel.job.JobReader;
import dev.nanobanana.camel.job.ByteSizes;

/**
 * Reads a job file that any source picked up (a folder, SFTP, S3, or a message) into its jobs, named after the file:
 * {@code CamelFileName} for files, the object key's file name for S3 ({@code inbox/shoe.json} gives {@code shoe}).
 * Nothing is read that could stall or sink the runtime: a file over the size limit, a link or a FIFO becomes one
 * failed job that says why, without its content being read.
 */
final class JobFileReading implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(NanoBananaRoutes.class);
    private static final String S3_KEY = "CamelAwsS3Key";
    private static final String S3_BUCKET = "CamelAwsS3BucketName";
    private static final String S3_LENGTH = "CamelAwsS3ContentLength";
    private static final String REMOTE_HOST = "CamelFileHost";

    private final JobReader reader = new JobReader();
    private final long maxBytes;

    JobFileReading(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    @Override
    public void process(Exchange exchange) throws IOException {
        String s3Key = exchange.getIn().getHeader(S3_KEY, String.class);
        String name = s3Key != null ? s3Key : exchange.getIn().getHeader(Exchange.FILE_NAME, String.class);
        String source = sourceFile(exchange, s3Key, name);
        boolean local = "file".equals(scheme(exchange));
        if (local) {
            exchange.setProperty(JobExchange.LOCAL_FOLDER, exchange.getIn().getHeader(Exchange.FILE_PARENT,
                    String.class));
        }
        String refusal = local ? refusalOfLocalFile(exchange, source) : refusalBySize(declaredSize(exchange), source);
        byte[] content = refusal == null ? read(exchange) : null;
        if (refusal == null && content.length > maxBytes) {
            refusal = tooBig(source, content.length);
        }
        List<JobDraft> drafts = refusal != null
                ? List.of(JobDraft.unreadable(JobIds.fromFileName(source), source, refusal))
                : reader.read(source, content);
        LOG.info("{}: {} job(s)", source, drafts.size());
        exchange.getIn().setBody(drafts);
    }

    /** Reads at most one byte more than the limit, so that a body of unknown size can never fill the heap. */
    private byte[] read(Exchange exchange) throws IOException {
        Object body = exchange.getIn().getBody();
        if (body instanceof byte[] bytes) {
            return bytes;
        }
        if (body instanceof String text) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        try (InputStream in = exchange.getIn().getBody(InputStream.class)) {
            return in == null ? new byte[0] : in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
        }
    }

    private String refusalOfLocalFile(Exchange exchange, String source) throws IOException {
        Path file = Path.of(exchange.getIn().getHeader("CamelFileAbsolutePath", String.class));
        if (Files.isSymbolicLink(file)) {
            return source + " is a symbolic link: links in the inbox are not followed; copy the file itself into "
                   + "the inbox";
        }
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return source + " is not a regular file (a FIFO, a device or a socket): only regular files are read";
        }
        return refusalBySize(Files.size(file), source);
    }

    private String refusalBySize(Long size, String source) {
        return size != null && size > maxBytes ? tooBig(source, size) : null;
    }

    private String tooBig(String source, long size) {
        return source + " is " + (size > maxBytes + 1 ? ByteSizes.describe(size) : "over " + ByteSizes.describe(
                maxBytes)) + "; a job file may be at most " + ByteSizes.describe(maxBytes)
               + " (nanobanana.max-job-file-bytes): split it into smaller files, or raise the limit";
    }

    private static Long declaredSize(Exchange exchange) {
        Long s3 = exchange.getIn().getHeader(S3_LENGTH, Long.class);
        return s3 != null ? s3 : exchange.getIn().getHeader(Exchange.FILE_LENGTH, Long.class);
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
