package dev.nanobanana.emulator;

import dev.nanobanana.camel.runpod.AspectRatio;
import dev.nanobanana.camel.runpod.Resolution;

/**
 * Width and height in pixels of the image an emulated job makes: its long side 1024, 2048 or 4096 by resolution, its
 * shape the aspect ratio's.
 */
record ImageSize(int width, int height) {

    static ImageSize of(Resolution resolution, AspectRatio ratio) {
        int longSide = switch (resolution) {
            case ONE_K -> 1024;
            case TWO_K -> 2048;
            case FOUR_K -> 4096;
        };
        if (ratio.width() >= ratio.height()) {
            return new ImageSize(longSide, Math.round((float) longSide * ratio.height() / ratio.width()));
        }
        return new ImageSize(Math.round((float) longSide * ratio.width() / ratio.height()), longSide);
    }
}
