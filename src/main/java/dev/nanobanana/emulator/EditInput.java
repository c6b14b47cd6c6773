package dev.nanobanana.emulator;

import dev.nanobanana.camel.runpod.AspectRatio;
import dev.nanobanana.camel.runpod.OutputFormat;
import dev.nanobanana.camel.runpod.Resolution;

import java.util.List;

/**
 * The validated {@code input} of an edit job, with the defaults filled in; without an aspect ratio the emulator makes a
 * square image (the real model follows its input image, which the emulator does not look at).
 */
record EditInput(String prompt, List<String> images, Resolution resolution, AspectRatio aspectRatio,
                 OutputFormat outputFormat, boolean base64Output) {

    static final AspectRatio DEFAULT_ASPECT_RATIO = AspectRatio.RATIO_1_1;

    EditInput {
        images = List.copyOf(images);
    }

    /** What an ended job still needs of its input: everything but the images, which can be megabytes of data URIs. */
    EditInput withoutImages() {
        return new EditInput(prompt, List.of(), resolution, aspectRatio, outputFormat, base64Output);
    }
}
