package dev.nanobanana.camel.cost;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

import dev.nanobanana.camel.json.Json;


/**
 * What a dry run found in the inbox: the jobs that would be sent and their prices, their total, and the jobs that would
 * be refused with their reasons. Written as {@code dry-run.json} for machines and {@code dry-run.txt} for people.
 */
public record DryRunReport(String inbox, List<PricedJob> jobs, List<InvalidJob> invalid, BigDecimal totalUsd) {

    public static final String JSON_FILE = "dry-run.json";
    public static final String TEXT_FILE = "dry-run.txt";


    /** A valid job, what it would cost. */
    public record PricedJob(String file, String id, String resolution, BigDecimal priceUsd) {
    }

    /** A job that would be refused, and why. */
    public record InvalidJob(String file, String id, String reason) {
    }

    /** Writes both forms into {@code folder}, each to a temporary name first, so that no reader sees half a report. */
    public void writeTo(Path folder) throws IOException {
        Files.createDirectories(folder);
        write(folder.resolve(JSON_FILE), Json.PRETTY.writeValueAsString(this) + "\n");
        write(folder.resolve(TEXT_FILE), table());
    }

    /** The report as a plain text table, as {@code dry-run.txt} holds it. */
    public String table() {
        int fileWidth = "file".length();
        int idWidth = "job".length();
        for (PricedJob job : jobs) {
            fileWidth = Math.max(fileWidth, job.file().length());
            idWidth = Math.max(idWidth, job.id().length());
        }
        String row = "%-" + fileWidth + "s  %-" + idWidth + "s  %-10s  %9s%n";
        StringBuilder text = new StringBuilder();
        text.append("Dry run of ").append(inbox).append(": nothing was sent, no file was moved.\n\n");
        text.append(String.format(row, "file", "job", "resolution", "price USD"));
        for (PricedJob job : jobs) {
            text.append(String.format(row, job.file(), job.id(), job.resolution(), usd(job.priceUsd())));
        }
        text.append(String.format("%n%d job(s) would be sent, for %s USD.%n", jobs.size(), usd(totalUsd)));
        if (!invalid.isEmpty()) {
            text.append(String.format("%d job(s) are invalid and would not be sent:%n", invalid.size()));
            for (InvalidJob job : invalid) {
                text.append("  ").append(job.file()).append("  ").append(job.id()).append(": ").append(job.reason())
                        .append('\n');
            }
        }
        return text.toString();
    }

    private static String usd(BigDecimal amount) {
        return amount.signum() == 0 ? "0" : amount.stripTrailingZeros().toPlainString();
    }

    private static void write(Path file, String content) throws IOException {
        Path writing = file.resolveSibling(".writing-" + file.getFileName());
        Files.writeString(writing, content, StandardCharsets.UTF_8);
        Files.move(writing, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
