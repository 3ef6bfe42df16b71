package io.patchbay.server.logging;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import io.patchbay.core.catalog.CallSecrets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.event.KeyValuePair;

/**
 * The server's log queue, which masks the secrets of the connector calls in flight (and recently ended) in what is
 * logged on any thread before the line is queued: a drop-in connector that logs a token through SLF4J (which the
 * host shares with it) instead of its context's logger, or from a thread of its own, is masked too. The message,
 * the exception, and the MDC and key-value pairs (which the JSON format writes) are masked alike.
 */
final class MaskingAsyncAppender extends AsyncAppender {
    @Override
    protected void append(ILoggingEvent event) {
        super.append(CallSecrets.active() ? masked(event) : event);
    }

    /**
     * The event with the secrets masked: a throwable that shows one goes as text, so its messages are masked; the
     * event itself when it holds no secret (the usual case, as every line is looked at while any call is in flight).
     */
    static ILoggingEvent masked(ILoggingEvent event) {
        String text = String.valueOf(event.getFormattedMessage());
        if (event.getThrowableProxy() != null) {
            text = text + System.lineSeparator() + ThrowableProxyUtil.asString(event.getThrowableProxy());
        }
        String masked = CallSecrets.mask(text);
        Map<String, String> mdc = event.getMDCPropertyMap();
        Map<String, String> maskedMdc = masked(mdc);
        List<KeyValuePair> pairs = event.getKeyValuePairs();
        List<KeyValuePair> maskedPairs = masked(pairs);
        if (masked == text && maskedMdc == mdc && maskedPairs == pairs) {
            return event;
        }
        LoggingEvent copy = new LoggingEvent();
        copy.setLoggerName(event.getLoggerName());
        copy.setLevel(event.getLevel());
        copy.setThreadName(event.getThreadName());
        copy.setInstant(event.getInstant());
        copy.setMDCPropertyMap(maskedMdc);
        copy.setKeyValuePairs(maskedPairs);
        copy.setLoggerContextRemoteView(event.getLoggerContextVO());
        if (masked == text && (event.getThrowableProxy() == null
                || event.getThrowableProxy() instanceof ThrowableProxy)) {
            copy.setMessage(event.getFormattedMessage());
            copy.setThrowableProxy((ThrowableProxy) event.getThrowableProxy());
        } else {
            copy.setMessage(masked);
        }
        return copy;
    }

    /** The map with its values masked; the map itself when none holds a secret. */
    private static Map<String, String> masked(Map<String, String> values) {
        if (values == null || values.isEmpty()) {
            return values;
        }
        Map<String, String> copy = null;
        for (Map.Entry<String, String> entry : values.entrySet()) {
            String value = String.valueOf(entry.getValue());
            String masked = CallSecrets.mask(value);
            if (masked != value) {
                copy = copy == null ? new HashMap<>(values) : copy;
                copy.put(entry.getKey(), masked);
            }
        }
        return copy == null ? values : copy;
    }

    /** The pairs with their values masked (as text); the list itself when none holds a secret. */
    private static List<KeyValuePair> masked(List<KeyValuePair> pairs) {
        if (pairs == null || pairs.isEmpty()) {
            return pairs;
        }
        List<KeyValuePair> copy = null;
        for (int i = 0; i < pairs.size(); i++) {
            KeyValuePair pair = pairs.get(i);
            String value = String.valueOf(pair.value);
            String masked = CallSecrets.mask(value);
            if (masked != value) {
                copy = copy == null ? new ArrayList<>(pairs) : copy;
                copy.set(i, new KeyValuePair(pair.key, masked));
            }
        }
        return copy == null ? pairs : copy;
    }
}
