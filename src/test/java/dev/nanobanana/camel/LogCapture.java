package dev.nanobanana.camel;

import java.util.List;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/** Every log line written while a test runs, as a user would read it in the console (register with @RegisterExtension). */
final class LogCapture implements BeforeEachCallback, AfterEachCallback {

    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final Level level;
    private Level rootLevel;

    LogCapture(Level level) {
        this.level = level;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        start();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        root.detachAppender(appender);
        root.setLevel(rootLevel);
    }

    /** Starts capturing; called before each test, or earlier by a test that must see start-up lines too. */
    void start() {
        if (appender.isStarted()) {
            return;
        }
        rootLevel = root.getLevel();
        root.setLevel(level);
        appender.start();
        root.addAppender(appender);
    }

    /** The lines so far: level, logger's short name and message, then any stack trace. */
    List<String> lines() {
        synchronized (appender) {
            return appender.list.stream().map(LogCapture::line).toList();
        }
    }

    List<String> lines(Level at) {
        synchronized (appender) {
            return appender.list.stream().filter(event -> event.getLevel() == at).map(LogCapture::line).toList();
        }
    }

    private static String line(ILoggingEvent event) {
        String name = event.getLoggerName().substring(event.getLoggerName().lastIndexOf('.') + 1);
        String line = event.getLevel() + " " + name + " " + event.getFormattedMessage();
        return event.getThrowableProxy() == null ? line
                : line + System.lineSeparator() + ThrowableProxyUtil.asString(event.getThrowableProxy());
    }
}
