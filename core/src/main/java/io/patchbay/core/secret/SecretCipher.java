package io.patchbay.core.secret;

/**
 * Port out: authenticated encryption of credentials at rest. The associated data binds a ciphertext to its
 * tenant and account, so a ciphertext copied to another row does not open.
 *
 * <p>Both methods return a new array that shares nothing with their arguments or with what the cipher keeps: the
 * caller overwrites the plaintext it passed to {@code seal} and the plaintext {@code open} returned once it is done
 * with them, so a cipher that returned its input (or a view of stored bytes) would lose the secret.
 */
public interface SecretCipher {

    /** A new array holding the ciphertext; {@code plaintext} is left for the caller to overwrite. */
    byte[] seal(byte[] plaintext, byte[] associatedData);

    /**
     * A new array holding the plaintext, which the caller overwrites after use.
     *
     * @throws io.patchbay.core.error.SecretUnavailableException when no configured key opens it, or it was
     *                                                           tampered with or bound to another account
     */
    byte[] open(byte[] ciphertext, byte[] associatedData);

    /** The associated data for one account's secret. */
    static byte[] associatedData(String tenantId, String accountId) {
        return ("patchbay/account/v1\u0000" + tenantId + "\u0000" + accountId)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
