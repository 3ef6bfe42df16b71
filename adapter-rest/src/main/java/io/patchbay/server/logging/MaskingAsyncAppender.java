package io.patchbay.server.logging;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import io.patchbay.core.catalog.CallSecrets;

/**
 * The server's log queue, which masks the secrets of the connector calls in flight in what is logged on any thread
 * before the line is queued: a drop-in connector that logs a token through SLF4J (which the host shares with it)
 * instead of its context's logger, or from a thread of its own, is masked too. Masking happens before the queue,
 * while the call is still in flight; the writer thread may see the line after it has ended.
 */
final class MaskingAsyncAppender extends AsyncAppender {
    @Override
    protected void append(ILoggingEvent event) {
        super.append(CallSecrets.active() ? masked(event) : event);
    }

    /**
     * The event as text with the secrets masked, a throwable as text too, so its messages are masked; the event
     * itself when it holds no secret (the usual case, as every line is looked at while any call is in flight).
     */
    static ILoggingEvent masked(ILoggingEvent event) {
        String text = String.valueOf(event.getFormattedMessage());
        if (event.getThrowableProxy() != null) {
            text = text + System.lineSeparator() + ThrowableProxyUtil.asString(event.getThrowableProxy());
        }
        String masked = CallSecrets.mask(text);
        if (masked == text) {
            return event;
        }
        LoggingEvent copy = new LoggingEvent();
        copy.setLoggerName(event.getLoggerName());
        copy.setLevel(event.getLevel());
        copy.setThreadName(event.getThreadName());
        copy.setInstant(event.getInstant());
        copy.setMDCPropertyMap(event.getMDCPropertyMap());
        copy.setLoggerContextRemoteView(event.getLoggerContextVO());
        copy.setMessage(masked);
        return copy;
    }
}
