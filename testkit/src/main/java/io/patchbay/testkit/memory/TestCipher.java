package io.patchbay.testkit.memory;

import io.patchbay.core.error.SecretUnavailableException;
import io.patchbay.core.secret.SecretCipher;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * A real AES-256-GCM cipher with one random in-memory key, for tests that need a {@link SecretCipher} without the
 * storage adapter's keysets. Ciphertext = 12-byte nonce + GCM output; the associated data is authenticated.
 */
public final class TestCipher implements SecretCipher {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final SecretKey key;

    public TestCipher() {
        try {
            KeyGenerator generator = KeyGenerator.getInstance("AES");
            generator.init(256);
            this.key = generator.generateKey();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public byte[] seal(byte[] plaintext, byte[] associatedData) {
        try {
            byte[] nonce = new byte[12];
            RANDOM.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
            cipher.updateAAD(associatedData);
            byte[] sealed = cipher.doFinal(plaintext);
            byte[] out = Arrays.copyOf(nonce, 12 + sealed.length);
            System.arraycopy(sealed, 0, out, 12, sealed.length);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public byte[] open(byte[] ciphertext, byte[] associatedData) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, ciphertext, 0, 12));
            cipher.updateAAD(associatedData);
            return cipher.doFinal(ciphertext, 12, ciphertext.length - 12);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new SecretUnavailableException("secret cannot be opened with this key and binding", e);
        }
    }
}
