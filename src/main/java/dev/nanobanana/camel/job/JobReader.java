package dev.nanobanana.camel.job;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.nanobanana.camel.json.Json;
import dev.nanobanana.camel.runpod.RunsyncRequest;

/**
 * Reads a job file (JSON or YAML) into job drafts. A file holds one job, a list of jobs, {@code {"jobs": [...]}} or a
 * raw runsync body {@code {"input": {...}}}. A file that cannot be read becomes one draft that carries the problem, so
 * that it lands in the failed sink like any other invalid job. YAML anchors, aliases and merge keys are expanded
 * (see {@link YamlTree}).
 */
public class JobReader {

    /** Well above RunPod's 20 MB body, so that a big inline image is refused for its size, with a clear reason. */
    private static final int MAX_CHARS = 64 * 1024 * 1024;
    private static final int MB = 1024 * 1024;
    private static final int LISTED_FIELDS = 5;
    private static final YamlTree YAML = new YamlTree(MAX_CHARS, RunsyncRequest.MAX_BYTES);

    /** Reads a job file; job ids default to the file's name. */
    public List<JobDraft> read(String fileName, byte[] content) {
        return read(fileName, JobIds.fromFileName(fileName), content);
    }

    /** Reads jobs from a file or message; jobs without an id of their own get {@code baseId}, -2, -3... */
    public List<JobDraft> read(String fileName, String baseId, byte[] content) {
        JsonNode root;
        try {
            root = isYaml(fileName, content) ? YAML.read(content) : json(content);
        } catch (UnreadableJobFile e) {
            return List.of(JobDraft.unreadable(baseId, fileName, nameOf(fileName) + " " + e.getMessage()));
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return List.of(JobDraft.unreadable(baseId, fileName, nameOf(fileName) + " is empty: it holds no job"));
        }
        List<JsonNode> jobs = new ArrayList<>();
        String problem = collectJobs(root, jobs);
        if (problem != null) {
            return List.of(JobDraft.unreadable(baseId, fileName, nameOf(fileName) + ": " + problem));
        }
        return drafts(baseId, fileName, jobs);
    }

    private static JsonNode json(byte[] content) throws UnreadableJobFile {
        try {
            return Json.STRICT.readTree(content);
        } catch (StreamConstraintsException e) {
            throw new UnreadableJobFile(beyondLimit(e));
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            // Jackson names the source even when it may not show it; the file name is said already
            String message = firstLine(e.getOriginalMessage()).replaceAll("\\[Source: [^;]*; ", "[");
            throw new UnreadableJobFile("is not valid JSON" + where(at) + ": " + UnreadableJobFile.excerpt(message));
        } catch (IOException e) {
            throw new UnreadableJobFile("could not be read: " + UnreadableJobFile.excerpt(e.getMessage()));
        }
    }

    /** Jackson tells its limits apart only by the accessor its message names. */
    private static String beyondLimit(StreamConstraintsException e) {
        String message = String.valueOf(e.getOriginalMessage());
        String where = where(e.getLocation());
        if (message.contains("getMaxStringLength")) {
            return String.format("holds a value longer than %d characters (%d MB), the most one value of a job file "
                    + "may hold%s; RunPod takes at most %d MB for a whole job", MAX_CHARS, MAX_CHARS / MB,
                    where.isEmpty() ? "" : " (the value" + where + ")", RunsyncRequest.MAX_BYTES / MB);
        }
        if (message.contains("getMaxNameLength")) {
            return "holds a field name longer than " + Json.MAPPER.getFactory().streamReadConstraints().getMaxNameLength() + " characters" + where;
        }
        if (message.contains("getMaxNestingDepth")) {
            return "nests lists and objects more than " + Json.MAPPER.getFactory().streamReadConstraints().getMaxNestingDepth() + " levels deep" + where;
        }
        if (message.contains("getMaxNumberLength")) {
            return "holds a number longer than " + Json.MAPPER.getFactory().streamReadConstraints().getMaxNumberLength() + " digits" + where;
        }
        return "is beyond a limit of the JSON reader" + where + ": " + UnreadableJobFile.excerpt(message);
    }

