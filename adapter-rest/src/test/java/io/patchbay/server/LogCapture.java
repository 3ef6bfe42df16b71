package io.patchbay.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Captures every log event of every logger while open, rendered as the text an appender could write. */
final class LogCapture implements AutoCloseable {
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    LogCapture() {
        appender.setContext(root.getLoggerContext());
        appender.start();
        root.addAppender(appender);
    }

    /** Each event as message, arguments, key-values, MDC and the whole throwable chain with stack frames. */
    List<String> lines() {
        return lines(Level.ALL);
    }

    /** As {@link #lines()}, of the events at {@code level} only ({@link Level#ALL} for every one). */
    List<String> lines(Level level) {
        List<String> lines = new ArrayList<>();
        synchronized (appender) { // appends hold the appender's lock (AppenderBase.doAppend)
            for (ILoggingEvent event : appender.list) {
                if (level != Level.ALL && !event.getLevel().equals(level)) {
                    continue;
                }
                StringBuilder text = new StringBuilder(event.getLoggerName()).append(' ')
                        .append(event.getFormattedMessage());
                if (event.getArgumentArray() != null) {
                    for (Object argument : event.getArgumentArray()) {
                        text.append(" arg=").append(argument);
                    }
                }
                if (event.getKeyValuePairs() != null) {
                    event.getKeyValuePairs().forEach(kv -> text.append(' ').append(kv.key).append('=').append(kv.value));
                }
                event.getMDCPropertyMap().forEach((k, v) -> text.append(' ').append(k).append('=').append(v));
                for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
                    text.append(" caused by ").append(t.getClassName()).append(": ").append(t.getMessage());
                    for (StackTraceElementProxy frame : t.getStackTraceElementProxyArray()) {
                        text.append("\n\t").append(frame.getSTEAsString());
                    }
                }
                lines.add(text.toString());
            }
        }
        return lines;
    }

    @Override
    public void close() {
        root.detachAppender(appender);
        appender.stop();
    }
}
