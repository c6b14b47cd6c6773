package dev.nanobanana.camel.job;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.Normalizer;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rules for job ids, which name the files in the sinks and so must never lead outside them, nor be a name that
 * some file system cannot store.
 */
public final class JobIds {

    public static final int MAX_LENGTH = 128;
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0," + (MAX_LENGTH - 1) + "}");
    /** Windows opens the device, not a file, for these names, also when an extension follows: con.png is CON. */
    private static final Pattern WINDOWS_DEVICE = Pattern.compile("(CON|PRN|AUX|NUL|COM[0-9]|LPT[0-9])(\\..*)?",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern NOT_ALLOWED = Pattern.compile("[^A-Za-z0-9._-]");
    private static final Pattern MARKS = Pattern.compile("\\p{M}+");
    /** Letters that Unicode does not decompose into a plain letter and a mark. */
    private static final Map<String, String> LETTERS = Map.ofEntries(
            Map.entry("ß", "ss"), Map.entry("æ", "ae"), Map.entry("Æ", "AE"), Map.entry("œ", "oe"),
            Map.entry("Œ", "OE"), Map.entry("ø", "o"), Map.entry("Ø", "O"), Map.entry("ł", "l"), Map.entry("Ł", "L"),
            Map.entry("đ", "d"), Map.entry("Đ", "D"), Map.entry("ð", "d"), Map.entry("Ð", "D"), Map.entry("þ", "th"),
            Map.entry("Þ", "Th"), Map.entry("ı", "i"));
    private static final Pattern SPECIAL_LETTERS = Pattern.compile("[ßæÆœŒøØłŁđĐðÐþÞı]");
    private static final int HASH_LENGTH = 8;

    private JobIds() {
    }

    public static boolean isSafe(String id) {
        return id != null && SAFE.matcher(id).matches() && !id.contains("..") && windowsDevice(id).isEmpty();
    }

    /** The device name Windows would open for this id (CON for con.png), if it is one. */
    public static Optional<String> windowsDevice(String id) {
        Matcher device = WINDOWS_DEVICE.matcher(id);
        return device.matches() ? Optional.of(device.group(1).toUpperCase(Locale.ROOT)) : Optional.empty();
    }

    public static String rule() {
        return "an id may hold only letters, digits, '.', '_' and '-' (ASCII), must start with a letter, a digit or "
               + "'_', must not contain '..', may be at most " + MAX_LENGTH + " characters long, and must not be a "
               + "name Windows reserves for a device (CON, PRN, AUX, NUL, COM0 to COM9, LPT0 to LPT9, in any case, "
               + "also with an extension such as con.png)";
    }

    /**
     * A safe id from a file name: the name without folder and extension, accents dropped (é becomes e), other
     * characters that an id may not hold replaced by '_'. When the name had to change to become an id, '-' and
     * 8 hex digits of the name's SHA-256 follow, so that two different names never share an id.
     */
    public static String fromFileName(String fileName) {
        String name = Normalizer.normalize(baseName(fileName), Normalizer.Form.NFC);
        if (name.isEmpty()) {
            return "_";
        }
        String id = NOT_ALLOWED.matcher(plainLetters(name)).replaceAll("_").replace("..", "__");
        if (!Character.isLetterOrDigit(id.charAt(0)) && id.charAt(0) != '_' || windowsDevice(id).isPresent()) {
            id = "_" + id;
        }
        if (id.equals(name) && id.length() <= MAX_LENGTH) {
            return id;
        }
        return id.substring(0, Math.min(id.length(), MAX_LENGTH - 1 - HASH_LENGTH)) + "-" + hash(name);
    }

    private static String baseName(String fileName) {
        String name = fileName == null ? "" : fileName.replace('\\', '/');
        name = name.substring(name.lastIndexOf('/') + 1);
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    private static String plainLetters(String name) {
        // NFKD also turns compatibility forms into plain ones: the ligature ﬁ into fi, a full-width Ａ into A
        String decomposed = MARKS.matcher(Normalizer.normalize(name, Normalizer.Form.NFKD)).replaceAll("");
        return SPECIAL_LETTERS.matcher(decomposed).replaceAll(letter -> LETTERS.get(letter.group()));
    }

    private static String hash(String name) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, HASH_LENGTH);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