    private static String where(JsonLocation at) {
        return at == null || at.getLineNr() < 1 ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
    }

    private static String collectJobs(JsonNode root, List<JsonNode> jobs) {
        JsonNode list = root;
        if (root.isObject() && root.has("jobs")) {
            if (root.size() > 1) {
                return "beside \"jobs\" a job file may hold nothing else, but it also holds "
                       + otherFields(root, "jobs");
            }
            list = root.get("jobs");
            if (!list.isArray()) {
                return "\"jobs\" must be a list of jobs";
            }
        }
        if (list.isArray()) {
            list.forEach(jobs::add);
        } else {
            jobs.add(list);
        }
        return jobs.isEmpty() ? "the file holds an empty list of jobs" : null;
    }

    private static List<JobDraft> drafts(String baseId, String fileName, List<JsonNode> jobs) {
        List<JobDraft> drafts = new ArrayList<>();
        Set<String> usedIds = new HashSet<>();
        for (int i = 0; i < jobs.size(); i++) {
            JsonNode node = jobs.get(i);
            String derivedId = unusedId(i == 0 ? baseId : baseId + "-" + (i + 1), usedIds);
            String position = jobs.size() > 1 ? "job " + (i + 1) + " of " + jobs.size() + ": " : "";
            if (!node.isObject()) {
                usedIds.add(derivedId);
                drafts.add(JobDraft.unreadable(derivedId, fileName,
                        position + "a job must be an object with fields, not " + kind(node)));
                continue;
            }
            ObjectNode fields = (ObjectNode) node;
            String problem = null;
            if (fields.has("input")) {
                if (fields.size() > 1) {
                    problem = position + "a runsync body may hold only \"input\", but it also holds "
                              + otherFields(fields, "input");
                } else if (!fields.get("input").isObject()) {
                    problem = position + "\"input\" must be an object with the job's fields";
                } else {
                    fields = (ObjectNode) fields.get("input");
                }
            }
            String id = derivedId;
            JsonNode explicitId = fields.get("id");
            if (problem == null && explicitId != null && explicitId.isTextual() && JobIds.isSafe(explicitId.asText())) {
                if (usedIds.contains(explicitId.asText())) {
                    problem = position + "id \"" + explicitId.asText() + "\" is used by an earlier job in this file";
                } else {
                    id = explicitId.asText();
                }
            }
            usedIds.add(id);
            drafts.add(problem == null ? JobDraft.of(id, fileName, fields) : JobDraft.unreadable(id, fileName, problem));
        }
        return drafts;
    }

    private static String unusedId(String id, Set<String> used) {
        String candidate = id;
        for (int n = 2; used.contains(candidate); n++) {
            candidate = id + "-" + n;
        }
        return candidate;
    }

    private static boolean isYaml(String fileName, byte[] content) {
        String name = fileName == null ? "" : fileName.toLowerCase(Locale.ROOT);
        if (name.endsWith(".yaml") || name.endsWith(".yml")) {
            return true;
        }
        if (name.endsWith(".json")) {
            return false;
        }
        String start = new String(content, 0, Math.min(content.length, 64), StandardCharsets.UTF_8).strip();
        return !(start.startsWith("{") || start.startsWith("["));
    }

    private static String firstLine(String text) {
        int end = text.indexOf('\n');
        return end < 0 ? text : text.substring(0, end);
    }

    private static String otherFields(JsonNode node, String except) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(name -> {
            if (!name.equals(except)) {
                names.add(JobValidator.shown(name));
            }
        });
        String listed = String.join(", ", names.subList(0, Math.min(names.size(), LISTED_FIELDS)));
        return names.size() > LISTED_FIELDS ? listed + " and " + (names.size() - LISTED_FIELDS) + " more" : listed;
    }

    private static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "a list";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> node.getNodeType().name().toLowerCase(Locale.ROOT);
        };
    }

    private static String nameOf(String fileName) {
        return fileName == null ? "the job" : fileName;
    }
}
