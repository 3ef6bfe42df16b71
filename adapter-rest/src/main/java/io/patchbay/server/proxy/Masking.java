package io.patchbay.server.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Replaces every occurrence of any secret in an answer with a mask. Bytes are searched as Latin-1 text: one byte
 * per char keeps offsets equal, and {@link String#indexOf(String)} is the JVM's vectorized search.
 */
final class Masking {
    static final String MASK = "[REDACTED]";

    private Masking() {
    }

    /**
     * An answer body with the secrets masked: the same bytes, retained, when none occurs (the usual case), else a
     * masked copy. The caller still releases {@code body}.
     */
    static ByteBuf mask(ByteBuf body, List<String> latin1Secrets) {
        if (latin1Secrets.isEmpty()) {
            return body.retain();
        }
        String text = body.toString(StandardCharsets.ISO_8859_1);
        String masked = mask(text, latin1Secrets);
        return masked == text ? body.retain() : Unpooled.wrappedBuffer(masked.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** {@code text} itself when no secret occurs in it; works on Latin-1 views of UTF-8 as on plain text. */
    static String mask(String text, List<String> secrets) {
        String result = text;
        for (String secret : secrets) {
            if (result.contains(secret)) {
                result = result.replace(secret, MASK);
            }
        }
        return result;
    }

    /** A secret as the Latin-1 view of its UTF-8 bytes, the form {@link #mask(ByteBuf, List)} searches for. */
    static String latin1View(String secret) {
        return new String(secret.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }
}
