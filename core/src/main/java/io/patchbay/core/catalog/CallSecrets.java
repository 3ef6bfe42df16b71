package io.patchbay.core.catalog;

import io.patchbay.spi.Connector;
import io.patchbay.spi.Credentials;
import io.patchbay.spi.SecretForms;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.text.MessageFormat;
import java.time.Duration;
import java.util.BitSet;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ResourceBundle;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The secrets of the connector calls in flight, and a logger that masks them: a connector that logs a token by
 * mistake (in a URL, a header dump, an exception message) still does not put it in the host's log, on the calling
 * thread or on a thread of its own (an HTTP client's callback, a pool). A secret stays masked for
 * {@link #AFTER_CALL} after its last call ended, so a late answer to a call given up on, logged by an HTTP client's
 * interceptor when it arrives, is masked as well. A net under the conformance kit's check, not a licence.
 */
public final class CallSecrets {
    /** Shorter values would mask ordinary words; the proxy masks from the same length. */
    public static final int MIN_LENGTH = 8;
    static final String MASK = "[REDACTED]";
    /** How long a secret stays masked once its last call ended: longer than a provider call's default timeout. */
    public static final Duration AFTER_CALL = Duration.ofSeconds(60);
    /** The most secrets of ended calls kept (the most recently ended): each log line is searched for each. */
    static final int MAX_ENDED = 256;
    private static final long PURGE_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);
    /**
     * Each secret to mask: how many calls in flight hold it, and when the last one ended. Process-wide rather than
     * per thread: a connector's own threads cannot be told which call they work for.
     */
    private static final Map<String, Held> HELD = new ConcurrentHashMap<>();
    private static final AtomicLong LAST_PURGE = new AtomicLong(System.nanoTime());

    private record Held(int calls, long endedNanos) {
    }

    private CallSecrets() {
    }

    /**
     * Runs {@code work} with {@code secrets} masked in what connectors log meanwhile, on any thread: the host runs
     * every connector method that handles credentials under it.
     */
    public static <T> T during(List<String> secrets, Supplier<T> work) {
        List<String> held = forms(secrets);
        held.forEach(secret -> HELD.merge(secret, new Held(1, 0),
                (before, one) -> new Held(before.calls() + 1, before.endedNanos())));
        try {
            return work.get();
        } finally {
            long now = System.nanoTime();
            held.forEach(secret -> HELD.computeIfPresent(secret, (k, h) -> new Held(h.calls() - 1, now)));
            purge(now);
        }
    }

    /**
     * The values to look for: each secret of at least {@link #MIN_LENGTH} characters in every {@link SecretForms form}
     * a provider or a library writes it back in, without repeats.
     */
    public static List<String> forms(List<String> secrets) {
        return secrets.stream().filter(s -> s.length() >= MIN_LENGTH).flatMap(s -> SecretForms.of(s).stream())
                .distinct().toList();
    }

    /**
     * Forgets the secrets of calls that ended {@link #AFTER_CALL} or more before {@code now}, and beyond the
     * {@link #MAX_ENDED} most recently ended ones.
     */
    static void purge(long now) {
        LAST_PURGE.set(now);
        int ended = 0;
        for (Map.Entry<String, Held> entry : HELD.entrySet()) {
            Held seen = entry.getValue();
            if (seen.calls() > 0) {
                continue;
            }
            if (now - seen.endedNanos() >= AFTER_CALL.toNanos()) {
                forget(entry.getKey(), seen);
            } else {
                ended++;
            }
        }
        if (ended > MAX_ENDED) {
            HELD.entrySet().stream().filter(e -> e.getValue().calls() == 0)
                    .sorted(Comparator.comparingLong(e -> -e.getValue().endedNanos())).skip(MAX_ENDED).toList()
                    .forEach(e -> forget(e.getKey(), e.getValue()));
        }
    }

    /** Unless a call took the secret up again meanwhile. */
    private static void forget(String secret, Held seen) {
        HELD.computeIfPresent(secret, (k, current) -> current.equals(seen) ? null : current);
    }

    /** A logger that passes everything to {@code delegate} with the secrets {@link #mask}ed. */
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

    /**
     * Whether there are secrets to mask, of calls in flight or recently ended: a host's logging may then ask
     * {@link #mask}.
     */
    public static boolean active() {
        if (HELD.isEmpty()) {
            return false;
        }
        long now = System.nanoTime();
        long last = LAST_PURGE.get();
        if (now - last >= PURGE_EVERY_NANOS && LAST_PURGE.compareAndSet(last, now)) {
            purge(now); // when no call ends for a while, ended ones are forgotten on time all the same
        }
        return !HELD.isEmpty();
    }

    /**
     * {@code text} with the secrets of the calls in flight or recently ended masked; {@code text} itself when none
     * occurs. Every character any secret covers is masked, so one secret within or overlapping another (two calls'
     * tokens logged side by side) leaves no part of either shown; a run of covered characters becomes one mask.
     */
    public static String mask(String text) {
        return mask(text, HELD.keySet());
    }

    /** {@code text} with {@code secrets} masked as {@link #mask(String)} masks those of the calls. */
    static String mask(String text, Collection<String> secrets) {
        BitSet covered = null;
        for (String secret : secrets) {
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
