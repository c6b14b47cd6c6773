package dev.nanobanana.emulator;

import dev.nanobanana.camel.runpod.SubmitMode;

import java.util.Optional;

/**
 * What a request path asks for: the operation, the one method it takes and the job id or image file it names.
 *
 * @param operation the operation
 * @param method the HTTP method the operation takes
 * @param argument the job id or image file name, empty when the operation has none
 */
record Route(Operation operation, String method, String argument) {

    static final String ENDPOINT_PATH = "/v2/google-nano-banana-2-edit";
    static final String IMAGES_PATH = "/images/";

    static Optional<Route> of(String path) {
        if (path.startsWith(IMAGES_PATH)) {
            return nonEmpty(Operation.IMAGE, "GET", path.substring(IMAGES_PATH.length()));
        }
        if (!path.startsWith(ENDPOINT_PATH + "/")) {
            return Optional.empty();
        }
        String rest = path.substring(ENDPOINT_PATH.length() + 1);
        if (rest.startsWith("status/")) {
            return nonEmpty(Operation.STATUS, "GET", rest.substring("status/".length()));
        }
        if (rest.startsWith("cancel/")) {
            return nonEmpty(Operation.CANCEL, "POST", rest.substring("cancel/".length()));
        }
        return switch (rest) {
            case "runsync" -> Optional.of(new Route(Operation.RUNSYNC, "POST", ""));
            case "run" -> Optional.of(new Route(Operation.RUN, "POST", ""));
            case "health" -> Optional.of(new Route(Operation.HEALTH, "GET", ""));
            default -> Optional.empty();
        };
    }

    private static Optional<Route> nonEmpty(Operation operation, String method, String argument) {
        return argument.isEmpty() || argument.contains("/")
                ? Optional.empty()
                : Optional.of(new Route(operation, method, argument));
    }

    /** RunPod's payload limits for runsync and run; other operations take no body worth keeping. */
    int bodyLimit() {
        return switch (operation) {
            case RUNSYNC -> SubmitMode.RUNSYNC.maxBodyBytes();
            case RUN -> SubmitMode.RUN.maxBodyBytes();
            default -> 64 * 1024;
        };
    }

    /** Images are served without a key, like RunPod's CDN. */
    boolean needsKey() {
        return operation != Operation.IMAGE;
    }
}
