package dev.nanobanana.camel.job;

import java.io.ByteArrayInputStream;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.reader.UnicodeReader;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Reads a YAML job file into a Jackson tree with its anchors, aliases and merge keys ({@code <<}) expanded, which
 * Jackson's own YAML parser does not do. Expansion is bounded, so that a "billion laughs" file is refused at once
 * instead of filling the memory, and an anchor used inside itself is refused instead of expanding forever.
 */
final class YamlTree {

    /** How many values aliases may repeat in one file; a job file with defaults shared by many jobs needs far fewer. */
    static final int MAX_REPEATED_VALUES = 100_000;
    /** How deep lists and objects may nest; a job file needs four levels. */
    static final int MAX_NESTING = 50;
    private static final int MB = 1024 * 1024;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final int maxChars;
    private final int maxLineBytes;

    /**
     * @param maxChars     the most characters a file may hold, and its values once its aliases are expanded
     * @param maxLineBytes the longest line read: SnakeYAML takes time that grows with the square of a line's length
     *                     (a 64 MB line takes many minutes)
     */
    YamlTree(int maxChars, int maxLineBytes) {
        this.maxChars = maxChars;
        this.maxLineBytes = maxLineBytes;
    }

    /** The file's content as a tree, or null when it holds no document. */
    JsonNode read(byte[] content) throws UnreadableJobFile {
        checkLines(content);
        Node root;
        try {
            LoaderOptions options = options();
            Composer composer = new Composer(new ParserImpl(new StreamReader(new UnicodeReader(
                    new ByteArrayInputStream(content))), options), new Resolver(), options);
            root = composer.getSingleNode();
        } catch (MarkedYAMLException e) {
            throw new UnreadableJobFile(describe(e));
        } catch (YAMLException e) {
            throw new UnreadableJobFile(describe(e));
        }
        return root == null ? null : new Expansion().value(root);
    }

    private LoaderOptions options() {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(maxChars);
        options.setNestingDepthLimit(MAX_NESTING);
        // the real bound is MAX_REPEATED_VALUES, counted while expanding; this one only stops the parser earlier
        options.setMaxAliasesForCollections(MAX_REPEATED_VALUES);
        return options;
    }

    private void checkLines(byte[] content) throws UnreadableJobFile {
        int line = 1;
        int start = 0;
        for (int i = 0; i <= content.length; i++) {
            if (i == content.length || content[i] == '\n' || content[i] == '\r') {
                if (i - start > maxLineBytes) {
                    throw new UnreadableJobFile(String.format("has a line of %.1f MB (line %d); a YAML job file may "
                            + "have lines of at most %d MB, RunPod's limit for a whole job (a JSON job file has no "
                            + "such limit)%s", (i - start) / (double) MB, line, maxLineBytes / MB,
                            contains(content, start, i, "data:") ? ": use image URLs rather than data: URIs" : ""));
                }
                line += content.length > i && content[i] == '\n' ? 1 : 0;
                start = i + 1;
            }
        }
    }

