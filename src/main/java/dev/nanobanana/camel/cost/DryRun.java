package dev.nanobanana.camel.cost;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import dev.nanobanana.camel.job.ByteSizes;
import dev.nanobanana.camel.job.EditJob;
import dev.nanobanana.camel.job.InvalidJobException;
import dev.nanobanana.camel.job.JobDraft;
import dev.nanobanana.camel.job.JobIds;
import dev.nanobanana.camel.job.JobReader;
import dev.nanobanana.camel.job.JobValidator;
import dev.nanobanana.camel.job.PayloadLimit;
import dev.nanobanana.camel.runpod.RunsyncRequest;
import dev.nanobanana.camel.runpod.PriceTable;

/**
 * Prices the job files in an inbox folder as the pipeline would read and validate them, without sending, moving or
 * writing anything there: the files the folder route takes ({@code *.json}, {@code *.yaml}, {@code *.yml}, not hidden,
 * not in a subfolder), each read up to the job file size limit, each job validated and its runsync body built.
 */
public final class DryRun {

    private final JobReader reader = new JobReader();
    private final JobValidator validator;
    private final PriceTable prices;
    private final long maxJobFileBytes;

    public DryRun(JobValidator validator, PriceTable prices, long maxJobFileBytes) {
        this.validator = validator;
        this.prices = prices;
        this.maxJobFileBytes = maxJobFileBytes;
    }

    /** Prices every job in the folder's job files, in the order of their file names. */
    public DryRunReport price(Path inbox) throws IOException {
        List<DryRunReport.PricedJob> priced = new ArrayList<>();
        List<DryRunReport.InvalidJob> invalid = new ArrayList<>();
        for (Path file : jobFiles(inbox)) {
            String source = file.toString();
            for (JobDraft draft : read(file, source)) {
                try {
                    EditJob job = validator.validate(draft);
                    PayloadLimit.check(job, RunsyncRequest.sizeInBytes(job.request()));
                    priced.add(new DryRunReport.PricedJob(source, job.id(), job.resolution(),
                            prices.priceOf(job.resolution())));
                } catch (InvalidJobException e) {
                    invalid.add(new DryRunReport.InvalidJob(source, draft.id(), String.join("; ", e.problems())));
                }
            }
        }
        BigDecimal total = priced.stream().map(DryRunReport.PricedJob::priceUsd).reduce(BigDecimal.ZERO,
                BigDecimal::add);
        return new DryRunReport(inbox.toString(), priced, invalid, total);
    }

    private List<JobDraft> read(Path file, String source) throws IOException {
        if (Files.isSymbolicLink(file) || !Files.isRegularFile(file)) {
            return List.of(JobDraft.unreadable(idOf(source), source, source + " is not a regular file"));
        }
        long size = Files.size(file);
        if (size > maxJobFileBytes) {
            return List.of(JobDraft.unreadable(idOf(source), source, source + " is " + ByteSizes.describe(size)
                    + "; a job file may be at most " + ByteSizes.describe(maxJobFileBytes)
                    + " (nanobanana.max-job-file-bytes)"));
        }
        try (InputStream in = Files.newInputStream(file)) {
            return reader.read(source, in.readNBytes((int) maxJobFileBytes));
        }
    }

    private static String idOf(String source) {
        return JobIds.fromFileName(source);
    }

    private static List<Path> jobFiles(Path inbox) throws IOException {
        if (!Files.isDirectory(inbox)) {
            throw new IOException("the inbox " + inbox.toAbsolutePath() + " is not a folder (nanobanana.inbox)");
        }
        try (Stream<Path> files = Files.list(inbox)) {
            return files.filter(file -> !Files.isDirectory(file))
                    .filter(file -> !file.getFileName().toString().startsWith("."))
                    .filter(DryRun::isJobFile)
                    .sorted()
                    .toList();
        }
    }

    private static boolean isJobFile(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".json") || name.endsWith(".yaml") || name.endsWith(".yml");
    }
}
