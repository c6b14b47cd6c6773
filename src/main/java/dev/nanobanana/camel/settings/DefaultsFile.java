package dev.nanobanana.camel.settings;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/** Reads a properties file the library carries, keeping the order in which it gives its keys. */
final class DefaultsFile {

    private DefaultsFile() {
    }

    /** The keys that start with {@code prefix}, without it, and their values. */
    static Map<String, String> read(String resource, String prefix) {
        String text;
        try (InputStream in = DefaultsFile.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the library's jar lacks " + resource);
            }
            text = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> inOrder = new LinkedHashMap<>();
        Properties properties = new Properties() {
            @Override
            public synchronized Object put(Object key, Object value) {
                if (key.toString().startsWith(prefix)) {
                    inOrder.put(key.toString().substring(prefix.length()), value.toString());
                }
                return super.put(key, value);
            }
        };
        try {
            properties.load(new StringReader(text));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Collections.unmodifiableMap(inOrder);
    }
}
