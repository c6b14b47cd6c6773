package dev.nanobanana.emulator;

import java.util.concurrent.CompletableFuture;

/** Where the image a completed job hands back comes from. */
interface OutputImages {

    /** The job's image, made off the caller's thread. */
    CompletableFuture<EncodedImage> imageFor(EditInput input);
}
