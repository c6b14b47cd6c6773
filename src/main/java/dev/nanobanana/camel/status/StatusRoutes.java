package dev.nanobanana.camel.status;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.nanobanana.camel.json.Json;
import dev.nanobanana.camel.settings.KnownSecrets;
import dev.nanobanana.camel.pipeline.NanoBananaRoutes;
import dev.nanobanana.camel.settings.NanoBananaSettings;
import dev.nanobanana.camel.job.JobKey;
import dev.nanobanana.camel.ledger.JobLedger;
import dev.nanobanana.camel.ledger.StoredJob;
import dev.nanobanana.camel.settings.PublicText;
import dev.nanobanana.camel.settings.StatusSettings;
import dev.nanobanana.camel.pipeline.PipelineBeans;

/**
 * The status page on Camel's platform-http (in the runtime: the management server, beside {@code /observe/health}):
 * the page and its assets under {@code /status/}, its data at {@code /status/api/summary.json}, a delivered job's
 * image and record at {@code /status/images/{source}/{jobId}} and {@code /status/records/{source}/{jobId}}, and
 * {@code POST /status/report}, which writes today's contact sheet. Add it to a context that runs
 * {@link NanoBananaRoutes}; every answer reads the job ledger, and only files the ledger names are served.
 */
public final class StatusRoutes extends RouteBuilder {

    private static final Logger LOG = LoggerFactory.getLogger(StatusRoutes.class);
    /** The page's own files, by the name in their URL; nothing else is read from the class path. */
    private static final Map<String, String> ASSETS = Map.of(
            "status.css", "text/css; charset=utf-8",
            "status.js", "text/javascript; charset=utf-8");
    private static final String PAGE_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private final AtomicBoolean refusalSaid = new AtomicBoolean();

    @Override
    public void configure() throws Exception {
        NanoBananaSettings.addDefaults(getContext());
        StatusSettings settings = NanoBananaSettings.of(getContext()).status();
        StatusAccess access = new StatusAccess(settings);
        access.refusal().ifPresent(LOG::warn);
        Clock clock = Clock.systemUTC();
        Instant since = clock.instant();

        onException(StatusAccess.Refused.class).handled(true).process(this::refuse);

        bindToRegistry(StatusHeaders.BOUND_AS, new StatusHeaders());
        // Vert.x routes /status and /status/ alike: the page's relative links need the slash
        from(endpoint("/status", "GET")).routeId("nanobanana-status-page")
                .process(access)
                .process(exchange -> page(exchange, access));
        from(endpoint("/status/assets/{asset}", "GET")).routeId("nanobanana-status-assets")
                .process(access)
                .process(StatusRoutes::asset);
        from(endpoint("/status/api/summary.json", "GET")).routeId("nanobanana-status-summary")
                .process(access)
                .process(exchange -> respond(exchange, 200, "application/json",
                        Json.MAPPER.writeValueAsBytes(new StatusBoard(ledger(), text(), clock, since).summary())));
        from(endpoint("/status/images/{source}/{jobId}", "GET")).routeId("nanobanana-status-images")
                .process(access)
                // streamed: a 4K image is megabytes, and a page shows a dozen
                .process(exchange -> jobFile(exchange, JobResults::image, JobResults::open,
                        file -> "image/" + (file.toString().endsWith(".png") ? "png" : "jpeg")));
        from(endpoint("/status/records/{source}/{jobId}", "GET"))
                .routeId("nanobanana-status-records")
                .process(access)
                .process(exchange -> jobFile(exchange, JobResults::record,
                        file -> Json.PRETTY.writeValueAsBytes(
                                text().of(JobResults.read(file).orElseThrow(() -> new IOException("unreadable")))),
                        file -> "application/json"));
        from(endpoint("/status/report", "POST")).routeId("nanobanana-status-report")
                .process(access)
                .process(access::sameSite)
                .process(exchange -> {
                    Path sheet = todaysSheet(new ContactSheet(ledger(), text()), settings, clock);
                    respond(exchange, 200, "application/json", Json.MAPPER.writeValueAsBytes(
                            Map.of("file", Path.of("").toAbsolutePath().relativize(sheet).toString())));
                });
        if (settings.dailyContactSheet()) {
            getContext().addService(new DailyContactSheet(() -> new ContactSheet(ledger(), text()),
                    Path.of(settings.completedDir()), clock));
        }
    }

