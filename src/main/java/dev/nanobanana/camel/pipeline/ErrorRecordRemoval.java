package dev.nanobanana.camel.pipeline;

import java.nio.file.FileSystemException;
import java.time.Clock;

import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.nanobanana.camel.job.JobState;
import dev.nanobanana.camel.sink.DeliveredLaterNote;
import dev.nanobanana.camel.sink.FileRemoval;
import dev.nanobanana.camel.sink.RecordFormat;
import dev.nanobanana.camel.sink.SinkPlaces;

/**
 * Takes back the error record of a job that was delivered after all (its sink came back, or its paid image was fetched
 * later), so that the failed sink lists only what failed. A folder sink ({@code file:}, {@code sftp:}, {@code ftp:})
 * has the file removed; any other sink is sent a message marked {@link #DELIVERED_LATER} that names the record: a
 * sink route that can remove it does (the S3 and SFTP routes do), any other writes its body, a
 * {@link DeliveredLaterNote}, over the record. Best effort: the job is delivered whatever this does, and a record that
 * could not be taken back is said with its path.
 */
public final class ErrorRecordRemoval implements Processor {

    /**
     * A header on a message to a failed sink: the file named by {@code CamelFileName} is an error record whose job was
     * delivered after all. Remove it if you can; the body is the note to write in its place otherwise.
     */
    public static final String DELIVERED_LATER = "NanoBananaDeliveredLater";

    private static final Logger LOG = LoggerFactory.getLogger(ErrorRecordRemoval.class);

    private final CamelContext context;
    private final SinkPlaces places;
    private final Clock clock;

    public ErrorRecordRemoval(CamelContext context, Clock clock) {
        this.context = context;
        this.places = new SinkPlaces(context);
        this.clock = clock;
    }

    /** Whether the exchange's job has an error record in its failed sink. */
    public static boolean hasErrorRecord(Exchange exchange) {
        JobState state = JobExchange.state(exchange);
        return state != null && state.errorRecordWritten();
    }

    @Override
    public void process(Exchange job) {
        JobState state = JobExchange.state(job);
        String sink = state.route().failedSink();
        String file = state.jobId() + ".error.json";
        String where = places.file(sink, file);
        try {
            Endpoint endpoint = context.getEndpoint(sink);
            String completedSink = state.route().completedSink();
            Exchange removal = message(endpoint, state, file, completedSink);
            if (FileRemoval.canRemoveFrom(endpoint)) {
                FileRemoval.remove(endpoint, file, removal);
                LOG.info("Job {} was delivered after all: its error record {} is removed", state.jobId(), where);
            } else {
                send(endpoint, removal);
                LOG.info("Job {} was delivered after all: its error record {} is removed (or, where that sink cannot "
                         + "remove files, replaced by a note saying so)", state.jobId(), where);
            }
            JobExchange.update(job, JobState::withoutErrorRecord);
        } catch (Exception e) {
            LOG.warn("Job {} was delivered, but its error record {} could not be removed ({}): it still says the job "
                     + "failed; remove it by hand", state.jobId(), where, why(e));
        }
    }

    /** A file system's message is often only the path, which the warning says already. */
    private static String why(Exception e) {
        if (e instanceof FileSystemException files) {
            return files.getClass().getSimpleName() + (files.getReason() != null ? ": " + files.getReason() : "");
        }
        return e.getMessage();
    }

    private Exchange message(Endpoint endpoint, JobState state, String file, String completedSink) throws Exception {
        String image = state.job().id() + "." + state.job().imageExtension();
        Exchange removal = endpoint.createExchange();
        removal.getIn().setHeader(Exchange.FILE_NAME, file);
        removal.getIn().setHeader(Exchange.CONTENT_TYPE, "application/json");
        removal.getIn().setHeader(DELIVERED_LATER, Boolean.TRUE);
        removal.getIn().setBody(RecordFormat.bytes(
                DeliveredLaterNote.of(state.jobId(), image, places.of(completedSink), clock.instant())));
        return removal;
    }

    private void send(Endpoint endpoint, Exchange removal) throws Exception {
        try (ProducerTemplate template = context.createProducerTemplate()) {
            Exchange sent = template.send(endpoint, removal);
            if (sent.getException() != null) {
                throw sent.getException();
            }
        }
    }
}
