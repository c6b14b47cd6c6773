package dev.nanobanana.camel.settings;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What README.md and docs/*.md tell a user about settings is what config/application.properties holds, and every
 * link between the pages leads somewhere. (ConfigFileTest checks that the file agrees with
 * {@link NanoBananaSettings#DEFAULTS}; this test checks that the pages agree with the file.)
 *
 * <p>How a page names a key, and what counts as a key that exists:
 * <ul>
 * <li>{@code nanobanana.concurrency}, anywhere (in prose, tables and code blocks): a key of the file.</li>
 * <li>A placeholder part stands for keys of the file: {@code *} for one part or more ({@code nanobanana.price.*},
 * {@code nanobanana.*}), {@code <name>} for exactly one ({@code nanobanana.price.<res>}); at least one key must
 * fit.</li>
 * <li>{@code `retry.max-attempts`}, a code span that is a key without its {@code nanobanana.} prefix (its first part
 * is the first part of a key, such as {@code retry}, {@code s3} or {@code ledger}), optionally with {@code =value}:
 * the key with the prefix.</li>
 * <li>{@code NANOBANANA_STATUS_TOKEN}: the environment variable of a key (upper case, {@code .} and {@code -} as
 * {@code _}).</li>
 * </ul>
 *
 * <p>docs/configuration.md has one key per table row. Its default cell is empty or starts with {@code (} (such as
 * {@code (no cap)}) exactly when the file's value is empty, and otherwise starts with the file's value as a code span.
 */
class DocumentedKeysTest {

    private static final Path CONFIG = Path.of("config", "application.properties");
    private static final Path CONFIGURATION_PAGE = Path.of("docs", "configuration.md");
    private static final Path README = Path.of("README.md");

    private static final Pattern KEY = Pattern.compile(
            "(?<![\\w.$/-])nanobanana\\.((?:[a-z0-9-]+|\\*|<[a-z-]+>)(?:\\.(?:[a-z0-9-]+|\\*|<[a-z-]+>))*)");
    private static final Pattern SHORT_KEY = Pattern.compile("([a-z0-9-]+)((?:\\.[a-z0-9-]+)+)(=\\S*)?");
    private static final Pattern VARIABLE = Pattern.compile("(?<![A-Za-z0-9_])NANOBANANA_[A-Z0-9_]+");
    private static final Pattern FENCED_CODE = Pattern.compile("(?ms)^```.*?^```[^\\n]*$");
    private static final Pattern CODE_SPAN = Pattern.compile("`([^`]+)`");
    private static final Pattern LINK = Pattern.compile("!?\\[([^\\]]*)\\]\\(([^)\\s]+)\\)");
    private static final Pattern HEADING = Pattern.compile("(?m)^#{1,6} +(.+?) *$");
    private static final Pattern TABLE_ROW = Pattern.compile("(?m)^\\| *`([^`]+)` *\\|([^|]*)\\|.*\\|$");

    private static Properties file;
    private static List<Page> pages;

    @BeforeAll
    static void read() throws IOException {
        file = new Properties();
        try (Reader reader = Files.newBufferedReader(CONFIG)) {
            file.load(reader);
        }
        List<Path> paths = new ArrayList<>(List.of(README));
        try (Stream<Path> docs = Files.list(Path.of("docs"))) {
            docs.filter(path -> path.toString().endsWith(".md")).sorted().forEach(paths::add);
        }
        pages = paths.stream().map(Page::read).toList();
    }

