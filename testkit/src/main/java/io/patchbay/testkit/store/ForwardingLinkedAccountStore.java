package io.patchbay.testkit.store;

import io.patchbay.core.account.AccountQuery;
import io.patchbay.core.account.LinkedAccount;
import io.patchbay.core.account.LinkedAccountStore;
import io.patchbay.core.account.Page;
import java.util.Objects;
import java.util.Optional;

/**
 * Passes every call on to a real store; tests extend it to watch or hold one call (a count of reads, a read paused
 * at a chosen moment) without mocking the store.
 */
public abstract class ForwardingLinkedAccountStore implements LinkedAccountStore {
    private final LinkedAccountStore store;

    protected ForwardingLinkedAccountStore(LinkedAccountStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    @Override
    public Optional<LinkedAccount> find(String tenantId, String accountId) {
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

    @Override
    public boolean delete(String tenantId, String accountId, long expectedVersion) {
        return store.delete(tenantId, accountId, expectedVersion);
    }
}
