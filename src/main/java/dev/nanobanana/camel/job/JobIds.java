package dev.nanobanana.camel.job;

import java.util.regex.Pattern;

/** The rules for job ids, which name the files in the sinks and so must never lead outside them. */
public final class JobIds {

    public static final int MAX_LENGTH = 128;
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0," + (MAX_LENGTH - 1) + "}");

    private JobIds() {
    }

    public static boolean isSafe(String id) {
        return id != null && SAFE.matcher(id).matches() && !id.contains("..");
    }

    public static String rule() {
        return "an id may hold only letters, digits, '.', '_' and '-', must start with a letter, digit or '_', "
               + "must not contain '..' and may be at most " + MAX_LENGTH + " characters long";
    }

    /** A safe id from a file name: the name without directory and extension, odd characters replaced by '_'. */
    public static String fromFileName(String fileName) {
        String name = fileName == null ? "" : fileName.replace('\\', '/');
        name = name.substring(name.lastIndexOf('/') + 1);
        int dot = name.lastIndexOf('.');
        if (dot > 0) {
            name = name.substring(0, dot);
        }
        String id = name.replaceAll("[^A-Za-z0-9._-]", "_").replace("..", "__");
        if (id.isEmpty() || !Character.isLetterOrDigit(id.charAt(0)) && id.charAt(0) != '_') {
            id = "_" + id;
        }
        return id.length() > MAX_LENGTH ? id.substring(0, MAX_LENGTH) : id;
    }
}
