package io.patchbay.core;

import java.security.SecureRandom;
import java.time.Instant;

/**
 * Opaque, prefixed identifiers that sort by creation time: {@code prefix_} + 10 base32 characters of milliseconds +
 * 16 of randomness (80 bits). Never a database sequence.
 */
public final class Ids {
    private static final char[] ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {
    }

    public static String next(String prefix, Instant now) {
        StringBuilder sb = new StringBuilder(prefix.length() + 27).append(prefix).append('_');
        long millis = now.toEpochMilli();
        for (int i = 9; i >= 0; i--) {
            sb.append(ALPHABET[(int) ((millis >>> (i * 5)) & 31)]);
        }
        byte[] random = new byte[10];
        RANDOM.nextBytes(random);
        long hi = 0;
        for (int i = 0; i < 5; i++) {
            hi = (hi << 8) | (random[i] & 0xff);
        }
        long lo = 0;
        for (int i = 5; i < 10; i++) {
            lo = (lo << 8) | (random[i] & 0xff);
        }
        for (int i = 7; i >= 0; i--) {
            sb.append(ALPHABET[(int) ((hi >>> (i * 5)) & 31)]);
        }
        for (int i = 7; i >= 0; i--) {
            sb.append(ALPHABET[(int) ((lo >>> (i * 5)) & 31)]);
        }
        return sb.toString();
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
}
