package dev.nanobanana.camel.status;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import dev.nanobanana.camel.settings.KnownSecrets;

/**
 * Text from records and the ledger made fit to show to whoever can open the status page: the query of every URL is
 * cut off (a presigned S3 or CDN URL carries its signature there), and the values of the configured secrets are
 * masked, should one ever be quoted in an error text.
 */
final class PublicText {

    private static final Pattern URL_QUERY = Pattern.compile("(https?://[^\\s\"'?#]*)[?#][^\\s\"']*");

    private final KnownSecrets secrets;

    PublicText(KnownSecrets secrets) {
        this.secrets = secrets;
    }

    String of(String text) {
        return withoutQueries(secrets.mask(text));
    }

    /** A copy of a record with every text in it made public, keys included. */
    JsonNode of(JsonNode record) {
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