    static Path todaysSheet(ContactSheet sheet, StatusSettings settings, Clock clock) {
        Instant now = clock.instant();
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        return sheet.write(Path.of(settings.completedDir()), today.atStartOfDay(ZoneOffset.UTC).toInstant(), now,
                DailyContactSheet.fileName(today), "Jobs of " + today + " (UTC), so far");
    }

    private static String endpoint(String path, String method) {
        return "platform-http:" + path + "?httpMethodRestrict=" + method + "&headerFilterStrategy=#"
               + StatusHeaders.BOUND_AS;
    }

    /** What the page may show of a text: with the secrets of the pipeline masked, once it has bound them. */
    private PublicText text() {
        return new PublicText(KnownSecrets.in(getContext()));
    }

    private JobLedger ledger() {
        PipelineBeans pipeline = PipelineBeans.in(getContext());
        if (pipeline == null) {
            throw new IllegalStateException("the status page needs the pipeline's job ledger: add NanoBananaRoutes "
                                            + "to the same context");
        }
        return pipeline.clerk().ledger();
    }

    private static void page(Exchange exchange, StatusAccess access) throws IOException {
        String uri = exchange.getIn().getHeader(Exchange.HTTP_URI, "", String.class);
        boolean withSlash = uri.split("\\?", 2)[0].endsWith("/");
        if (!withSlash || access.inQuery(exchange)) {
            // a token leaves the address bar (and the history) for a cookie that stands for it
            boolean setCookie = access.inQuery(exchange);
            respond(exchange, 303, "text/plain; charset=utf-8", "See /status/\n".getBytes(StandardCharsets.UTF_8));
            exchange.getMessage().setHeader("Location", "/status/");
            if (setCookie) {
                exchange.getMessage().setHeader("Set-Cookie", access.cookie());
            }
            return;
        }
        respond(exchange, 200, "text/html; charset=utf-8", resource("index.html"));
        exchange.getMessage().setHeader("Content-Security-Policy", PAGE_POLICY);
    }

    private static void asset(Exchange exchange) throws IOException {
        String name = exchange.getIn().getHeader("asset", String.class);
        String type = name == null ? null : ASSETS.get(name);
        if (type == null) {
            notFound(exchange);
        } else {
            respond(exchange, 200, type, resource(name));
        }
    }

    /** A file of a job the ledger knows, found from the ledger's entry alone; 404 for anything else. */
    private void jobFile(Exchange exchange, Function<StoredJob, Optional<Path>> which, FileBody body,
            Function<Path, String> type) throws IOException {
        String source = exchange.getIn().getHeader("source", String.class);
        String jobId = exchange.getIn().getHeader("jobId", String.class);
        Optional<Path> file = source == null || jobId == null ? Optional.empty()
                : ledger().find(new JobKey(source, jobId)).flatMap(which);
        if (file.isEmpty()) {
            notFound(exchange);
            return;
        }
        respond(exchange, 200, type.apply(file.get()), body.read(file.get()));
    }

    private void refuse(Exchange exchange) {
        StatusAccess.Refused refused = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, StatusAccess.Refused.class);
        if (refusalSaid.compareAndSet(false, true)) {
            LOG.warn("Status page request refused ({}): {}", refused.status(), refused.getMessage());
        } else {
            LOG.debug("Status page request refused ({}): {}", refused.status(), refused.getMessage());
        }
        respond(exchange, refused.status(), "text/plain; charset=utf-8",
                (refused.getMessage() + "\n").getBytes(StandardCharsets.UTF_8));
        if (refused.status() == 401) {
            exchange.getMessage().setHeader("WWW-Authenticate", "Bearer realm=\"nano-banana-camel status\"");
        }
    }

    private static void notFound(Exchange exchange) {
        respond(exchange, 404, "text/plain; charset=utf-8", "Not found\n".getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The answer, and only the headers named here: Camel would echo the request's headers (its Authorization and
     * Cookie among them) and its query parameters back otherwise.
     */
    private static void respond(Exchange exchange, int status, String contentType, Object body) {
        var message = exchange.getMessage();
        message.removeHeaders("*");
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        message.setHeader(Exchange.CONTENT_TYPE, contentType);
        message.setHeader("Cache-Control", "no-store");
        message.setHeader("X-Content-Type-Options", "nosniff");
        message.setHeader("Referrer-Policy", "no-referrer");
        message.setBody(body);
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = StatusRoutes.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new UncheckedIOException(new IOException("missing from the jar: " + name));
            }
            return in.readAllBytes();
        }
    }

    @FunctionalInterface
    private interface FileBody {
        Object read(Path file) throws IOException;
    }
}
