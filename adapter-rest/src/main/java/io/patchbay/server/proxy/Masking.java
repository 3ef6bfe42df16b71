package io.patchbay.server.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.patchbay.core.proxy.SecretMasking;
import java.nio.charset.StandardCharsets;

/** The core's {@link SecretMasking} on the listener's buffers, copying only an answer that holds a secret. */
final class Masking {
    private Masking() {
    }

    /**
     * An answer body with the secrets masked: the same bytes, retained, when none occurs (the usual case), else a
     * masked copy. The caller still releases {@code body}.
     */
    static ByteBuf mask(ByteBuf body, SecretMasking.Secrets secrets) {
        if (secrets.isEmpty()) {
            return body.retain();
        }
        String text = body.toString(StandardCharsets.ISO_8859_1);
        String masked = SecretMasking.maskLatin1(text, secrets);
        return masked == text ? body.retain() : Unpooled.wrappedBuffer(masked.getBytes(StandardCharsets.ISO_8859_1));
    }
}
