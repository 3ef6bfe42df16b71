package io.patchbay.core.access;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Port out: API keys, looked up by the hash of the presented key. */
public interface ApiKeyStore {

    void insert(ApiKey key);

    Optional<ApiKey> findByHash(String secretHash);

    Optional<ApiKey> find(String tenantId, String id);

    /** All keys of a tenant, newest first, revoked ones included. */
    List<ApiKey> list(String tenantId);

    /** Marks the key revoked; false when it does not exist or was already revoked. */
    boolean revoke(String tenantId, String id, Instant at);

    /** Whether any active key carries the scope; used to create the first admin key once. */
    boolean anyActiveWithScope(String scope);
}
