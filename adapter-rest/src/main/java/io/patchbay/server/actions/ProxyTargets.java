package io.patchbay.server.actions;

import io.patchbay.core.account.AccountVault;
import io.patchbay.core.account.LinkedAccount;
import io.patchbay.core.account.Viewer;
import io.patchbay.core.catalog.ConnectorCatalog;
import io.patchbay.spi.Connector;
import io.patchbay.spi.Credentials;
import io.patchbay.spi.ProxyTarget;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Where and how a pass-through request for an account goes, and which secret values to mask in the answer.
 *
 * <p>Opening the sealed credentials costs a read and a decryption; a busy proxy would pay it on every request. The
 * outcome is kept for a short while, keyed by the account's id and version: the account row is still read (and the
 * visibility rules applied) on every request, so a disconnected account stops at once and a rotated one (new
 * version) is opened afresh, on every instance.
 */
@Singleton
final class ProxyTargets {
    static final Duration TTL = Duration.ofSeconds(60);
    static final int CAPACITY = 1024;

    /** What a proxy request needs. {@link #toString()} shows no secret. */
    record Resolved(LinkedAccount account, ProxyTarget target, List<byte[]> secrets) {
        @Override
        public String toString() {
            return "Resolved[account=" + account.id() + ", target=" + target + "]";
        }
    }

    private record Entry(long version, long expiresAtNanos, ProxyTarget target, List<byte[]> secrets) {
    }

    private final AccountVault vault;
    private final ConnectorCatalog catalog;
    private final Map<String, Entry> cache = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
            return size() > CAPACITY;
        }
    };

    @Inject
    ProxyTargets(AccountVault vault, ConnectorCatalog catalog) {
        this.vault = Objects.requireNonNull(vault, "vault");
        this.catalog = Objects.requireNonNull(catalog, "catalog");
    }

    Resolved resolve(Viewer viewer, String accountId) {
        LinkedAccount account = vault.visible(viewer, accountId);
        String key = account.tenantId() + "/" + account.id();
        long now = System.nanoTime();
        Entry entry;
        synchronized (cache) {
            entry = cache.get(key);
        }
        if (entry == null || entry.version() != account.version() || now - entry.expiresAtNanos() > 0) {
            Connector connector = catalog.get(account.connectorId());
            Credentials credentials = vault.open(account);
            entry = new Entry(account.version(), now + TTL.toNanos(), connector.proxyTarget(credentials),
                    secretValues(connector, credentials));
            synchronized (cache) {
                cache.put(key, entry);
            }
        }
        return new Resolved(account, entry.target(), entry.secrets());
    }

    /** The values of the credentials' secret fields, long enough to mask without garbling ordinary text. */
    private static List<byte[]> secretValues(Connector connector, Credentials credentials) {
        Set<String> keys = connector.credentialSpec().secretKeys(credentials.authMethod());
        return credentials.values().entrySet().stream()
                .filter(e -> keys.contains(e.getKey()) && e.getValue().length() >= ProxyRoutes.MIN_MASKED_SECRET)
                .map(e -> e.getValue().getBytes(StandardCharsets.UTF_8))
                .toList();
    }
}
