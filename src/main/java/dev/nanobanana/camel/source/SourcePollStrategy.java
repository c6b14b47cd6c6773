package dev.nanobanana.camel.source;

import java.io.File;

import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.component.file.FileEndpoint;
import org.apache.camel.spi.PollingConsumerPollStrategy;
import org.apache.camel.util.URISupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;


/**
 * How a source of job files reports trouble: one line when it breaks (an inbox deleted or not writable, an SFTP
 * server or S3 endpoint out of reach), one line when it works again, nothing in between: never a stack trace every
 * second. A deleted inbox folder is created again; one that is not writable is not polled, since no file taken from
 * it could be moved to {@code .done} or {@code .failed}. Use it as the consumer's {@code pollStrategy}. What it finds
 * is kept in the context's {@link SourceStatus}, for the readiness check.
 */
public final class SourcePollStrategy implements PollingConsumerPollStrategy, CamelContextAware {

    private static final Logger LOG = LoggerFactory.getLogger(SourcePollStrategy.class);

    private CamelContext context;
    private SourceStatus problems = new SourceStatus();
    /** The endpoint's name, worked out once: sanitizing its URI took most of the CPU of an empty poll. */
    private volatile Named named;

    @Override
    public void setCamelContext(CamelContext context) {
        this.context = context;
        this.problems = SourceStatus.of(context);
    }

    @Override
    public CamelContext getCamelContext() {
        return context;
    }

    @Override
    public boolean begin(Consumer consumer, Endpoint endpoint) {
        if (endpoint instanceof FileEndpoint fileEndpoint) {
            String problem = folderProblem(fileEndpoint.getFile());
            if (problem != null) {
                report(endpoint, problem);
                return false;
            }
        }
        return true;
    }

    @Override
    public void commit(Consumer consumer, Endpoint endpoint, int polledMessages) {
        String name = nameOf(endpoint);
        if (problems.works(name)) {
            LOG.info("{} works again", name);
        }
    }

    @Override
    public boolean rollback(Consumer consumer, Endpoint endpoint, int retryCounter, Exception cause) {
        report(endpoint, describe(cause));
        return false;
    }

    /** What keeps the endpoint from being read now, as said in the log; null when its last poll worked. */
    public String problem(Endpoint endpoint) {
        return problems.problem(nameOf(endpoint));
    }

    private static String folderProblem(File folder) {
        if (!folder.isDirectory()) {
            if (folder.mkdirs()) {
                LOG.warn("The folder {} was missing (deleted?): it has been created again", folder);
                return null;
            }
            return "the folder " + folder + " does not exist and cannot be created";
        }
        if (!folder.canWrite() || !folder.canExecute()) {
            return "the folder " + folder + " is not writable: a job file taken from it could not be moved to "
                   + ".done or .failed, so none is taken until it is writable";
        }
        for (String processed : new String[] {".done", ".failed"}) {
            File target = new File(folder, processed);
            if (target.exists() && (!target.isDirectory() || !target.canWrite())) {
                return target + " is not a folder a job file can be moved into, so none is taken until it is "
                       + "(a job file whose jobs ended stays in the inbox; none of its jobs is paid again)";
            }
        }
        return null;
    }

    private void report(Endpoint endpoint, String problem) {
        String name = nameOf(endpoint);
        if (problems.broken(name, problem)) {
            LOG.warn("{} cannot be read: {}. Retrying quietly until it works", name, problem);
        }
    }

    private String nameOf(Endpoint endpoint) {
        Named known = named;
        if (known == null || known.endpoint() != endpoint) {
            known = new Named(endpoint, name(endpoint));
            named = known;
        }
        return known.name();
    }

    /** The endpoint without its options: they may hold credentials. */
    public static String name(Endpoint endpoint) {
        String uri = URISupport.sanitizeUri(endpoint.getEndpointUri());
        int query = uri.indexOf('?');
        return query < 0 ? uri : uri.substring(0, query);
    }

    /** The cause chain in one line, each message once. */
    public static String describe(Throwable cause) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = cause; t != null && t.getCause() != t; t = t.getCause()) {
            String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            if (text.indexOf(message) < 0) {
                text.append(text.length() == 0 ? "" : ": ").append(message);
            }
        }
        return text.toString();
    }

    private record Named(Endpoint endpoint, String name) {
    }
}
