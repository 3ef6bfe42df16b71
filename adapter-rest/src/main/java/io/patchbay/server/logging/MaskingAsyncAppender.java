package io.patchbay.server.logging;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import io.patchbay.core.catalog.CallSecrets;

/**
 * The server's log queue, which masks the secrets of a connector call in what is logged on that call's thread
 * before the line leaves it: a drop-in connector that logs a token through SLF4J (which the host shares with it)
 * instead of its context's logger is masked too. The writer thread cannot do it: it does not know the call.
 */
final class MaskingAsyncAppender extends AsyncAppender {
    @Override
    protected void append(ILoggingEvent event) {
        super.append(CallSecrets.active() ? masked(event) : event);
    }

    /** The event as text with the secrets masked; a throwable goes as text too, so its messages are masked. */
    static ILoggingEvent masked(ILoggingEvent event) {
        String text = event.getFormattedMessage();
        if (event.getThrowableProxy() != null) {
            text = text + System.lineSeparator() + ThrowableProxyUtil.asString(event.getThrowableProxy());
        }
        LoggingEvent copy = new LoggingEvent();
        copy.setLoggerName(event.getLoggerName());
        copy.setLevel(event.getLevel());
        copy.setThreadName(event.getThreadName());
        copy.setInstant(event.getInstant());
        copy.setMDCPropertyMap(event.getMDCPropertyMap());
        copy.setLoggerContextRemoteView(event.getLoggerContextVO());
        copy.setMessage(CallSecrets.mask(String.valueOf(text)));
        return copy;
    }
}
