package dev.nanobanana.camel.job;

import java.io.IOException;


/**
 * A kind of image reference RunPod cannot read itself, such as {@code s3://bucket/key}: checked before anything is
 * sent, and turned into a URL RunPod can fetch when the job is sent. Bind one in the Camel registry to have jobs use
 * it; the records keep the reference as written.
 */
public interface ImageReferences {

    /** Whether this kind takes the reference. */
    boolean handles(String reference);

    /**
     * Checks that the image exists and can be sent.
     *
     * @throws InvalidJobException naming the reference when it cannot be
     * @throws IOException when the store could not be asked; worth another attempt
     */
    void check(String reference) throws InvalidJobException, IOException;

    /** The URL RunPod fetches the image from; made when the job is sent, so that it is fresh. */
    String urlFor(String reference);
}
