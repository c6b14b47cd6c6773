package dev.nanobanana.emulator;

import dev.nanobanana.camel.runpod.OutputFormat;

/** The encoded bytes of a finished job's image; the array is never changed once made. */
record EncodedImage(OutputFormat format, byte[] bytes) {
}
