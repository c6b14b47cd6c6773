package dev.nanobanana.camel.job;

/**
 * Why a job file could not be read, worded to follow the file's name ("is not valid YAML at line 3, ...") and never
 * quoting more of the file than a short excerpt.
 */
class UnreadableJobFile extends Exception {

    /** The most a reason quotes of what a parser says, which may hold the file's own content. */
    static final int MAX_QUOTED = 200;

    UnreadableJobFile(String reason) {
        super(reason);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        // a problem of the file, fully told by its message
        return this;
    }

    /** A parser's message as a reason quotes it: on one line, and cut after {@value #MAX_QUOTED} characters. */
    static String excerpt(String message) {
        String text = String.valueOf(message);
        boolean cut = text.length() > 2 * MAX_QUOTED;
        String line = (cut ? text.substring(0, 2 * MAX_QUOTED) : text).replaceAll("\\s+", " ").strip();
        return line.length() > MAX_QUOTED || cut ? line.substring(0, Math.min(line.length(), MAX_QUOTED)) + "…" : line;
    }
}
