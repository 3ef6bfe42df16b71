package io.patchbay.core.error;

/** The tenant already linked this connector, provider identity and workspace. */
public final class DuplicateAccountException extends PatchbayException {
    private final String existingAccountId;

    public DuplicateAccountException(String existingAccountId) {
        super("duplicate_account", "This provider account and workspace are already linked as " + existingAccountId);
        this.existingAccountId = existingAccountId;
    }

    public String existingAccountId() {
        return existingAccountId;
    }
}
