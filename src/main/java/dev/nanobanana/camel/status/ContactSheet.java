package dev.nanobanana.camel.status;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.StringJoiner;

import dev.nanobanana.camel.settings.KnownSecrets;
import dev.nanobanana.camel.job.EditJob;
import dev.nanobanana.camel.ledger.JobLedger;
import dev.nanobanana.camel.job.JobPhase;
import dev.nanobanana.camel.ledger.StoredJob;
import dev.nanobanana.camel.runpod.RunpodResult;
import dev.nanobanana.camel.settings.PublicText;

/**
 * A batch on one page: a self-contained {@code report.html} beside the completed folder, with a tile per delivered
 * job (its image, prompt, resolution, cost and time), the failed jobs with their reasons, and the totals. It links to
 * the images and records by relative paths, so that it opens from the file system in any browser, and can be moved
 * with the folder. Built from the job ledger: every job that ended in the time window given.
 */
public final class ContactSheet {

    /** The file a batch's sheet is written to. */
    public static final String FILE = "report.html";

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    private final JobLedger ledger;
    private final PublicText text;

    /** A sheet that masks no secret: those of a context are {@code KnownSecrets.in(context)}. */
    public ContactSheet(JobLedger ledger) {
        this(ledger, new KnownSecrets(List.of()));
    }

    /** A sheet whose texts (prompts, RunPod's errors, reasons) show the secrets given as {@code ****}. */
    public ContactSheet(JobLedger ledger, KnownSecrets secrets) {
        this(ledger, new PublicText(secrets));
    }

    ContactSheet(JobLedger ledger, PublicText text) {
        this.ledger = ledger;
        this.text = text;
    }

    /**
     * Writes {@code report.html} beside {@code completedFolder} (in its parent folder) for the jobs that ended from
     * {@code since} until now, such as the jobs of one {@code --once} run; answers the file written.
     */
    public Path write(Path completedFolder, Instant since) {
        return write(completedFolder, since, Instant.now(), FILE, "Batch since " + TIME.format(since));
    }

