package dev.nanobanana.camel.sink;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Route;
import org.apache.camel.util.URISupport;

/**
 * Where a sink puts its files, as a person would look for them: the folder of a {@code file:} sink, or, for a sink
 * that is a route of its own ({@code direct:s3-completed}), that route's {@code description}
 * ({@code s3://partner/out/completed/}); otherwise the endpoint without its options, which may hold credentials.
 */
public final class SinkPlaces {

    private final CamelContext context;
    private final Map<String, String> places = new ConcurrentHashMap<>();

    public SinkPlaces(CamelContext context) {
        this.context = context;
    }

    public String of(String sinkUri) {
        return sinkUri == null ? "(no sink)" : places.computeIfAbsent(sinkUri, this::describe);
    }

    /** A file in the sink: the place and the name, joined as a path. */
    public String file(String sinkUri, String fileName) {
        String place = of(sinkUri);
        return fileName == null ? place : place.endsWith("/") ? place + fileName : place + "/" + fileName;
    }

    private String describe(String sinkUri) {
        String bare = withoutOptions(sinkUri);
        if (bare.startsWith("file:")) {
            return bare.substring("file:".length()).replaceFirst("^//", "");
        }
        String description = routeDescription(bare);
        return description != null ? description : bare;
    }

    /** The description of the route that consumes from the sink, with its placeholders resolved. */
    private String routeDescription(String uri) {
        Endpoint endpoint;
        try {
            endpoint = context.hasEndpoint(uri);
        } catch (RuntimeException e) {
            return null;
        }
        for (Route route : context.getRoutes()) {
            String description = route.getDescription();
            if (endpoint != null && route.getEndpoint() == endpoint && description != null && !description.isBlank()) {
                return context.resolvePropertyPlaceholders(description);
            }
        }
        return null;
    }

    private static String withoutOptions(String uri) {
        String sanitized = URISupport.sanitizeUri(uri);
        int query = sanitized.indexOf('?');
        return query < 0 ? sanitized : sanitized.substring(0, query);
    }
}
