package io.patchbay.core.proxy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * Decodes the rare provider answer that is compressed although the proxy asked for {@code identity}: masking reads
 * plain bytes, so what it cannot decode it refuses rather than pass on unmasked.
 */
public final class ContentDecoding {
    private static final int CHUNK = 16 * 1024;

    /** The decoded answer would be larger than the proxy passes on. */
    public static final class TooLargeException extends IOException {
        public TooLargeException() {
            super("The decoded answer is too large", null);
        }
    }

    /**
     * An encoding other than gzip or deflate, or more than one. The message names what is supported, never the
     * provider's value: its header is its own bytes, and may hold what the proxy sent it (a token).
     */
    public static final class UnsupportedException extends IOException {
        public UnsupportedException() {
            super("The provider answered with a Content-Encoding the proxy cannot decode to mask secrets; it "
                    + "decodes one gzip or deflate coding only", null);
        }
    }

    /** The body is not in the encoding its header names. */
    public static final class CorruptException extends IOException {
        public CorruptException(String encoding) {
            super("The provider's answer is not valid " + encoding + " data", null);
        }
    }

    private ContentDecoding() {
    }

    /**
     * The coding an answer states, from all its {@code Content-Encoding} lines as one list; null when none. Read
     * whole, so that a second line cannot hide a coding behind a first {@code identity}: a list of codings is
     * refused by {@link #decode}.
     */
    public static String encoding(List<String> headerLines) {
        return headerLines.isEmpty() ? null : String.join(", ", headerLines);
    }

    /** Whether an answer with this {@code Content-Encoding} (null when none) is plain bytes already. */
    public static boolean isIdentity(String encoding) {
        return encoding == null || encoding.isBlank() || encoding.strip().equalsIgnoreCase("identity");
    }

    /**
     * The body decoded; {@code body} itself for {@code identity}.
     *
     * @param length   how many bytes of {@code body}, from {@code offset}, the answer holds
     * @param maxBytes the most the decoded body may hold
     */
    public static byte[] decode(byte[] body, int offset, int length, String encoding, int maxBytes)
            throws IOException {
        String coding = encoding.strip().toLowerCase(Locale.ROOT);
        if (coding.isEmpty() || coding.equals("identity")) {
            return body;
        }
        boolean gzip = coding.equals("gzip") || coding.equals("x-gzip");
        if (!gzip && !coding.equals("deflate")) {
            throw new UnsupportedException();
        }
        if (length == 0) {
            return new byte[0];
        }
        // "deflate" is zlib-wrapped by the standard, raw from some servers.
        Inflater inflater = gzip ? null : new Inflater(!zlibWrapped(body, offset, length));
        ByteArrayOutputStream decoded = new ByteArrayOutputStream(Math.min(maxBytes, Math.max(CHUNK, length * 4)));
        InputStream compressed = new ByteArrayInputStream(body, offset, length);
        byte[] chunk = new byte[CHUNK];
        try (InputStream in = gzip ? new GZIPInputStream(compressed, CHUNK)
                : new InflaterInputStream(compressed, inflater, CHUNK)) {
            while (true) {
                int room = maxBytes - decoded.size();
                int read = in.read(chunk, 0, Math.max(1, Math.min(CHUNK, room)));
                if (read < 0) {
                    return decoded.toByteArray();
                }
                decoded.write(chunk, 0, read);
                if (decoded.size() > maxBytes) {
                    throw new TooLargeException();
                }
            }
        } catch (TooLargeException e) {
            throw e;
        } catch (IOException e) {
            throw new CorruptException(gzip ? "gzip" : "deflate");
        } finally {
            if (inflater != null) {
                inflater.end();
            }
        }
    }

    /** Whether deflate data starts with a zlib header (RFC 1950: method 8, header a multiple of 31). */
    private static boolean zlibWrapped(byte[] body, int offset, int length) {
        if (length < 2) {
            return false;
        }
        int first = body[offset] & 0xff;
        int second = body[offset + 1] & 0xff;
        return (first & 0x0f) == 8 && ((first << 8) | second) % 31 == 0;
    }
}
