package dev.nanobanana.emulator;

/**
 * Where a job run with {@code enable_base64_output: true} puts its image; RunPod does not document it,
 * so a client must cope with each of these.
 */
public enum Base64Style {
    /** {@code output.image_url} holds {@code data:image/png;base64,...}. */
    DATA_URI_IN_IMAGE_URL,
    /** {@code output.result} holds bare base64 and there is no {@code image_url}. */
    BARE_IN_RESULT,
    /** {@code output.image_url} holds bare base64. */
    BARE_IN_IMAGE_URL
}
