package dev.nanobanana.camel.status;

import java.nio.file.Path;
import java.util.Optional;

import org.apache.camel.util.URISupport;

/** What a sink's endpoint URI says about where its files are: a folder on this machine, or somewhere else. */
final class SinkFolder {

    private SinkFolder() {
    }

    /** The folder of a {@code file:} sink ({@code file:out/completed?tempPrefix=.writing-}); empty for others. */
    static Optional<Path> of(String endpointUri) {
        if (endpointUri == null || !endpointUri.startsWith("file:")) {
            return Optional.empty();
        }
        String folder = withoutQuery(endpointUri.substring("file:".length()));
        if (folder.startsWith("//")) {
            folder = folder.substring(2);
        }
        return folder.isEmpty() ? Optional.empty() : Optional.of(Path.of(folder));
    }

    /** The sink as a person may see it: no options (they can hold credentials) and no user information. */
    static String shown(String endpointUri) {
        if (endpointUri == null) {
            return "its sink";
        }
        return withoutQuery(URISupport.sanitizeUri(endpointUri)).replaceAll("//[^/@]*@", "//");
    }

    private static String withoutQuery(String uri) {
        int query = uri.indexOf('?');
        return query < 0 ? uri : uri.substring(0, query);
    }
}