    @Test
    void everyKeyThePagesNameIsAKeyOfTheConfigFile() {
        Set<String> keys = nanobananaKeys();
        Set<String> firstParts = keys.stream().filter(key -> key.indexOf('.', NanoBananaSettings.PREFIX.length()) > 0)
                .map(key -> key.substring(NanoBananaSettings.PREFIX.length()).split("\\.")[0])
                .collect(Collectors.toSet());
        Map<String, String> keyOfVariable = keys.stream().collect(Collectors.toMap(
                key -> key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'), key -> key));
        List<String> unknown = new ArrayList<>();
        for (Page page : pages) {
            Matcher named = KEY.matcher(page.text());
            while (named.find()) {
                String key = NanoBananaSettings.PREFIX + named.group(1);
                if (keys.stream().noneMatch(placeholders(key).asMatchPredicate())) {
                    unknown.add(page.path() + ": " + key);
                }
            }
            for (String span : page.codeSpans()) {
                Matcher shortKey = SHORT_KEY.matcher(span);
                if (shortKey.matches() && firstParts.contains(shortKey.group(1))
                    && !keys.contains(NanoBananaSettings.PREFIX + shortKey.group(1) + shortKey.group(2))) {
                    unknown.add(page.path() + ": `" + span + "`");
                }
            }
            Matcher variable = VARIABLE.matcher(page.text());
            while (variable.find()) {
                if (!keyOfVariable.containsKey(variable.group())) {
                    unknown.add(page.path() + ": " + variable.group());
                }
            }
        }
        assertThat(unknown).as("keys named in README.md and docs/ that " + CONFIG + " does not have").isEmpty();
    }

    @Test
    void theConfigurationPageListsEveryKeyWithTheDefaultTheFileGivesIt() {
        assertThat(CONFIGURATION_PAGE).as("the page that lists every key").isRegularFile();
        Page page = Page.read(CONFIGURATION_PAGE);
        Map<String, String> stated = new LinkedHashMap<>();
        List<String> wrong = new ArrayList<>();
        Matcher row = TABLE_ROW.matcher(page.text());
        while (row.find()) {
            String key = row.group(1);
            String cell = row.group(2).strip();
            if (stated.put(key, cell) != null) {
                wrong.add(key + " is listed twice");
            }
            String value = file.getProperty(key);
            if (value == null) {
                wrong.add(key + " is not a key of " + CONFIG);
            } else if (!statesDefault(cell, value)) {
                String fileSays = value.isEmpty() ? "nothing (say nothing, or its meaning in brackets)"
                        : "`" + value + "`";
                wrong.add(key + ": the page says " + (cell.isEmpty() ? "nothing" : cell) + ", the file " + fileSays);
            }
        }
        nanobananaKeys().stream().filter(key -> !stated.containsKey(key))
                .forEach(key -> wrong.add(key + " is a key of " + CONFIG + " and has no row"));

        assertThat(wrong).as("the keys of " + CONFIGURATION_PAGE).isEmpty();
    }

    @Test
    void everyLinkOfThePagesLeadsToAFileAndAHeadingThatExist() {
        Map<Path, Set<String>> anchors = new HashMap<>();
        pages.forEach(page -> anchors.put(page.path().normalize(), page.anchors()));
        List<String> broken = new ArrayList<>();
        Set<Path> linkedFromReadme = new TreeSet<>();
        for (Page page : pages) {
            for (String target : page.links()) {
                if (target.matches("[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
                    continue; // http:, https:, mailto: lead outside the repository
                }
                int hash = target.indexOf('#');
                String linkedFile = hash < 0 ? target : target.substring(0, hash);
                Path linked = linkedFile.isEmpty() ? page.path() : page.path().resolveSibling(linkedFile).normalize();
                if (!Files.exists(linked)) {
                    broken.add(page.path() + ": " + target + " (no file " + linked + ")");
                } else if (hash >= 0 && !anchors.getOrDefault(linked, Set.of()).contains(target.substring(hash + 1))) {
                    broken.add(page.path() + ": " + target + " (no such heading in " + linked + ")");
                }
                if (page.path().equals(README)) {
                    linkedFromReadme.add(linked);
                }
            }
        }

        assertThat(broken).as("links in README.md and docs/").isEmpty();
        assertThat(linkedFromReadme).as("every page of docs/ is found from README.md")
                .containsAll(pages.stream().map(Page::path).filter(path -> !path.equals(README)).toList());
    }

    private static Set<String> nanobananaKeys() {
        return file.stringPropertyNames().stream().filter(key -> key.startsWith(NanoBananaSettings.PREFIX))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** An empty value is stated as nothing or as what it means, in brackets; any other as itself, in code. */
    private static boolean statesDefault(String cell, String value) {
        return value.isEmpty() ? cell.isEmpty() || cell.startsWith("(") : cell.startsWith("`" + value + "`");
    }

    /** {@code nanobanana.price.*} matches every price key, {@code nanobanana.price.<res>} each one. */
    private static Pattern placeholders(String key) {
        return Pattern.compile(Stream.of(key.split("\\."))
                .map(part -> part.equals("*") ? "[a-z0-9.-]+"
                        : part.startsWith("<") ? "[a-z0-9-]+"
                        : Pattern.quote(part))
                .collect(Collectors.joining("\\.")));
    }

    /** A page of the documentation: its text, and what a reader can follow in it. */
    private record Page(Path path, String text) {

        static Page read(Path path) {
            try {
                return new Page(path, Files.readString(path));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** The text without its fenced code blocks, where nothing is a link or a code span. */
        String prose() {
            return FENCED_CODE.matcher(text).replaceAll("");
        }

        List<String> codeSpans() {
            return CODE_SPAN.matcher(prose()).results().map(span -> span.group(1)).toList();
        }

        List<String> links() {
            return LINK.matcher(CODE_SPAN.matcher(prose()).replaceAll("code")).results()
                    .map(link -> link.group(2)).toList();
        }

        /** The anchors GitHub gives the headings: lower case, no punctuation, spaces as hyphens, repeats numbered. */
        Set<String> anchors() {
            Map<String, Integer> seen = new HashMap<>();
            Set<String> anchors = new TreeSet<>();
            HEADING.matcher(prose()).results().forEach(heading -> {
                String slug = heading.group(1).replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1")
                        .toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
                int repeats = seen.merge(slug, 1, Integer::sum) - 1;
                anchors.add(repeats == 0 ? slug : slug + "-" + repeats);
            });
            return anchors;
        }
    }
}
