package io.patchbay.server.access;

import io.patchbay.core.Ids;
import io.patchbay.core.access.ApiKey;
import io.patchbay.core.access.ApiKeyStore;
import io.patchbay.core.error.NotFoundException;
import io.patchbay.server.http.ApiException;
import io.patchbay.spi.FieldError;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
    private static final Logger LOG = LoggerFactory.getLogger(ApiKeyService.class);

    /**
     * How long an authenticated key is trusted without asking the store again. A revocation applies at once on the
     * instance that made it and within this time on the others.
     */
    static final Duration CACHE_TTL = Duration.ofSeconds(5);
    private static final int CACHE_CAPACITY = 10_000;

    private final ApiKeyStore store;
    private final Clock clock;
    private final ConcurrentHashMap<String, Cached> byHash = new ConcurrentHashMap<>();

    private record Cached(ApiKey key, long expiresAtNanos) {
    }

    /** A key just made: {@link #key()} is shown once and never stored. */
    public record Created(ApiKey apiKey, String key) {
        @Override
        public String toString() {
            return "Created[apiKey=" + apiKey.id() + ", key=****]";
        }
    }

    @Inject
    public ApiKeyService(ApiKeyStore store, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public Created create(String tenantId, String name, Set<Scope> scopes) {
        if (scopes.contains(Scope.ADMIN) && !tenantId.equals(ADMIN_TENANT)) {
            throw new ApiException(422, "invalid_input", "Invalid input", "Admin keys belong to tenant '"
                    + ADMIN_TENANT + "'", List.of(new FieldError("scopes", "admin_tenant",
                    "the admin scope is only granted to keys of tenant '" + ADMIN_TENANT + "'")), Map.of(),
                    Map.of());
        }
        Instant now = clock.instant();
        String key = Ids.secretToken(Tokens.API_KEY_PREFIX);
        ApiKey apiKey = new ApiKey(Ids.next("key", now), tenantId, name, Tokens.sha256(key), Tokens.hint(key),
                scopes.stream().map(Scope::value).collect(Collectors.toSet()), now, Optional.empty());
        store.insert(apiKey);
        LOG.info("Created API key {} '{}' for tenant {} with scopes {}", apiKey.id(), name, tenantId, apiKey.scopes());
        return new Created(apiKey, key);
    }

    /**
     * On the very first start there is no admin key: make one. Empty on every later start, so the key is shown
     * exactly once.
     */
    public Optional<Created> createFirstAdminKey() {
        if (store.anyActiveWithScope(Scope.ADMIN.value())) {
            return Optional.empty();
        }
        return Optional.of(create(ADMIN_TENANT, "first admin key", Set.of(Scope.ADMIN)));
    }

    /** The active key a presented token belongs to. */
    public Optional<ApiKey> authenticate(String token) {
        String hash = Tokens.sha256(token);
        long now = System.nanoTime();
        Optional<ApiKey> recent = recent(hash, now);
        if (recent.isPresent()) {
            return recent;
        }
        Optional<ApiKey> found = store.findByHash(hash).filter(ApiKey::active);
        if (found.isPresent()) {
            if (byHash.size() >= CACHE_CAPACITY) {
                byHash.clear();
            }
            byHash.put(hash, new Cached(found.get(), now + CACHE_TTL.toNanos()));
        } else {
            byHash.remove(hash);
        }
        return found;
    }

    /** The key of a token authenticated within {@link #CACHE_TTL}; empty otherwise. Never reads the store. */
    public Optional<ApiKey> recentlyAuthenticated(String token) {
        return recent(Tokens.sha256(token), System.nanoTime());
    }

    private Optional<ApiKey> recent(String hash, long now) {
        Cached cached = byHash.get(hash);
        return cached != null && now - cached.expiresAtNanos() < 0 ? Optional.of(cached.key()) : Optional.empty();
    }

    public List<ApiKey> list(String tenantId) {
        return store.list(tenantId);
    }

    public ApiKey get(String tenantId, String keyId) {
        return store.find(tenantId, keyId).orElseThrow(() -> new NotFoundException("api_key", keyId));
    }

    /** Revokes a key; the last active admin key cannot go, or nobody could manage keys any more. */
    public ApiKey revoke(String tenantId, String keyId) {
        ApiKey key = get(tenantId, keyId);
        if (!key.active()) {
            return key;
        }
        if (key.scopes().contains(Scope.ADMIN.value()) && activeAdminKeys(key) == 0) {
            throw new ApiException(409, "last_admin_key", "Last admin key",
                    "API key " + keyId + " is the last active admin key; create another admin key before revoking it");
        }
        store.revoke(tenantId, keyId, clock.instant());
        byHash.remove(key.secretHash());
        LOG.info("Revoked API key {} of tenant {}", keyId, tenantId);
        return get(tenantId, keyId);
    }

    private long activeAdminKeys(ApiKey except) {
        return store.list(ADMIN_TENANT).stream()
                .filter(k -> k.active() && !k.id().equals(except.id()) && k.scopes().contains(Scope.ADMIN.value()))
                .count();
    }

    static boolean validTenantId(String tenantId) {
        return TENANT_ID.matcher(tenantId).matches();
    }
}
