package io.patchbay.testkit.store;

import io.patchbay.core.account.AccountQuery;
import io.patchbay.core.account.LinkedAccount;
import io.patchbay.core.account.LinkedAccountStore;
import io.patchbay.core.account.Page;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** Passes every call on to a real store and counts the account reads ({@link #find}), to show what a cache spares. */
public final class CountingLinkedAccountStore implements LinkedAccountStore {
    private final LinkedAccountStore store;
    private final AtomicInteger finds = new AtomicInteger();

    public CountingLinkedAccountStore(LinkedAccountStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    /** How many times {@link #find} reached the real store. */
    public int finds() {
        return finds.get();
    }

    @Override
    public Optional<LinkedAccount> find(String tenantId, String accountId) {
        finds.incrementAndGet();
        return store.find(tenantId, accountId);
    }

    @Override
    public void insert(LinkedAccount account, byte[] sealedSecret) {
        store.insert(account, sealedSecret);
    }

    @Override
    public Optional<byte[]> sealedSecret(String tenantId, String accountId) {
        return store.sealedSecret(tenantId, accountId);
    }

    @Override
    public Page<LinkedAccount> list(AccountQuery query) {
        return store.list(query);
    }

    @Override
    public LinkedAccount update(LinkedAccount account) {
        return store.update(account);
    }

    @Override
    public LinkedAccount update(LinkedAccount account, byte[] sealedSecret) {
        return store.update(account, sealedSecret);
    }

    @Override
    public boolean delete(String tenantId, String accountId) {
        return store.delete(tenantId, accountId);
    }
}
