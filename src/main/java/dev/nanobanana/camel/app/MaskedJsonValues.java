package dev.nanobanana.camel.app;

import com.fasterxml.jackson.core.JsonStreamContext;
import net.logstash.logback.mask.ValueMasker;

/**
 * The runtime's JSON log lines ({@code config/logback-json.xml}) with the configured secrets ({@link LoggedSecrets})
 * masked in every text value: the message, the stack trace, every MDC field and argument, whoever logged it. The same
 * secrets as the plain lines of {@link MaskedPatternLayout}, masked the same way.
 */
public class MaskedJsonValues implements ValueMasker {

    @Override
    public Object mask(JsonStreamContext context, Object value) {
        if (value instanceof CharSequence text) {
            String original = text.toString();
            String masked = LoggedSecrets.masked(original);
            // null: the value is written as it is
            return masked.equals(original) ? null : masked;
        }
        return null;
    }
}
