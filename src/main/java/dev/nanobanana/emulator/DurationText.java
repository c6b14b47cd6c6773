package dev.nanobanana.emulator;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The emulator's one way of writing a duration, in faults and on its command line: {@code 500ms}, {@code 2s}, {@code 3m}. */
final class DurationText {

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m)?", Pattern.CASE_INSENSITIVE);

    private DurationText() {
    }

    /** Writes a duration as {@link #parse} reads it: whole seconds as {@code 2s}, else milliseconds. */
    static String format(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }

    /** Reads digits followed by ms, s or m; bare digits are seconds. */
    static Duration parse(String text) {
        Matcher matcher = DURATION.matcher(text.trim());
        if (!matcher.matches()) {
            throw new IllegalArgumentException("invalid duration \"" + text + "\"; expected e.g. 500ms, 2s, 3m or 2");
        }
        long amount = Long.parseLong(matcher.group(1));
        String unit = matcher.group(2) == null ? "s" : matcher.group(2).toLowerCase(Locale.ROOT);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofSeconds(amount);
        };
    }
}
