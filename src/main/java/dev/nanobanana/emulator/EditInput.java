package dev.nanobanana.emulator;

import java.util.List;

/** The validated {@code input} of an edit job, with the defaults filled in. */
record EditInput(String prompt, List<String> images, Resolution resolution, AspectRatio aspectRatio,
                 OutputFormat outputFormat, boolean base64Output) {

    EditInput {
        images = List.copyOf(images);
    }

    /** What an ended job still needs of its input: everything but the images, which can be megabytes of data URIs. */
    EditInput withoutImages() {
        return new EditInput(prompt, List.of(), resolution, aspectRatio, outputFormat, base64Output);
    }
}
