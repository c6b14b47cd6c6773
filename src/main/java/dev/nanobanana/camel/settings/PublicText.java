package dev.nanobanana.camel.settings;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;


/**
 * Text from records, the ledger and exceptions made fit to show to whoever can open the status page or read a trace:
 * the query of every URL is cut off (a presigned S3 or CDN URL carries its signature there), and the values of the
 * configured secrets are masked, should one ever be quoted in an error text.
 */
public final class PublicText {

    private static final Pattern URL_QUERY = Pattern.compile("(https?://[^\\s\"'?#]*)[?#][^\\s\"']*");
    /** An image given inline: its bytes say nothing to a reader, and may be the user's own picture. */
    private static final Pattern DATA_URI = Pattern.compile("(data:[^,\\s\"']*,)[^\\s\"']+");

    private final KnownSecrets secrets;

    public PublicText(KnownSecrets secrets) {
        this.secrets = secrets;
    }

    public String of(String text) {
        return withoutQueries(secrets.mask(text));
    }

    /** The same, and the bytes of each data: URI left out, for a line that should stay short: a trace's. */
    public String brief(String text) {
        String cut = of(text);
        return cut == null ? null
                : DATA_URI.matcher(cut).replaceAll(match -> Matcher.quoteReplacement(match.group(1)) + "...");
    }

    /** A copy of a record with every text in it made public, keys included. */
    public JsonNode of(JsonNode record) {
        return secrets.mask(record, PublicText::withoutQueries);
    }

    private static String withoutQueries(String text) {
        if (text == null) {
            return null;
        }
        Matcher url = URL_QUERY.matcher(text);
        return url.replaceAll(match -> Matcher.quoteReplacement(match.group(1)));
    }
}
