package io.patchbay.server.proxy;

import io.patchbay.core.account.AccountVault;
import io.patchbay.core.account.LinkedAccount;
import io.patchbay.core.account.Viewer;
import io.patchbay.core.catalog.CallSecrets;
import io.patchbay.core.catalog.ConnectorCatalog;
import io.patchbay.spi.Connector;
import io.patchbay.spi.Credentials;
import io.patchbay.spi.ProxyTarget;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * Where and how a pass-through request for an account goes, and which secret values to mask in the answer.
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
    /** Secrets shorter than this are not masked in answers: masking "abc" everywhere would garble any answer. */
    static final int MIN_MASKED_SECRET = 8;

    /** What a proxy request needs. {@link #toString()} shows no secret. */
    record Resolved(LinkedAccount account, ProxyTarget target, Masking.Secrets secrets) {
        @Override
        public String toString() {
            return "Resolved[account=" + account.id() + ", target=" + target + "]";
        }
    }

    private record Entry(long version, long expiresAtNanos, Resolved resolved) {
    }

    private final AccountVault vault;
    private final ConnectorCatalog catalog;
    private final LongSupplier nanoTime;
    private final ConcurrentHashMap<String, Entry> cache = new ConcurrentHashMap<>();

    @Inject
    ProxyTargets(AccountVault vault, ConnectorCatalog catalog) {
        this(vault, catalog, System::nanoTime);
    }

    ProxyTargets(AccountVault vault, ConnectorCatalog catalog, LongSupplier nanoTime) {
        this.vault = Objects.requireNonNull(vault, "vault");
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    /**
     * The target of an account the viewer may see.
     *
     * @param mayBlock false on an event loop: then empty when the answer is not in memory (the caller retries with
     *                 true on a thread that may wait for the database)
     */
    Optional<Resolved> resolve(Viewer viewer, String accountId, boolean mayBlock) {
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
            return Optional.of(entry.resolved().account() == account ? entry.resolved()
                    : new Resolved(account, entry.resolved().target(), entry.resolved().secrets()));
        }
        if (!mayBlock) {
            return Optional.empty();
        }
        Resolved resolved = open(account);
        if (cache.size() >= CAPACITY) {
            cache.clear();
        }
        cache.put(key, new Entry(account.version(), now + TTL.toNanos(), resolved));
        return Optional.of(resolved);
    }

    private Resolved open(LinkedAccount account) {
        Connector connector = catalog.get(account.connectorId());
        Credentials credentials = vault.open(account);
        List<String> secretFields = CallSecrets.of(connector, credentials);
        ProxyTarget target = CallSecrets.during(secretFields, () -> connector.proxyTarget(credentials));
        // The secret fields, and the headers made from them (an echoing provider would show "Basic <base64>"); a
        // header the connector declares not secret, such as a user's email, is data that answers must keep.
        List<String> values = Stream.concat(secretFields.stream(),
                        target.headers().entrySet().stream()
                                .filter(h -> !target.nonSecretHeaders().contains(h.getKey().toLowerCase(Locale.ROOT)))
                                .map(Map.Entry::getValue))
                .filter(value -> value.length() >= MIN_MASKED_SECRET)
                .map(Masking::latin1View)
                .distinct()
                .toList();
        List<String> jsonFields = target.secretJsonFields().stream()
                .map(name -> Masking.latin1View('"' + name + '"'))
                .sorted()
                .toList();
        return new Resolved(account, target, new Masking.Secrets(values, jsonFields));
    }
}
