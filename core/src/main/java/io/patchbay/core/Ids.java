package io.patchbay.core;

import io.patchbay.spi.FieldError;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;

/**
 * Opaque, prefixed identifiers that sort by creation time: {@code prefix_} + 10 base32 characters of milliseconds +
 * 16 of randomness (80 bits). Never a database sequence.
 */
public final class Ids {
    private static final char[] ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private static final long MASK_40 = (1L << 40) - 1;

    /** The longest id the application may give: ids are keys in every index and in change notifications. */
    public static final int MAX_LENGTH = 200;

    private static long lastMillis = -1;
    private static long lastHi;
    private static long lastLo;

    private Ids() {
    }

    /**
     * The next id. Within one millisecond (or when the clock steps back) the random part is incremented instead of
     * drawn again, so ids from one process sort in the order they were made.
     */
    public static synchronized String next(String prefix, Instant now) {
        long millis = Math.max(now.toEpochMilli(), lastMillis);
        if (millis == lastMillis) {
            lastLo = (lastLo + 1) & MASK_40;
            if (lastLo == 0) {
                lastHi = (lastHi + 1) & MASK_40;
            }
        } else {
            byte[] random = new byte[10];
            RANDOM.nextBytes(random);
            lastHi = bits40(random, 0) & (MASK_40 >>> 1); // top bit kept clear: room to increment
            lastLo = bits40(random, 5);
            lastMillis = millis;
        }
        StringBuilder sb = new StringBuilder(prefix.length() + 27).append(prefix).append('_');
        append(sb, millis, 10);
        append(sb, lastHi, 8);
        append(sb, lastLo, 8);
        return sb.toString();
    }

    private static long bits40(byte[] bytes, int from) {
        long value = 0;
        for (int i = from; i < from + 5; i++) {
            value = (value << 8) | (bytes[i] & 0xff);
        }
        return value;
    }

    private static void append(StringBuilder sb, long value, int chars) {
        for (int i = chars - 1; i >= 0; i--) {
            sb.append(ALPHABET[(int) ((value >>> (i * 5)) & 31)]);
        }
    }

    /**
     * Whether {@code value} has the shape of an id {@link #next} makes with {@code prefix}: the prefix, {@code _} and
     * 26 characters of its alphabet.
     */
    public static boolean isShaped(String prefix, String value) {
        int start = prefix.length() + 1;
        if (value.length() != start + 26 || !value.startsWith(prefix + "_")) {
            return false;
        }
        for (int i = start; i < value.length(); i++) {
            if (Arrays.binarySearch(ALPHABET, value.charAt(i)) < 0) {
                return false;
            }
        }
        return true;
    }

    /** A random secret token: {@code prefix} + 32 base32 characters (160 bits). */
    public static String secretToken(String prefix) {
        byte[] random = new byte[20];
        RANDOM.nextBytes(random);
        StringBuilder sb = new StringBuilder(prefix);
        int buffer = 0;
        int bits = 0;
        for (byte b : random) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                sb.append(ALPHABET[(buffer >>> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        return sb.toString();
    }

    /**
     * Why {@code value} cannot be an id the application gives (a tenant, owner or team id), if it cannot: stored with
     * the account and compared on every read, a blank or padded id, or one with control characters, would never
     * match what the application sends next; a very long one would bloat every index it is a key of.
     */
    public static Optional<FieldError> check(String field, String value) {
        Optional<FieldError> text = Texts.check(field, value, MAX_LENGTH);
        if (text.isPresent()) {
            return text;
        }
        if (!value.equals(value.strip())) {
            return Optional.of(new FieldError(field, "surrounding_spaces", field
                    + " must not start or end with spaces"));
        }
        return Optional.empty();
    }
}
