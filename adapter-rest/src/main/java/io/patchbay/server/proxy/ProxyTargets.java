package io.patchbay.server.proxy;

import io.patchbay.core.account.AccountVault;
import io.patchbay.core.account.LinkedAccount;
import io.patchbay.core.account.Viewer;
import io.patchbay.core.catalog.ConnectorCalls;
import io.patchbay.core.catalog.ConnectorCatalog;
import io.patchbay.core.proxy.OpenedTarget;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Where and how a pass-through request for an account goes, and which secret values to mask in the answer
 * ({@link OpenedTarget#open}, as for embedders), kept for the listener's event loop.
 *
 * <p>Opening the sealed credentials costs a read and a decryption; a busy proxy would pay it on every request. The
 * outcome is kept, keyed by the account's id and version, while the account is in use, and dropped once it has been
 * unused for {@link #TTL}: an account in steady use never waits for the database. The account itself comes through
 * the vault's visibility rules on every request (from the account cache, which writes on any instance invalidate),
 * so a disconnected account stops at once and a rotated one (new version) is opened afresh.
 */
@Singleton
final class ProxyTargets {
    static final Duration TTL = Duration.ofSeconds(60);
    static final int CAPACITY = 10_000;

    private record Entry(long version, long expiresAtNanos, OpenedTarget resolved) {
    }

    private final AccountVault vault;
    private final ConnectorCatalog catalog;
    private final ConnectorCalls calls;
    private final LongSupplier nanoTime;
    private final ConcurrentHashMap<String, Entry> cache = new ConcurrentHashMap<>();

    @Inject
    ProxyTargets(AccountVault vault, ConnectorCatalog catalog, ConnectorCalls calls) {
        this(vault, catalog, calls, System::nanoTime);
    }

    ProxyTargets(AccountVault vault, ConnectorCatalog catalog, ConnectorCalls calls, LongSupplier nanoTime) {
        this.vault = Objects.requireNonNull(vault, "vault");
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.calls = Objects.requireNonNull(calls, "calls");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    /**
     * The target of an account the viewer may see.
     *
     * @param mayBlock false on an event loop: then empty when the answer is not in memory (the caller retries with
     *                 true on a thread that may wait for the database)
     */
    Optional<OpenedTarget> resolve(Viewer viewer, String accountId, boolean mayBlock) {
        Optional<LinkedAccount> found = mayBlock ? Optional.of(vault.visible(viewer, accountId))
                : vault.cachedVisible(viewer, accountId);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        LinkedAccount account = found.get();
        String key = account.tenantId() + "/" + account.id();
        long now = nanoTime.getAsLong();
        Entry entry = cache.get(key);
        if (entry != null && entry.version() == account.version() && now - entry.expiresAtNanos() < 0) {
            if (entry.expiresAtNanos() - now < TTL.toNanos() / 2) {
                // In use: kept for another TTL, renewed at most twice per TTL rather than on every request.
                cache.replace(key, entry, new Entry(entry.version(), now + TTL.toNanos(), entry.resolved()));
            }
            return Optional.of(entry.resolved().withAccount(account));
        }
        if (!mayBlock) {
            return Optional.empty();
        }
        OpenedTarget resolved = OpenedTarget.open(catalog, vault, calls, account);
        if (cache.size() >= CAPACITY) {
            cache.clear();
        }
        cache.put(key, new Entry(account.version(), now + TTL.toNanos(), resolved));
        return Optional.of(resolved);
    }
}