    /**
     * Writes the sheet of the jobs that ended from {@code from} until before {@code to} into {@code fileName} beside
     * {@code completedFolder}; answers the file written. The file is replaced whole, never left half-written.
     */
    public Path write(Path completedFolder, Instant from, Instant to, String fileName, String title) {
        Path absolute = completedFolder.toAbsolutePath().normalize();
        Path folder = absolute.getParent() == null ? absolute : absolute.getParent();
        Sheet sheet = new Sheet(folder);
        ledger.forEachFinished(from, to, sheet::add);
        Path file = folder.resolve(fileName);
        try {
            Files.createDirectories(folder);
            Path writing = folder.resolve(".writing-" + fileName);
            Files.writeString(writing, sheet.html(title, from, to), StandardCharsets.UTF_8);
            Files.move(writing, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("The contact sheet " + file + " could not be written: " + e.getMessage(), e);
        }
        return file;
    }

    /** One sheet being written: tiles and failures as the ledger hands the jobs on, then the page around them. */
    private final class Sheet {

        private final Path folder;
        private final StringBuilder tiles = new StringBuilder();
        private final StringBuilder failures = new StringBuilder();
        private int completed;
        private int failed;
        private BigDecimal spent = BigDecimal.ZERO;

        Sheet(Path folder) {
            this.folder = folder;
        }

        void add(StoredJob stored) {
            RunpodResult result = stored.state().result();
            Optional<BigDecimal> cost = result == null ? Optional.empty() : result.cost();
            spent = spent.add(cost.orElse(BigDecimal.ZERO));
            if (stored.phase() == JobPhase.DELIVERED) {
                completed++;
                tile(stored, cost);
            } else if (stored.phase() == JobPhase.FAILED) {
                failed++;
                failure(stored);
            }
        }

        private void tile(StoredJob stored, Optional<BigDecimal> cost) {
            EditJob job = stored.state().job();
            String id = escape(stored.key().jobId());
            tiles.append("<figure class=\"tile\">");
            Optional<Path> image = JobResults.image(stored);
            if (image.isPresent()) {
                String href = relative(image.get());
                tiles.append("<a href=\"").append(href).append("\"><img src=\"").append(href).append("\" alt=\"")
                        .append(id).append("\"></a>");
            } else {
                tiles.append("<div class=\"missing\">image in ")
                        .append(escape(text.of(JobResults.completedSink(stored)))).append(", not on this disk</div>");
            }
            tiles.append("<figcaption><b>").append(id).append("</b>");
            if (job != null) {
                tiles.append("<p class=\"prompt\">").append(escape(text.of(job.prompt()))).append("</p>");
            }
            StringJoiner facts = new StringJoiner(" · ", "<p class=\"facts\">", "</p>");
            if (job != null) {
                facts.add(escape(job.resolution()));
            }
            facts.add(cost.map(usd -> "$" + usd.stripTrailingZeros().toPlainString()).orElse("cost unknown"));
            facts.add(when(stored));
            tiles.append(facts);
            JobResults.record(stored).ifPresent(record -> tiles.append("<a class=\"record\" href=\"")
                    .append(relative(record)).append("\">record</a>"));
            tiles.append("</figcaption></figure>\n");
        }

        private void failure(StoredJob stored) {
            JobResults.Failure why = JobResults.failure(stored);
            failures.append("<tr><td class=\"id\">").append(escape(stored.key().jobId())).append("</td><td>")
                    .append(escape(text.of(why.reason()))).append("</td><td>")
                    .append(why.step() == null ? "" : escape(text.of(why.step()))).append("</td><td>")
                    .append(escape(when(stored))).append("</td><td>");
            JobResults.record(stored).ifPresent(record -> failures.append("<a href=\"").append(relative(record))
                    .append("\">error record</a>"));
            failures.append("</td></tr>\n");
        }

        private String when(StoredJob stored) {
            if (stored.finishedAt() == null) {
                return "";
            }
            String at = TIME.format(stored.finishedAt());
            Instant received = stored.state().receivedAt();
            return received == null ? at
                    : at + " (" + Duration.between(received, stored.finishedAt()).toSeconds() + " s)";
        }

        private String relative(Path file) {
            StringJoiner path = new StringJoiner("/");
            folder.relativize(file).forEach(segment -> path.add(
                    URLEncoder.encode(segment.toString(), StandardCharsets.UTF_8).replace("+", "%20")));
            return escape(path.toString());
        }

        String html(String title, Instant from, Instant to) {
            StringBuilder page = new StringBuilder(tiles.length() + failures.length() + 4096);
            page.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                    .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                    // a sheet links to its own folder's files only: no script, nothing from elsewhere
                    .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; ")
                    .append("img-src 'self'; style-src 'unsafe-inline'\">")
                    .append("<title>").append(escape(title)).append(" - nano-banana-camel</title><style>")
                    .append(STYLE).append("</style></head><body>\n<h1>").append(escape(title)).append("</h1>\n")
                    .append("<p class=\"window\">Jobs that ended from ").append(TIME.format(from)).append(" to ")
                    .append(TIME.format(to)).append("</p>\n<ul class=\"totals\">")
                    .append("<li><b id=\"completed\">").append(completed).append("</b> completed</li>")
                    .append("<li><b id=\"failed\">").append(failed).append("</b> failed</li>")
                    .append("<li><b id=\"spent\">$").append(spent.stripTrailingZeros().toPlainString())
                    .append("</b> spent</li></ul>\n<section class=\"tiles\">\n").append(tiles).append("</section>\n");
            if (failed > 0) {
                page.append("<h2>Failed</h2>\n<table class=\"failures\"><thead><tr><th>job</th><th>reason</th>")
                        .append("<th>step</th><th>ended</th><th></th></tr></thead><tbody>\n").append(failures)
                        .append("</tbody></table>\n");
            }
            return page.append("</body></html>\n").toString();
        }
    }

    static String escape(String value) {
        if (value == null) {
            return "";
        }
        StringBuilder escaped = new StringBuilder(value.length() + 16);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '&' -> escaped.append("&amp;");
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '"' -> escaped.append("&quot;");
                case '\'' -> escaped.append("&#39;");
                default -> escaped.append(c);
            }
        }
        return escaped.toString();
    }

    private static final String STYLE = """
            body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;background:#fafafa}
            h1{font-size:22px;margin:0 0 4px}.window{color:#666;margin:0 0 12px}
            .totals{list-style:none;padding:0;display:flex;gap:24px;font-size:16px}
            .tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(220px,1fr));gap:16px}
            .tile{margin:0;background:#fff;border:1px solid #ddd;border-radius:6px;overflow:hidden}
            .tile img{display:block;width:100%;height:200px;object-fit:contain;background:#eee}
            .missing{height:200px;display:flex;align-items:center;justify-content:center;color:#777;padding:8px;
            background:#eee;text-align:center}
            figcaption{padding:8px}.prompt{margin:4px 0;white-space:pre-wrap;word-break:break-word}
            .facts{color:#555;margin:4px 0}
            .failures{border-collapse:collapse;width:100%;background:#fff}
            .failures td,.failures th{border:1px solid #ddd;padding:6px;text-align:left;vertical-align:top;
            word-break:break-word}
            """;
}
