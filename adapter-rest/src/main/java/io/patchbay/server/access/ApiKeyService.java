package io.patchbay.server.access;

import com.github.benmanes.caffeine.cache.CacheLoader;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import com.github.benmanes.caffeine.cache.Ticker;
import io.patchbay.core.Ids;
import io.patchbay.core.access.ApiKey;
import io.patchbay.core.access.ApiKeyStore;
import io.patchbay.core.error.NotFoundException;
import io.patchbay.server.http.ApiException;
import io.patchbay.spi.FieldError;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates, finds and revokes API keys. The key itself exists only in the creation answer. */
@Singleton
public final class ApiKeyService {
    /**
     * The tenant that holds every admin key (admin keys act across tenants, so they live in one place) and the one
     * the getting-started guide uses.
     */
    public static final String ADMIN_TENANT = "default";
    static final Pattern TENANT_ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
    /** Names the executor, bound by the server, for work that may wait on the store. */
    public static final String BACKGROUND = "patchbay.background";
    private static final Logger LOG = LoggerFactory.getLogger(ApiKeyService.class);

    /**
     * How long an authenticated key is trusted without asking the store again. A revocation applies at once on the
     * instance that made it and within this time on the others.
     */
    static final Duration CACHE_TTL = Duration.ofSeconds(5);
    /**
     * A key used this long after it was read is read again in the background, while the cached one still answers:
     * a key in steady use never waits for the store, and a revocation elsewhere still applies within
     * {@link #CACHE_TTL}.
     */
    static final Duration REFRESH_AFTER = CACHE_TTL.dividedBy(2);
    private static final int CACHE_CAPACITY = 10_000;

    private final ApiKeyStore store;
    private final Clock clock;
    /** Active keys by the hash of their token; a null load (unknown or revoked) is not kept. */
    private final LoadingCache<String, ApiKey> byHash;

    /** A key just made: {@link #key()} is shown once and never stored. */
    public record Created(ApiKey apiKey, String key) {
        @Override
        public String toString() {
            return "Created[apiKey=" + apiKey.id() + ", key=****]";
        }
    }

    /** @param background where keys are read again ahead of their expiry; it may wait on the store */
    @Inject
    public ApiKeyService(ApiKeyStore store, Clock clock, @Named(BACKGROUND) Executor background) {
        this(store, clock, background, Ticker.systemTicker());
    }

