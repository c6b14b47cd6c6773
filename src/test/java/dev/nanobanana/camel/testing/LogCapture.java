package dev.nanobanana.camel.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

/**
 * Records what a logger (and the loggers under it) writes while a test runs, at a level the test chooses, instead of
 * printing it: for tests that assert what a user would see in the log, or what must never appear there.
 */
public final class LogCapture implements AutoCloseable {

    private final Logger logger;
    private final Level previousLevel;
    private final boolean previousAdditive;
    private final Recorder recorder = new Recorder();

    private LogCapture(String loggerName, Level level) {
        this.logger = (Logger) LoggerFactory.getLogger(loggerName);
        this.previousLevel = logger.getLevel();
        this.previousAdditive = logger.isAdditive();
        recorder.setContext(logger.getLoggerContext());
        recorder.start();
        logger.addAppender(recorder);
        logger.setLevel(level);
        logger.setAdditive(false);
    }

    /** Records the named logger's events at {@code level} and above; the console does not get them meanwhile. */
    public static LogCapture of(String loggerName, String level) {
        return new LogCapture(loggerName, Level.toLevel(level));
    }

    /**
     * Every recorded event as one line: level, logger, message, and the message of each exception in the cause
     * chain.
     */
    public List<String> lines() {
        return List.copyOf(recorder.lines);
    }

    /** All recorded lines in one text, to search in. */
    public String text() {
        return String.join("\n", recorder.lines);
    }

    @Override
    public void close() {
        logger.detachAppender(recorder);
        recorder.stop();
        logger.setLevel(previousLevel);
        logger.setAdditive(previousAdditive);
    }

    private static final class Recorder extends AppenderBase<ILoggingEvent> {

        final List<String> lines = new CopyOnWriteArrayList<>();

        @Override
        protected void append(ILoggingEvent event) {
            StringBuilder line = new StringBuilder()
                    .append(event.getLevel()).append(' ')
                    .append(event.getLoggerName()).append(' ')
                    .append(event.getFormattedMessage());
            for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
                line.append(" | ").append(t.getClassName()).append(": ").append(t.getMessage());
            }
            lines.add(line.toString());
        }
    }
}
