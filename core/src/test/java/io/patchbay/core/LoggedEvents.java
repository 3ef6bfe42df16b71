package io.patchbay.core;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** What a class logs through SLF4J while a test runs, from {@link #of} until {@link #close()}. */
public final class LoggedEvents implements AutoCloseable {
    private final Logger logger;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private LoggedEvents(Logger logger) {
        this.logger = logger;
        appender.start();
        logger.addAppender(appender);
    }

    public static LoggedEvents of(Class<?> source) {
        return new LoggedEvents((Logger) LoggerFactory.getLogger(source));
    }

    public List<ILoggingEvent> list() {
        return appender.list;
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
    }
}
