package io.patchbay.core.access;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Port out: API keys, looked up by the hash of the presented key. */
public interface ApiKeyStore {

    void insert(ApiKey key);

    Optional<ApiKey> findByHash(String secretHash);

    Optional<ApiKey> find(String tenantId, String id);

    /** All keys of a tenant, newest first, revoked ones included. */
    List<ApiKey> list(String tenantId);

    /** What {@link #revoke} did. */
    enum Revocation {
        REVOKED,
        /** No such key in the tenant, or already revoked: nothing changed. */
        NOT_ACTIVE,
        /** The key is the last active one carrying one of the kept scopes: nothing changed. */
        LAST_WITH_SCOPE
    }

    /**
     * Marks the key revoked, unless it is the last active key (of any tenant) carrying one of {@code keptScopes}.
     * Check and change are one step: of two keys revoked at the same moment, one stays when it would be the last.
     */
    Revocation revoke(String tenantId, String id, Instant at, Set<String> keptScopes);

    /**
     * Inserts the key unless an active key (of any tenant) already carries the scope; used to create the first admin
     * key once. Check and insert are one step: of two calls at the same moment, on one instance or several sharing
     * the database, one inserts.
     *
     * @return whether the key was inserted
     */
    boolean insertUnlessActiveWithScope(ApiKey key, String scope);
}
