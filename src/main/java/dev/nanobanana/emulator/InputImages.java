package dev.nanobanana.emulator;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** What the emulator makes of a job's input images before it runs the job. */
interface InputImages {

    /** The first of the images that cannot be read, if any, found without blocking the caller. */
    CompletableFuture<Optional<String>> firstUnreadable(List<String> images);

    /** Takes every image on trust, as the emulator does unless it is told to fetch them. */
    static InputImages trusted() {
        return images -> CompletableFuture.completedFuture(Optional.empty());
    }
}
