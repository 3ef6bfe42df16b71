package io.patchbay.core.catalog;

import io.patchbay.spi.Connector;
import io.patchbay.spi.Credentials;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.text.MessageFormat;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ResourceBundle;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The secrets of the connector calls in flight, and a logger that masks them: a connector that logs a token by
 * mistake (in a URL, a header dump, an exception message) still does not put it in the host's log, on the calling
 * thread or on a thread of its own (an HTTP client's callback, a pool). A net under the conformance kit's check, not
 * a licence: a line logged after its call has ended is not masked.
 */
public final class CallSecrets {
    /** Shorter values would mask ordinary words; the proxy masks from the same length. */
    public static final int MIN_LENGTH = 8;
    static final String MASK = "[REDACTED]";
    /**
     * Each secret of a call in flight, with how many calls hold it. Process-wide rather than per thread: a
     * connector's own threads cannot be told which call they work for.
     */
    private static final Map<String, Integer> IN_FLIGHT = new ConcurrentHashMap<>();

    private CallSecrets() {
    }

    /**
     * Runs {@code work} with {@code secrets} masked in what connectors log meanwhile, on any thread: the host runs
     * every connector method that handles credentials under it.
     */
    public static <T> T during(List<String> secrets, Supplier<T> work) {
        List<String> held = secrets.stream().filter(s -> s.length() >= MIN_LENGTH).distinct().toList();
        held.forEach(secret -> IN_FLIGHT.merge(secret, 1, Integer::sum));
        try {
            return work.get();
        } finally {
            held.forEach(secret -> IN_FLIGHT.computeIfPresent(secret, (k, calls) -> calls == 1 ? null : calls - 1));
        }
    }

    /** A logger that passes everything to {@code delegate} with the secrets of the calls in flight masked. */
    public static System.Logger masking(System.Logger delegate) {
        Objects.requireNonNull(delegate, "delegate");
        return delegate instanceof Masking ? delegate : new Masking(delegate);
    }

    /** The secret values of {@code credentials}, as {@code connector}'s spec marks them. */
    public static List<String> of(Connector connector, Credentials credentials) {
        Set<String> keys = connector.credentialSpec().secretKeys(credentials.authMethod());
        return credentials.values().entrySet().stream()
                .filter(e -> keys.contains(e.getKey())).map(Map.Entry::getValue).toList();
    }

    /** Whether a connector call with secrets to mask is in flight: a host's logging may then ask {@link #mask}. */
    public static boolean active() {
        return !IN_FLIGHT.isEmpty();
    }

    /**
     * {@code text} with the secrets of the calls in flight masked; {@code text} itself when none occurs. Every
     * character any secret covers is masked, so one secret within or overlapping another (two calls' tokens logged
     * side by side) leaves no part of either shown; a run of covered characters becomes one mask.
     */
    public static String mask(String text) {
        BitSet covered = null;
        for (String secret : IN_FLIGHT.keySet()) {
            for (int at = text.indexOf(secret); at >= 0; at = text.indexOf(secret, at + 1)) {
                covered = covered == null ? new BitSet(text.length()) : covered;
                covered.set(at, at + secret.length());
            }
        }
        if (covered == null) {
            return text;
        }
        StringBuilder masked = new StringBuilder(text.length());
        int shown = 0;
        for (int start = covered.nextSetBit(0); start >= 0; start = covered.nextSetBit(shown)) {
            int end = covered.nextClearBit(start);
            masked.append(text, shown, start).append(MASK);
            shown = end;
        }
        return masked.append(text, shown, text.length()).toString();
    }

    private static final class Masking implements System.Logger {
        private final System.Logger delegate;

        Masking(System.Logger delegate) {
            this.delegate = delegate;
        }

        @Override
        public String getName() {
            return delegate.getName();
        }

        @Override
        public boolean isLoggable(Level level) {
            return delegate.isLoggable(level);
        }

        // While any call is in flight every line is looked at; one that holds none of the secrets is passed on
        // as it was given (a throwable as a throwable), as outside a call.
        @Override
        public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
            if (!active()) {
                delegate.log(level, bundle, msg, thrown);
                return;
            }
            // A throwable's text (its message, its causes') is masked too, so when it shows a secret it goes as text.
            String text = thrown == null ? String.valueOf(msg) : msg + System.lineSeparator() + stackTrace(thrown);
            String masked = mask(text);
            if (masked == text) {
                delegate.log(level, bundle, msg, thrown);
            } else {
                delegate.log(level, bundle, masked, (Throwable) null);
            }
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            if (!active()) {
                delegate.log(level, bundle, format, params);
                return;
            }
            String text;
            try {
                text = params == null || params.length == 0 ? String.valueOf(format)
                        : MessageFormat.format(String.valueOf(format), params);
            } catch (IllegalArgumentException notMessageFormat) {
                text = format + " " + java.util.Arrays.toString(params);
            }
            String masked = mask(text);
            if (masked == text) {
                delegate.log(level, bundle, format, params);
            } else {
                delegate.log(level, bundle, masked, (Throwable) null);
            }
        }

        private static String stackTrace(Throwable thrown) {
            StringWriter out = new StringWriter();
            thrown.printStackTrace(new PrintWriter(out));
            return out.toString();
        }
    }
}
