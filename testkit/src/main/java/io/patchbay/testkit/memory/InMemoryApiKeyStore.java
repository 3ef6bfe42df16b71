package io.patchbay.testkit.memory;

import io.patchbay.core.access.ApiKey;
import io.patchbay.core.access.ApiKeyStore;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The reference {@link ApiKeyStore}. */
public final class InMemoryApiKeyStore implements ApiKeyStore {
    private final Map<String, ApiKey> keys = new LinkedHashMap<>();

    @Override
    public synchronized void insert(ApiKey key) {
        if (keys.values().stream().anyMatch(k -> k.secretHash().equals(key.secretHash()))) {
            throw new IllegalStateException("API key hash already stored");
        }
        keys.put(key.id(), key);
    }

    @Override
    public synchronized Optional<ApiKey> findByHash(String secretHash) {
        return keys.values().stream().filter(k -> k.secretHash().equals(secretHash)).findFirst();
    }

    @Override
    public synchronized Optional<ApiKey> find(String tenantId, String id) {
        return Optional.ofNullable(keys.get(id)).filter(k -> k.tenantId().equals(tenantId));
    }

    @Override
    public synchronized List<ApiKey> list(String tenantId) {
        return keys.values().stream().filter(k -> k.tenantId().equals(tenantId))
                .sorted(Comparator.comparing(ApiKey::createdAt).thenComparing(ApiKey::id).reversed()).toList();
    }

    @Override
    public synchronized Revocation revoke(String tenantId, String id, Instant at, Set<String> keptScopes) {
        ApiKey key = keys.get(id);
        if (key == null || !key.tenantId().equals(tenantId) || !key.active()) {
            return Revocation.NOT_ACTIVE;
        }
        for (String scope : keptScopes) {
            if (key.scopes().contains(scope) && keys.values().stream()
                    .noneMatch(other -> other != key && other.active() && other.scopes().contains(scope))) {
                return Revocation.LAST_WITH_SCOPE;
            }
        }
        keys.put(id, new ApiKey(key.id(), key.tenantId(), key.name(), key.secretHash(), key.hint(), key.scopes(),
                key.createdAt(), Optional.of(at)));
        return Revocation.REVOKED;
    }

    @Override
    public synchronized boolean insertUnlessActiveWithScope(ApiKey key, String scope) {
        if (keys.values().stream().anyMatch(k -> k.active() && k.scopes().contains(scope))) {
            return false;
        }
        insert(key);
        return true;
    }
}