    ApiKeyService(ApiKeyStore store, Clock clock, Executor background, Ticker ticker) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(background, "background");
        this.byHash = Caffeine.newBuilder()
                .maximumSize(CACHE_CAPACITY)
                .expireAfterWrite(CACHE_TTL)
                .refreshAfterWrite(REFRESH_AFTER)
                // Upkeep runs on the reading thread (an event loop must not wake a pool thread for it); only the
                // reads ahead of expiry go to the background.
                .executor(Runnable::run)
                .ticker(Objects.requireNonNull(ticker, "ticker"))
                .build(new CacheLoader<String, ApiKey>() {
                    @Override
                    public ApiKey load(String hash) {
                        return store.findByHash(hash).filter(ApiKey::active).orElse(null);
                    }

                    /**
                     * A read ahead that cannot be done is cancelled, which the cache drops without a warning: the
                     * cached key stays until its expiry, and a later read asks again. So it is when the background
                     * is full, and when the store fails (the database down: the store logs that itself, and the
                     * cache would add a stack trace for every key in use).
                     */
                    @Override
                    public CompletableFuture<ApiKey> asyncReload(String hash, ApiKey old, Executor upkeep) {
                        CompletableFuture<ApiKey> read = new CompletableFuture<>();
                        try {
                            background.execute(() -> {
                                try {
                                    read.complete(load(hash));
                                } catch (RuntimeException e) {
                                    LOG.debug("Reading API key {} ahead of its expiry failed: {}", old.id(),
                                            e.toString());
                                    read.cancel(false);
                                }
                            });
                        } catch (RejectedExecutionException e) {
                            read.cancel(false);
                        }
                        return read;
                    }
                });
    }

    public Created create(String tenantId, String name, Set<Scope> scopes) {
        if (scopes.contains(Scope.ADMIN) && !tenantId.equals(ADMIN_TENANT)) {
            throw new ApiException(422, "invalid_input", "Invalid input", "Admin keys belong to tenant '"
                    + ADMIN_TENANT + "'", List.of(new FieldError("scopes", "admin_tenant",
                    "the admin scope is only granted to keys of tenant '" + ADMIN_TENANT + "'")), Map.of(),
                    Map.of());
        }
        if (scopes.contains(Scope.ADMIN) && scopes.size() > 1) {
            // An admin key manages keys and the keyset and never touches accounts; a key that did both would reach
            // the accounts of tenant 'default' with the power to mint keys for every tenant.
            throw new ApiException(422, "invalid_input", "Invalid input", "The admin scope stands alone",
                    List.of(new FieldError("scopes", "admin_alone", "the admin scope cannot be combined with others; "
                            + "create a key of tenant '" + ADMIN_TENANT + "' without it for account work")),
                    Map.of(), Map.of());
        }
        Created created = newKey(tenantId, name, scopes);
        store.insert(created.apiKey());
        logCreated(created.apiKey());
        return created;
    }

    /**
     * On the very first start there is no admin key: make one. Empty on every later start, so the key is shown
     * exactly once; of several instances starting together on an empty database, one makes it.
     */
    public Optional<Created> createFirstAdminKey() {
        Created created = newKey(ADMIN_TENANT, "first admin key", Set.of(Scope.ADMIN));
        if (!store.insertUnlessActiveWithScope(created.apiKey(), Scope.ADMIN.value())) {
            return Optional.empty();
        }
        logCreated(created.apiKey());
        return Optional.of(created);
    }

    /** A new key with its token, not stored yet. */
    private Created newKey(String tenantId, String name, Set<Scope> scopes) {
        Instant now = clock.instant();
        String key = Ids.secretToken(Tokens.API_KEY_PREFIX);
        ApiKey apiKey = new ApiKey(Ids.next("key", now), tenantId, name, Tokens.sha256(key), Tokens.hint(key),
                scopes.stream().map(Scope::value).collect(Collectors.toSet()), now, Optional.empty());
        return new Created(apiKey, key);
    }

    private static void logCreated(ApiKey apiKey) {
        LOG.info("Created API key {} '{}' for tenant {} with scopes {}", apiKey.id(), apiKey.name(), apiKey.tenantId(),
                apiKey.scopes());
    }

    /** The active key a presented token belongs to. */
    public Optional<ApiKey> authenticate(String token) {
        return Optional.ofNullable(byHash.get(Tokens.sha256(token)));
    }

    /**
     * The active key a presented token belongs to, read from the store now rather than trusted from the last
     * {@link #CACHE_TTL}: for admin work, where a key revoked on another instance must not mint a new key in the
     * meantime. Admin calls are rare, so the read costs nothing that matters.
     */
    public Optional<ApiKey> authenticateAtStore(String token) {
        String hash = Tokens.sha256(token);
        Optional<ApiKey> key = store.findByHash(hash).filter(ApiKey::active);
        if (key.isEmpty()) {
            byHash.invalidate(hash);
        }
        return key;
    }

    /**
     * The key of a token authenticated within {@link #CACHE_TTL}; empty otherwise. Never waits for the store: a read
     * that is due runs on the background executor.
     */
    public Optional<ApiKey> recentlyAuthenticated(String token) {
        return Optional.ofNullable(byHash.getIfPresent(Tokens.sha256(token)));
    }

    public List<ApiKey> list(String tenantId) {
        return store.list(tenantId);
    }

    public ApiKey get(String tenantId, String keyId) {
        return store.find(tenantId, keyId).orElseThrow(() -> new NotFoundException("api_key", keyId));
    }

    /** Revokes a key; the last active admin key cannot go, or nobody could manage keys any more. */
    public ApiKey revoke(String tenantId, String keyId) {
        get(tenantId, keyId);
        switch (store.revoke(tenantId, keyId, clock.instant(), Set.of(Scope.ADMIN.value()))) {
            case LAST_WITH_SCOPE -> throw new ApiException(409, "last_admin_key", "Last admin key",
                    "API key " + keyId + " is the last active admin key; create another admin key before revoking it");
            case REVOKED -> LOG.info("Revoked API key {} of tenant {}", keyId, tenantId);
            case NOT_ACTIVE -> {
                // Already revoked (perhaps a moment ago by another request): the answer is the same.
            }
        }
        ApiKey revoked = get(tenantId, keyId);
        byHash.invalidate(revoked.secretHash());
        return revoked;
    }

    static boolean validTenantId(String tenantId) {
        return TENANT_ID.matcher(tenantId).matches();
    }
}
