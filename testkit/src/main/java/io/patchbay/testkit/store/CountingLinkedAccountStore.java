package io.patchbay.testkit.store;

import io.patchbay.core.account.LinkedAccount;
import io.patchbay.core.account.LinkedAccountStore;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Passes every call on to a real store and counts the account reads ({@link #find}) and sealed-secret reads
 * ({@link #sealedSecret}), to show what a cache spares.
 */
public final class CountingLinkedAccountStore extends ForwardingLinkedAccountStore {
    private final AtomicInteger finds = new AtomicInteger();
    private final AtomicInteger secretReads = new AtomicInteger();

    public CountingLinkedAccountStore(LinkedAccountStore store) {
        super(store);
    }

    /** How many times {@link #find} reached the real store. */
    public int finds() {
        return finds.get();
    }

    /** How many times {@link #sealedSecret} reached the real store. */
    public int secretReads() {
        return secretReads.get();
    }

    @Override
    public Optional<byte[]> sealedSecret(String tenantId, String accountId) {
        secretReads.incrementAndGet();
        return super.sealedSecret(tenantId, accountId);
    }

    @Override
    public Optional<LinkedAccount> find(String tenantId, String accountId) {
        finds.incrementAndGet();
        return super.find(tenantId, accountId);
    }
}
