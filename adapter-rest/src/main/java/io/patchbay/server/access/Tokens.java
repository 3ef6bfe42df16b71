package io.patchbay.server.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Bearer tokens are stored as their SHA-256 only: a stolen database does not authenticate anyone. */
final class Tokens {
    static final String API_KEY_PREFIX = "pb_sk_";
    static final String SESSION_PREFIX = "pb_cs_";

    private Tokens() {
    }

    /** Looking the algorithm up costs more than hashing a token; each thread keeps its own digest. */
    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    });

    static String sha256(String token) {
        return HexFormat.of().formatHex(SHA_256.get().digest(token.getBytes(StandardCharsets.UTF_8)));
    }

    static String hint(String token) {
        return token.substring(token.length() - 4);
    }
}
