package dev.nanobanana.camel.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * The log lines written while a test runs, each as it was written: level, the logger's short name, the message, and
 * the class and message of each exception in the cause chain ({@code | java.io.IOException: gone}). Either every line,
 * from each test's start (register with {@code @RegisterExtension}), or one logger's and those under it, for a block
 * ({@link #of}), which the console does not get meanwhile.
 */
public final class LogCapture implements BeforeEachCallback, AfterEachCallback, AutoCloseable {

    private final Recorder recorder = new Recorder();
    private final Logger logger;
    private final Level level;
    private final boolean alone;
    private Level previousLevel;
    private boolean previousAdditive;

    /** Every line at {@code level} and above, from the root logger. */
    public LogCapture(Level level) {
        this((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME), level, false);
    }

    private LogCapture(Logger logger, Level level, boolean alone) {
        this.logger = logger;
        this.level = level;
        this.alone = alone;
    }

    /** Records the named logger's lines at {@code level} and above, from now until closed. */
    public static LogCapture of(String loggerName, String level) {
        LogCapture capture = new LogCapture((Logger) LoggerFactory.getLogger(loggerName), Level.toLevel(level), true);
        capture.start();
        return capture;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        start();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        close();
    }

    /** Starts capturing; called before each test, or earlier by a test that must see start-up lines too. */
    public void start() {
        if (recorder.isStarted()) {
            return;
        }
        previousLevel = logger.getLevel();
        previousAdditive = logger.isAdditive();
        logger.setLevel(level);
        if (alone) {
            logger.setAdditive(false);
        }
        recorder.setContext(logger.getLoggerContext());
        recorder.start();
        logger.addAppender(recorder);
    }

    @Override
    public void close() {
        logger.detachAppender(recorder);
        recorder.stop();
        logger.setLevel(previousLevel);
        logger.setAdditive(previousAdditive);
    }

    public List<String> lines() {
        return recorder.lines.stream().map(Line::text).toList();
    }

    public List<String> lines(Level at) {
        return recorder.lines.stream().filter(line -> line.level() == at).map(Line::text).toList();
    }

    /** The lines logged with an exception: in a console, those come with a stack trace. */
    public List<String> withStackTrace() {
        return recorder.lines.stream().filter(Line::thrown).map(Line::text).toList();
    }

    /** All lines in one text, to search in. */
    public String text() {
        return String.join("\n", lines());
    }

    private record Line(Level level, String text, boolean thrown) {
    }

    /** Formats each event as it comes: its arguments may change later. */
    private static final class Recorder extends AppenderBase<ILoggingEvent> {

        final List<Line> lines = new CopyOnWriteArrayList<>();

        @Override
        protected void append(ILoggingEvent event) {
            String name = event.getLoggerName().substring(event.getLoggerName().lastIndexOf('.') + 1);
            StringBuilder line = new StringBuilder().append(event.getLevel()).append(' ').append(name).append(' ')
                    .append(event.getFormattedMessage());
            for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
                line.append(" | ").append(t.getClassName()).append(": ").append(t.getMessage());
            }
            lines.add(new Line(event.getLevel(), line.toString(), event.getThrowableProxy() != null));
        }
    }
}