    private static boolean contains(byte[] content, int from, int to, String ascii) {
        outer:
        for (int i = from; i <= to - ascii.length(); i++) {
            for (int j = 0; j < ascii.length(); j++) {
                if (content[i + j] != ascii.charAt(j)) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private String describe(MarkedYAMLException e) {
        Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
        if ("but found another document".equals(e.getProblem())) {
            return "holds more than one YAML document (another starts at line " + (mark.getLine() + 1) + "): put all "
                   + "its jobs in one document, as a list";
        }
        String what = e.getContext() == null ? e.getProblem() : e.getContext() + ", " + e.getProblem();
        return "is not valid YAML" + at(mark) + ": " + UnreadableJobFile.excerpt(what);
    }

    private String describe(YAMLException e) {
        String message = String.valueOf(e.getMessage());
        // SnakeYAML tells its limits apart only by the words of its messages
        if (message.startsWith("The incoming YAML document exceeds the limit")) {
            return String.format("is longer than %d characters (%d MB), the most a YAML job file may hold", maxChars,
                    maxChars / MB);
        }
        if (message.startsWith("Nesting Depth exceeded")) {
            return "nests lists and objects more than " + MAX_NESTING + " levels deep; a job file needs four";
        }
        if (message.startsWith("Number of aliases for non-scalar nodes exceeds")) {
            return repeatedTooOften();
        }
        return "could not be read as YAML: " + UnreadableJobFile.excerpt(message);
    }

    private static String repeatedTooOften() {
        return "repeats more than " + MAX_REPEATED_VALUES + " values through its aliases (each alias stands for all "
               + "the values of its anchor); a job file may repeat at most " + MAX_REPEATED_VALUES;
    }

    private static String at(Mark mark) {
        return mark == null ? "" : " at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
    }

    /** One expansion of one file: counts what aliases repeat, and knows which anchors it is inside. */
    private final class Expansion {

        private final Set<Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        private final Set<Node> open = Collections.newSetFromMap(new IdentityHashMap<>());
        private long repeated;
        private long chars;

        JsonNode value(Node node) throws UnreadableJobFile {
            if (open.contains(node)) {
                throw new UnreadableJobFile("is not usable" + at(node.getStartMark()) + ": the anchor &"
                        + node.getAnchor() + " is used inside its own value, which would never end");
            }
            if (!seen.add(node) && ++repeated > MAX_REPEATED_VALUES) {
                throw new UnreadableJobFile(repeatedTooOften());
            }
            open.add(node);
            try {
                if (node instanceof ScalarNode scalar) {
                    count(scalar.getValue());
                    return YamlScalar.of(scalar);
                }
                if (node instanceof SequenceNode sequence) {
                    ArrayNode list = NODES.arrayNode(sequence.getValue().size());
                    for (Node item : sequence.getValue()) {
                        list.add(value(item));
                    }
                    return list;
                }
                return object((MappingNode) node);
            } finally {
                open.remove(node);
            }
        }

        private ObjectNode object(MappingNode mapping) throws UnreadableJobFile {
            Map<String, JsonNode> merged = new LinkedHashMap<>();
            Map<String, JsonNode> own = new LinkedHashMap<>();
            for (NodeTuple entry : mapping.getValue()) {
                Node key = entry.getKeyNode();
                if (Tag.MERGE.equals(key.getTag())) {
                    merge(entry.getValueNode(), merged);
                    continue;
                }
                if (!(key instanceof ScalarNode name)) {
                    throw new UnreadableJobFile("is not valid YAML" + at(key.getStartMark())
                            + ": a field name must be text, not a list or an object");
                }
                count(name.getValue());
                if (own.put(name.getValue(), value(entry.getValueNode())) != null) {
                    throw new UnreadableJobFile("is not valid YAML" + at(key.getStartMark()) + ": Duplicate field '"
                            + UnreadableJobFile.excerpt(name.getValue()) + "'");
                }
            }
            // the mapping's own fields win over merged ones; of merged ones, the first given wins
            merged.putAll(own);
            ObjectNode object = NODES.objectNode();
            object.setAll(merged);
            return object;
        }

        private void merge(Node source, Map<String, JsonNode> into) throws UnreadableJobFile {
            List<Node> mappings = source instanceof SequenceNode list ? list.getValue() : List.of(source);
            for (Node mapping : mappings) {
                if (!(mapping instanceof MappingNode)) {
                    throw new UnreadableJobFile("is not valid YAML" + at(mapping.getStartMark()) + ": a merge key "
                            + "(<<) takes an object or a list of objects, such as <<: *defaults");
                }
                for (Map.Entry<String, JsonNode> field : value(mapping).properties()) {
                    into.putIfAbsent(field.getKey(), field.getValue());
                }
            }
        }

        private void count(String text) throws UnreadableJobFile {
            chars += text.length();
            if (chars > maxChars) {
                throw new UnreadableJobFile(String.format("holds more than %d characters (%d MB) with its aliases "
                        + "expanded, the most a job file may hold", maxChars, maxChars / MB));
            }
        }
    }
}
