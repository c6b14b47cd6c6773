package dev.nanobanana.emulator;

import java.time.Instant;

/**
 * One request the emulator received, as a test wants to check it.
 *
 * @param operation what the request asked for
 * @param method the HTTP method
 * @param path the path, with {@code ?query} when there was one
 * @param authorized whether it carried the emulator's Bearer key
 * @param body the body as UTF-8 text, empty when there was none
 * @param at when it arrived
 */
public record RecordedRequest(Operation operation, String method, String path, boolean authorized, String body,
        Instant at) {
}
