package io.patchbay.server.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * Decodes the rare provider answer that is compressed although the proxy asked for {@code identity}: masking reads
 * plain bytes, so what it cannot decode it refuses rather than pass on unmasked.
 */
final class ContentDecoding {
    private static final int CHUNK = 16 * 1024;

    /** The decoded answer would be larger than the proxy passes on. */
    static final class TooLargeException extends IOException {
        TooLargeException() {
            super("The decoded answer is too large", null);
        }
    }

    /** An encoding other than gzip or deflate. */
    static final class UnsupportedException extends IOException {
        UnsupportedException(String encoding) {
            super("The provider answered with Content-Encoding '" + printable(encoding) + "', which the proxy "
                    + "cannot decode to mask secrets; it decodes gzip and deflate only", null);
        }
    }

    /** The body is not in the encoding its header names. */
    static final class CorruptException extends IOException {
        CorruptException(String encoding) {
            super("The provider's answer is not valid " + encoding + " data", null);
        }
    }

    private ContentDecoding() {
    }

    /**
     * The body decoded: {@code body} itself for {@code identity}, else a new buffer the caller releases.
     *
     * @param maxBytes the most the decoded body may hold
     */
    static ByteBuf decode(ByteBuf body, String encoding, int maxBytes) throws IOException {
        String coding = encoding.strip().toLowerCase(Locale.ROOT);
        if (coding.isEmpty() || coding.equals("identity")) {
            return body;
        }
        boolean gzip = coding.equals("gzip") || coding.equals("x-gzip");
        if (!gzip && !coding.equals("deflate")) {
            throw new UnsupportedException(encoding);
        }
        if (!body.isReadable()) {
            return Unpooled.EMPTY_BUFFER;
        }
        // "deflate" is zlib-wrapped by the standard, raw from some servers.
        Inflater inflater = gzip ? null : new Inflater(!zlibWrapped(body));
        ByteBuf decoded = Unpooled.buffer(Math.min(maxBytes, Math.max(CHUNK, body.readableBytes() * 4)));
        try (InputStream in = gzip ? new GZIPInputStream(new ByteBufInputStream(body.duplicate()), CHUNK)
                : new InflaterInputStream(new ByteBufInputStream(body.duplicate()), inflater, CHUNK)) {
            while (true) {
                int room = maxBytes - decoded.writerIndex();
                int read = decoded.writeBytes(in, Math.max(1, Math.min(CHUNK, room)));
                if (read < 0) {
                    return decoded;
                }
                if (decoded.writerIndex() > maxBytes) {
                    throw new TooLargeException();
                }
            }
        } catch (TooLargeException e) {
            decoded.release();
            throw e;
        } catch (IOException e) {
            decoded.release();
            throw new CorruptException(gzip ? "gzip" : "deflate");
        } finally {
            if (inflater != null) {
                inflater.end();
            }
        }
    }

    /** Whether deflate data starts with a zlib header (RFC 1950: method 8, header a multiple of 31). */
    private static boolean zlibWrapped(ByteBuf body) {
        if (body.readableBytes() < 2) {
            return false;
        }
        int first = body.getUnsignedByte(body.readerIndex());
        int second = body.getUnsignedByte(body.readerIndex() + 1);
        return (first & 0x0f) == 8 && ((first << 8) | second) % 31 == 0;
    }

    private static String printable(String value) {
        String shown = value.length() > 40 ? value.substring(0, 40) + "..." : value;
        return shown.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
