package io.patchbay.core.error;

/** A stored secret cannot be opened: no configured key fits, or the ciphertext was tampered with or moved. */
public final class SecretUnavailableException extends PatchbayException {
    public SecretUnavailableException(String message, Throwable cause) {
        super("secret_unavailable", message);
        if (cause != null) {
            initCause(cause);
        }
    }
}
