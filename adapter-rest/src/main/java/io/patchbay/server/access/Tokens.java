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

    static String sha256(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }

    static String hint(String token) {
        return token.substring(token.length() - 4);
    }
}
