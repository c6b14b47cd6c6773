package dev.nanobanana.camel.app;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

import org.slf4j.Logger;

/**
 * Text printed to it becomes log lines, one INFO event a line: what a batch prints (its progress, its summary, a dry
 * run's table) when the log is JSON, so that every line of the runtime's output is one JSON object.
 */
final class LoggedLines extends OutputStream {

    private final Logger log;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    LoggedLines(Logger log) {
        this.log = log;
    }

    @Override
    public synchronized void write(int b) {
        if (b == '\n') {
            // a blank line spaces text out for a reader; as an event it says nothing
            if (line.size() > 0) {
                log.info(line.toString(StandardCharsets.UTF_8));
            }
            line.reset();
        } else if (b != '\r') {
            line.write(b);
        }
    }
}
