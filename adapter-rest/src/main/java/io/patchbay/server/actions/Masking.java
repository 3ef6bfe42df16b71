package io.patchbay.server.actions;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Replaces every occurrence of any secret in a byte sequence with a mask. */
final class Masking {
    private static final byte[] MASK = ProxyRoutes.MASK.getBytes(StandardCharsets.US_ASCII);

    private Masking() {
    }

    static byte[] mask(byte[] data, List<byte[]> secrets) {
        byte[] result = data;
        for (byte[] secret : secrets) {
            result = replace(result, secret);
        }
        return result;
    }

    private static byte[] replace(byte[] data, byte[] secret) {
        int at = indexOf(data, secret, 0);
        if (at < 0) {
            return data;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length);
        int from = 0;
        while (at >= 0) {
            out.write(data, from, at - from);
            out.write(MASK, 0, MASK.length);
            from = at + secret.length;
            at = indexOf(data, secret, from);
        }
        out.write(data, from, data.length - from);
        return out.toByteArray();
    }

    private static int indexOf(byte[] data, byte[] needle, int from) {
        outer:
        for (int i = from; i <= data.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (data[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
