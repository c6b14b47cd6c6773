package dev.nanobanana.camel.runpod;

import java.net.http.HttpTimeoutException;

/**
 * An answer's headers arrived, then its body stopped arriving: no byte for the read timeout. A timeout like one on
 * the headers, so it is retried, or left in doubt for a submit, as that is.
 */
public class BodyStalledException extends HttpTimeoutException {

    private static final long serialVersionUID = 1L;

    public BodyStalledException(String message) {
        super(message);
    }
}
