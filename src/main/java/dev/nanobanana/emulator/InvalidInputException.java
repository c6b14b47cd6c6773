package dev.nanobanana.emulator;

/** A request body that RunPod would reject with HTTP 400; the message says why, for the client to read. */
final class InvalidInputException extends Exception {

    InvalidInputException(String reason) {
        super(reason);
    }
}
