package dev.nanobanana.camel.settings;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * An HTTP proxy as users write it ({@code http://host:port}, {@code http://user:password@host:port}, or
 * {@code host:port}), and where it was given: {@code nanobanana.http.proxy}, or an environment variable such as
 * {@code HTTPS_PROXY}. The password is a secret: {@link #toString()} leaves it out.
 */
public record ProxyUrl(String host, int port, String user, String password, String givenBy) {

    /**
     * The proxy a setting or variable names, or null when it is empty.
     *
     * @throws IllegalArgumentException naming {@code givenBy} when the value is not an http proxy with a port
     */
    public static ProxyUrl parse(String text, String givenBy) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String trimmed = text.trim();
        String url = trimmed.contains("://") ? trimmed : "http://" + trimmed;
        try {
            URI uri = new URI(url);
            if (!"http".equals(String.valueOf(uri.getScheme()).toLowerCase(Locale.ROOT))) {
                // java.net.http speaks plain HTTP to a proxy (CONNECT for https targets); TLS to the proxy or SOCKS it
                // does not do
                throw refused(givenBy, trimmed, "an http:// proxy (" + uri.getScheme() + ":// is not supported)");
            }
            if (uri.getHost() == null || uri.getPort() < 0) {
                throw refused(givenBy, trimmed, "http://host:port or http://user:password@host:port, with a port");
            }
            String userInfo = uri.getUserInfo();
            String user = null;
            String password = null;
            if (userInfo != null) {
                int colon = userInfo.indexOf(':');
                user = colon < 0 ? userInfo : userInfo.substring(0, colon);
                password = colon < 0 ? "" : userInfo.substring(colon + 1);
            }
            return new ProxyUrl(uri.getHost(), uri.getPort(), user, password, givenBy);
        } catch (URISyntaxException e) {
            throw refused(givenBy, trimmed, "http://host:port or http://user:password@host:port");
        }
    }

    public boolean hasCredentials() {
        return user != null && !user.isEmpty();
    }

    /** {@code host:port}, as a reason names the proxy. */
    public String address() {
        return (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString() {
        // the record's own toString would print the password
        return address() + " (" + givenBy + (hasCredentials() ? ", as " + user : "") + ")";
    }

    private static IllegalArgumentException refused(String givenBy, String text, String expected) {
        return new IllegalArgumentException(givenBy + " must be " + expected + ", not \"" + withoutPassword(text)
                                            + "\"");
    }

    /** The text with whatever sits between {@code ://} and {@code @} shown as {@value KnownSecrets#MASK}. */
    private static String withoutPassword(String text) {
        int at = text.lastIndexOf('@');
        if (at < 0) {
            return text;
        }
        int start = text.indexOf("://");
        start = start < 0 || start > at ? 0 : start + 3;
        return text.substring(0, start) + KnownSecrets.MASK + text.substring(at);
    }
}
