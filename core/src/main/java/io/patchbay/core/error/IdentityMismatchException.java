package io.patchbay.core.error;

/** Rotated credentials belong to another provider user than the linked account. */
public final class IdentityMismatchException extends PatchbayException {
    public IdentityMismatchException(String accountId) {
        super("identity_mismatch", "The new credentials belong to another provider user than account " + accountId
                + "; link them as a new account instead");
    }
}
