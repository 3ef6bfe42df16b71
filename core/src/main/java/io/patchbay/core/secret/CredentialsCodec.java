package io.patchbay.core.secret;

import io.patchbay.spi.Credentials;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** The plaintext layout of sealed credentials: a version byte, the auth method, then key/value pairs. */
public final class CredentialsCodec {
    private static final int FORMAT = 1;

    private CredentialsCodec() {
    }

    public static byte[] encode(Credentials credentials) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            out.writeUTF(credentials.authMethod());
            out.writeInt(credentials.values().size());
            for (Map.Entry<String, String> e : credentials.values().entrySet()) {
                out.writeUTF(e.getKey());
                out.writeUTF(e.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static Credentials decode(byte[] plaintext) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(plaintext))) {
            int format = in.readUnsignedByte();
            if (format != FORMAT) {
                throw new IllegalArgumentException("unknown credentials format " + format);
            }
            String method = in.readUTF();
            int count = in.readInt();
            Map<String, String> values = new LinkedHashMap<>();
            for (int i = 0; i < count; i++) {
                values.put(in.readUTF(), in.readUTF());
            }
            return new Credentials(method, values);
        } catch (IOException e) {
            throw new IllegalArgumentException("unreadable credentials", e);
        }
    }

    /** The last 4 characters of the first hinted value, for display; empty when no field may be hinted. */
    public static String hint(Credentials credentials, java.util.Set<String> hintedKeys) {
        String value = credentials.values().entrySet().stream()
                .filter(e -> hintedKeys.contains(e.getKey()))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElse("");
        // Short secrets would be half revealed by 4 characters: show fewer.
        int shown = value.length() >= 16 ? 4 : Math.max(0, value.length() / 4);
        return value.substring(value.length() - shown);
    }
}
