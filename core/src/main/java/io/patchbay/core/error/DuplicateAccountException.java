package io.patchbay.core.error;

import java.util.Optional;

/** The tenant already linked this connector, provider identity and workspace. */
public final class DuplicateAccountException extends PatchbayException {
    private final String existingAccountId;
    private final boolean shown;

    public DuplicateAccountException(String existingAccountId) {
        this(existingAccountId, true);
    }

    private DuplicateAccountException(String existingAccountId, boolean shown) {
        super("duplicate_account", shown
                ? "This provider account and workspace are already linked as " + existingAccountId
                : "This provider account and workspace are already linked in this tenant, for another end user");
        this.existingAccountId = existingAccountId;
        this.shown = shown;
    }

    public String existingAccountId() {
        return existingAccountId;
    }

    /** The existing account's id, unless the caller may not see that account. */
    public Optional<String> shownAccountId() {
        return shown ? Optional.of(existingAccountId) : Optional.empty();
    }

    /** The same refusal for a caller who may not see the existing account: it names no id. */
    public DuplicateAccountException hiddenFromCaller() {
        return new DuplicateAccountException(existingAccountId, false);
    }
}
