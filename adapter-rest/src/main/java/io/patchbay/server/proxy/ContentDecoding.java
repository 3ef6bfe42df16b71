package io.patchbay.server.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.io.IOException;

/**
 * The core's {@link io.patchbay.core.proxy.ContentDecoding} on the listener's buffers, for the rare provider answer
 * that is compressed although the proxy asked for {@code identity}.
 */
final class ContentDecoding {
    private ContentDecoding() {
    }

    /** The coding the answer states, all its {@code Content-Encoding} lines together; null when none. */
    static String encoding(HttpHeaders headers) {
        return headers.contains(HttpHeaderNames.CONTENT_ENCODING)
                ? io.patchbay.core.proxy.ContentDecoding.encoding(headers.getAll(HttpHeaderNames.CONTENT_ENCODING))
                : null;
    }

    /**
     * Whether the answer names a transfer coding besides {@code chunked} (on any {@code Transfer-Encoding} line):
     * once the chunks are read, its body is still in that coding ({@code gzip, chunked}). The proxy does not decode
     * transfer codings, so such an answer cannot be masked.
     */
    static boolean otherTransferCoding(HttpHeaders headers) {
        for (String line : headers.getAll(HttpHeaderNames.TRANSFER_ENCODING)) {
            for (String coding : line.split(",")) {
                String name = coding.strip();
                if (!name.isEmpty() && !name.equalsIgnoreCase("chunked")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether an answer with this {@code Content-Encoding} (null when none) is plain bytes already. */
    static boolean isIdentity(String encoding) {
        return io.patchbay.core.proxy.ContentDecoding.isIdentity(encoding);
    }

    /**
     * The body decoded: {@code body} itself for {@code identity}, else a new buffer the caller releases.
     *
     * @param maxBytes the most the decoded body may hold
     */
    static ByteBuf decode(ByteBuf body, String encoding, int maxBytes) throws IOException {
        if (isIdentity(encoding)) {
            return body;
        }
        // The rare path: the compressed bytes are read in place when the buffer has an array, else copied once.
        byte[] array;
        int offset;
        if (body.hasArray()) {
            array = body.array();
            offset = body.arrayOffset() + body.readerIndex();
        } else {
            array = ByteBufUtil.getBytes(body);
            offset = 0;
        }
        byte[] decoded = io.patchbay.core.proxy.ContentDecoding.decode(array, offset, body.readableBytes(), encoding,
                maxBytes);
        return decoded.length == 0 ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(decoded);
    }
}
