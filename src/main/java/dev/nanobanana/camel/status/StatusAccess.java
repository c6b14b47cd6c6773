package dev.nanobanana.camel.status;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import dev.nanobanana.camel.settings.StatusSettings;

/**
 * Who may see the status page. A request must name a host the page answers to ({@link HostNames}). With
 * {@code nanobanana.status.token} set, it shows the token as {@code Authorization: Bearer <token>}, as
 * {@code ?token=<token>}, or with the cookie the page sets after the latter. Without a token the page is served to
 * this machine only: while the management server listens beyond loopback, every request is refused with a message
 * that says what to set.
 */
final class StatusAccess implements Processor {

    static final String COOKIE = "nanobanana_status";
    static final String TOKEN_PARAMETER = "token";

    private final StatusSettings settings;
    private final HostNames hosts;
    private final String cookieValue;

    StatusAccess(StatusSettings settings) {
        this.settings = settings;
        this.hosts = new HostNames(settings);
        this.cookieValue = settings.hasToken() ? sha256(settings.token()) : null;
    }

    /** Why the page is refused to everyone, when it is. */
    Optional<String> refusal() {
        if (settings.hasToken() || settings.loopbackOnly()) {
            return Optional.empty();
        }
        return Optional.of("The status page is off: the management server listens on " + settings.managementHost()
                + " (camel.management.host), which other machines can reach, and nanobanana.status.token is not set. "
                + "Set one (NANOBANANA_STATUS_TOKEN in the environment), or set camel.management.host=127.0.0.1 "
                + "and put a reverse proxy with its own login in front");
    }

    @Override
    public void process(Exchange exchange) throws Refused {
        String host = requestedHost(exchange);
        if (!hosts.accepts(host)) {
            throw new Refused(421, "This status page answers to " + hosts.shown() + ", not to "
                    + HostNames.quoted(host) + ": add the name to nanobanana.status.host-names if it is this "
                    + "machine's");
        }
        Optional<String> refused = refusal();
        if (refused.isPresent()) {
            throw new Refused(403, refused.get());
        }
        if (settings.hasToken() && !shown(exchange)) {
            throw new Refused(401, "This status page needs its token (nanobanana.status.token): open "
                    + "/status/?token=<token>, or send Authorization: Bearer <token>");
        }
    }

    /**
     * Refuses a request that a page of another site made the browser send (a form posted to {@code /status/report}).
     * A browser says where a request comes from: {@code Sec-Fetch-Site}, or in an older one only {@code Origin}; a
     * client that says neither, a script, is taken at its word.
     */
    void sameSite(Exchange exchange) throws Refused {
        String site = exchange.getIn().getHeader("Sec-Fetch-Site", String.class);
        String origin = exchange.getIn().getHeader("Origin", String.class);
        boolean crossSite = site != null
                ? !site.equalsIgnoreCase("same-origin") && !site.equalsIgnoreCase("none")
                : origin != null && !authorityOf(origin).equalsIgnoreCase(String.valueOf(requestedHost(exchange)));
        if (crossSite) {
            throw new Refused(403, "Only the status page itself writes the contact sheet, and this request comes from "
                    + "another site (" + (origin == null ? "Origin not given" : "Origin " + HostNames.printable(origin))
                    + ", Sec-Fetch-Site " + (site == null ? "not given" : HostNames.printable(site)) + ")");
        }
    }

    /**
     * The host a request names: its {@code Host} header, or in HTTP/2, which has none, its {@code :authority}, which
     * Camel hands on only as part of the request's URL.
     */
    private static String requestedHost(Exchange exchange) {
        String host = exchange.getIn().getHeader("Host", String.class);
        String url = exchange.getIn().getHeader(Exchange.HTTP_URL, String.class);
        return host != null || url == null ? host : authorityOf(url);
    }

    /**
     * {@code host:port} of an origin such as {@code https://example.com:8443}, or of a URL; empty for {@code null} or
     * nonsense.
     */
    private static String authorityOf(String origin) {
        try {
            String authority = new URI(origin).getRawAuthority();
            return authority == null ? "" : authority;
        } catch (URISyntaxException e) {
            return "";
        }
    }

    /** Whether the request carries the token in its query, for the page to set its cookie and drop it from the URL. */
    boolean inQuery(Exchange exchange) {
        String given = exchange.getIn().getHeader(TOKEN_PARAMETER, String.class);
        return settings.hasToken() && given != null && same(sha256(given), cookieValue);
    }

    /** The cookie that stands for the token from now on: its hash, never the token itself. */
    String cookie() {
        return COOKIE + "=" + cookieValue + "; Path=/status; HttpOnly; SameSite=Strict";
    }

    private boolean shown(Exchange exchange) {
        String authorization = exchange.getIn().getHeader("Authorization", String.class);
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
            && same(sha256(authorization.substring(7).trim()), cookieValue)) {
            return true;
        }
        if (inQuery(exchange)) {
            return true;
        }
        String cookies = exchange.getIn().getHeader("Cookie", String.class);
        if (cookies != null) {
            for (String cookie : cookies.split(";")) {
                String[] pair = cookie.trim().split("=", 2);
                if (pair.length == 2 && pair[0].equals(COOKIE) && same(pair[1], cookieValue)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean same(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    private static String sha256(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A request the page does not answer: {@code status} 401 (no or a wrong token), 403 (off, or sent by another
     * site) or 421 (for another host), and why.
     */
    static final class Refused extends Exception {

        private final int status;

        Refused(int status, String message) {
            super(message);
            this.status = status;
        }

        int status() {
            return status;
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }
}
