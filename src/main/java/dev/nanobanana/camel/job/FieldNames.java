package dev.nanobanana.camel.job;

import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;

/** Finds the known field a mistyped field name was probably meant to be. */
final class FieldNames {

    private static final int MAX_TYPOS = 2;

    private FieldNames() {
    }

    static Optional<String> closest(String name, Collection<String> known) {
        return known.stream()
                // the length alone rules most names out, before a distance that costs their product
                .filter(candidate -> Math.abs(name.length() - candidate.length()) <= MAX_TYPOS)
                .filter(candidate -> distance(name, candidate) <= MAX_TYPOS)
                .min(Comparator.comparingInt(candidate -> distance(name, candidate)));
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
