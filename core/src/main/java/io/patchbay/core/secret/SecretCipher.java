package io.patchbay.core.secret;

/**
 * Port out: authenticated encryption of credentials at rest. The associated data binds a ciphertext to its
 * tenant and account, so a ciphertext copied to another row does not open.
 */
public interface SecretCipher {

    byte[] seal(byte[] plaintext, byte[] associatedData);

    /**
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
