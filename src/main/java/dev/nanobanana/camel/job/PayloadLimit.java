package dev.nanobanana.camel.job;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

import dev.nanobanana.camel.runpod.RunsyncRequest;

/**
 * RunPod's limit on the size of a runsync body. A job over it is refused with a reason that names what made it big
 * (the prompt, data: URI images, image URLs), so that the advice fits the job.
 */
public final class PayloadLimit {

    private static final double MB = 1024 * 1024;

    private PayloadLimit() {
    }

    public static void check(EditJob job, int bodyBytes) throws InvalidJobException {
        if (bodyBytes <= RunsyncRequest.MAX_BYTES) {
            return;
        }
        List<Part> parts = parts(job);
        Part biggest = parts.stream().max(Comparator.comparingLong(Part::bytes)).orElseThrow();
        List<Part> named = parts.stream()
                .filter(part -> part == biggest || part.bytes() >= MB)
                .sorted(Comparator.comparingLong(Part::bytes).reversed())
                .toList();
        throw new InvalidJobException(String.format("the runsync body is %.1f MB and RunPod takes at most %d MB; "
                + "of it, %s: %s", bodyBytes / MB, RunsyncRequest.MAX_BYTES / (int) MB,
                named.stream().map(part -> String.format("%s %.1f MB", part.what(), part.bytes() / MB))
                        .collect(Collectors.joining(" and ")),
                named.stream().map(Part::advice).collect(Collectors.joining(", and "))));
    }

    private static List<Part> parts(EditJob job) {
        long dataUris = 0;
        int dataUriCount = 0;
        long urls = 0;
        int urlCount = 0;
        for (String image : job.images()) {
            if (image.startsWith("data:")) {
                dataUris += utf8Length(image);
                dataUriCount++;
            } else {
                urls += utf8Length(image);
                urlCount++;
            }
        }
        List<Part> parts = new ArrayList<>();
        parts.add(new Part(utf8Length(job.prompt()), "the prompt is", "shorten the prompt"));
        if (dataUriCount > 0) {
            parts.add(new Part(dataUris, dataUriCount == 1 ? "the data: URI in images is"
                    : "the " + dataUriCount + " data: URIs in images are", "use image URLs rather than data: URIs"));
        }
        if (urlCount > 0) {
            parts.add(new Part(urls, urlCount == 1 ? "the image URL is" : "the " + urlCount + " image URLs are",
                    "use shorter image URLs"));
        }
        return parts;
    }

    /** The bytes a text takes in the UTF-8 body, counted without encoding a copy of megabytes. */
    private static long utf8Length(String text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
        }
        return bytes;
    }

    private record Part(long bytes, String what, String advice) {
    }
}
