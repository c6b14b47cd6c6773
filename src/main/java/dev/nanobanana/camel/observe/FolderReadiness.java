package dev.nanobanana.camel.observe;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.nanobanana.camel.settings.KnownSecrets;

/**
 * Ready while the folders the pipeline writes can be written: the completed and failed sink folders and the spool
 * (a paid image goes there first). A missing folder is fine when it can be created, as it is when first written.
 * Looked at on each call: it costs a few system calls.
 */
final class FolderReadiness extends ReadinessCheck {

    static final String ID = "nanobanana-folders";

    /** What each folder is, by the setting that names it. */
    private final Map<String, Path> folders;

    FolderReadiness(Map<String, Path> folders, KnownSecrets secrets) {
        super(ID, secrets);
        this.folders = new LinkedHashMap<>(folders);
    }

    @Override
    Verdict verdict() {
        List<String> problems = new ArrayList<>();
        folders.forEach((setting, folder) -> {
            String problem = problem(folder);
            if (problem != null) {
                problems.add("the folder " + folder + " (" + setting + ") cannot be written: " + problem);
            }
        });
        return problems.isEmpty() ? Verdict.up("the sink folders and the spool can be written")
                : Verdict.down(String.join("; ", problems));
    }

    private static String problem(Path folder) {
        if (Files.isDirectory(folder)) {
            return Files.isWritable(folder) && Files.isExecutable(folder) ? null
                    : "it is not writable: fix its permissions, or name another folder";
        }
        if (Files.exists(folder)) {
            return "it is a file, not a folder";
        }
        Path parent = folder.toAbsolutePath().getParent();
        while (parent != null && !Files.exists(parent)) {
            parent = parent.getParent();
        }
        if (parent == null || !Files.isDirectory(parent) || !Files.isWritable(parent)) {
            return "it does not exist, and " + parent + " does not let it be created";
        }
        return null;
    }
}
