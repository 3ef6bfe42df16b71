package io.patchbay.core.error;

/** Someone changed the account since it was read; reload and retry. Prevents lost updates. */
public final class StaleVersionException extends PatchbayException {
    public StaleVersionException(String accountId, long expectedVersion) {
        super("stale_version", "Account " + accountId + " changed since version " + expectedVersion + "; reload and retry");
    }
}
