package dev.nanobanana.camel.source;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.CamelContext;

/**
 * Which sources of job files cannot be read now, and why, as their poll strategies found: one per context, shared by
 * the sources' {@link dev.nanobanana.camel.source.SourcePollStrategy} instances and read by the readiness check.
 */
public final class SourceStatus {

    static final String BEAN = "nanobananaSourceStatus";

    private final Map<String, String> problems = new ConcurrentHashMap<>();

    /** The context's, made the first time it is asked for. */
    public static synchronized SourceStatus of(CamelContext context) {
        SourceStatus status = context.getRegistry().lookupByNameAndType(BEAN, SourceStatus.class);
        if (status == null) {
            status = new SourceStatus();
            context.getRegistry().bind(BEAN, status);
        }
        return status;
    }

    /**
     * The source cannot be read, for this reason.
     *
     * @return whether that is news: it could be read before, or failed another way
     */
    public boolean broken(String source, String problem) {
        return !problem.equals(problems.put(source, problem));
    }

    /**
     * The source was read.
     *
     * @return whether that is news: it could not be read before
     */
    public boolean works(String source) {
        return problems.remove(source) != null;
    }

    /** Why the source cannot be read now; null when its last poll worked. */
    public String problem(String source) {
        return problems.get(source);
    }

    /** The sources that cannot be read now, by name, with why. */
    public Map<String, String> problems() {
        return new TreeMap<>(problems);
    }
}
