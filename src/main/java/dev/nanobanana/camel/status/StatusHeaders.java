package dev.nanobanana.camel.status;

import org.apache.camel.support.DefaultHeaderFilterStrategy;
import org.apache.camel.support.http.HttpUtil;

/**
 * The headers of the status page's answers that reach the browser: those platform-http lets through, and
 * {@code Cache-Control}, which it drops. The page's answers say {@code no-store}: prompts and images stay out of
 * caches.
 */
final class StatusHeaders extends DefaultHeaderFilterStrategy {

    /** The name it is bound under, for the page's endpoints ({@code headerFilterStrategy=#...}). */
    static final String BOUND_AS = "nanobananaStatusHeaders";

    StatusHeaders() {
        // as platform-http's own strategy, less cache-control
        HttpUtil.addCommonFilters(getOutFilter());
        getOutFilter().remove("cache-control");
        setLowerCase(true);
        setOutFilterStartsWith(CAMEL_FILTER_STARTS_WITH);
    }
}
