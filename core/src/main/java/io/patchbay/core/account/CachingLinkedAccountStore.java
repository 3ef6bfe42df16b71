package io.patchbay.core.account;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.patchbay.core.HubClosedException;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link LinkedAccountStore} that keeps the accounts {@link #find} returns in memory, so resolving an account on a
 * hot path (the proxy) does not read the database. Only account records are kept: sealed secrets, lists and
 * misses always go to the store.
 *
 * <p>A write through this store drops the account before the write returns; a change announced by the
 * {@link AccountChanges} feed (made by another instance or a tool) drops it when announced. While the feed is not
 * live nothing is served from memory, and when it is live again everything kept before is dropped, so a change
 * made while it was down is never hidden.
 */
public final class CachingLinkedAccountStore implements LinkedAccountStore, AutoCloseable {
    public static final int DEFAULT_CAPACITY = 10_000;

    private record Key(String tenantId, String accountId) {
    }

    private final LinkedAccountStore store;
    private final int capacity;
    /** Counts drops: a read keeps what it found only if no drop happened while it was reading. */
    private final AtomicLong drops = new AtomicLong();
    /**
     * Null while the feed is not live. When it is live again this is a new cache rather than a cleared one: a read
     * still finishing puts its (possibly stale) account into the old cache, which nobody reads any more.
     */
    private volatile Cache<Key, LinkedAccount> accounts;
    /** Set by {@link #close}: from then on nothing is answered, from memory or from the store. */
    private volatile boolean closed;
    private final AccountChanges.Subscription subscription;

    public CachingLinkedAccountStore(LinkedAccountStore store, AccountChanges changes) {
        this(store, changes, DEFAULT_CAPACITY);
    }

    /** @param capacity the most accounts kept; the least used go first */
    public CachingLinkedAccountStore(LinkedAccountStore store, AccountChanges changes, int capacity) {
        this.store = Objects.requireNonNull(store, "store");
        Objects.requireNonNull(changes, "changes");
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity: must be at least 1, got " + capacity);
        }
        this.capacity = capacity;
        // Last, once every field is set: the feed may call back at once, or from its thread.
        subscription = changes.subscribe(new AccountChanges.Listener() {
            @Override
            public void changed(String tenantId, String accountId) {
                drop(tenantId, accountId);
            }

            @Override
            public void lost() {
                accounts = null;
            }

            @Override
            public void live() {
                if (closed) {
                    return;
                }
                // Maintenance (eviction, draining access records) runs on the reading thread, a few microseconds
                // now and then, instead of waking a pool thread: the proxy's event loops read on every request.
                accounts = Caffeine.newBuilder().maximumSize(CachingLinkedAccountStore.this.capacity)
                        .executor(Runnable::run).build();
            }
        });
    }

    /**
     * The account if it is in memory, without ever reading the store; empty when it is not (or not known to be
     * current), in which case {@link #find} answers.
     */
    public Optional<LinkedAccount> cached(String tenantId, String accountId) {
        ensureOpen();
        Cache<Key, LinkedAccount> memory = accounts;
        return memory == null ? Optional.empty()
                : Optional.ofNullable(memory.getIfPresent(new Key(tenantId, accountId)));
    }

    @Override
    public Optional<LinkedAccount> find(String tenantId, String accountId) {
        ensureOpen();
        Cache<Key, LinkedAccount> memory = accounts;
        if (memory == null) {
            return store.find(tenantId, accountId);
        }
        Key key = new Key(tenantId, accountId);
        LinkedAccount hit = memory.getIfPresent(key);
        if (hit != null) {
            return Optional.of(hit);
        }
        long dropsBefore = drops.get();
        Optional<LinkedAccount> found = store.find(tenantId, accountId);
        found.ifPresent(account -> keep(memory, key, account, dropsBefore));
        return found;
    }

    /**
     * Keeps what a read found unless a drop happened since the read began: the account may then be older than the
     * change that caused the drop. The check runs inside the compute, which is atomic per key with the drop's
     * removal: a drop counted after the check removes the account once the compute has stored it.
     */
    private void keep(Cache<Key, LinkedAccount> memory, Key key, LinkedAccount account, long dropsBefore) {
        memory.asMap().compute(key, (k, current) -> drops.get() == dropsBefore ? account : current);
        if (drops.get() != dropsBefore) {
            // Caffeine leaves a removal during a compute of an absent key unspecified; undo ours in that case too.
            memory.asMap().remove(key, account);
        }
    }

    private void drop(String tenantId, String accountId) {
        drops.incrementAndGet();
        Cache<Key, LinkedAccount> memory = accounts;
        if (memory != null) {
            memory.invalidate(new Key(tenantId, accountId));
        }
    }

    @Override
    public Optional<byte[]> sealedSecret(String tenantId, String accountId) {
        ensureOpen();
        return store.sealedSecret(tenantId, accountId);
    }

    @Override
    public Page<LinkedAccount> list(AccountQuery query) {
        ensureOpen();
        return store.list(query);
    }

    // Writes drop the account even when they fail: a stale-version or not-found answer means the kept copy is old.

    @Override
    public void insert(LinkedAccount account, byte[] sealedSecret) {
        ensureOpen();
        Objects.requireNonNull(account, "account");
        try {
            store.insert(account, sealedSecret);
        } finally {
            drop(account.tenantId(), account.id());
        }
    }

    @Override
    public LinkedAccount update(LinkedAccount account) {
        ensureOpen();
        Objects.requireNonNull(account, "account");
        try {
            return store.update(account);
        } finally {
            drop(account.tenantId(), account.id());
        }
    }

    @Override
    public LinkedAccount update(LinkedAccount account, byte[] sealedSecret) {
        ensureOpen();
        Objects.requireNonNull(account, "account");
        try {
            return store.update(account, sealedSecret);
        } finally {
            drop(account.tenantId(), account.id());
        }
    }

    @Override
    public boolean delete(String tenantId, String accountId) {
        ensureOpen();
        try {
            return store.delete(tenantId, accountId);
        } finally {
            drop(tenantId, accountId);
        }
    }

    @Override
    public boolean delete(String tenantId, String accountId, long expectedVersion) {
        ensureOpen();
        try {
            return store.delete(tenantId, accountId, expectedVersion);
        } finally {
            drop(tenantId, accountId);
        }
    }

    /**
     * Forgets every kept account and refuses all further calls. The store's owner closes the underlying store: once
     * it is closed this store must not answer from memory as if nothing had happened.
     */
    @Override
    public void close() {
        closed = true;
        accounts = null;
        subscription.cancel();
    }

    private void ensureOpen() {
        if (closed) {
            throw new HubClosedException("The Patchbay hub is closed: its accounts can no longer be read or "
                    + "changed");
        }
    }
}
