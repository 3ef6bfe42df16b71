package io.patchbay.core.access;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A credential an application uses to call Patchbay. Only a hash of the key is stored; the key itself is shown
 * once, when created.
 *
 * @param id         opaque id, {@code key_...}
 * @param tenantId   the tenant the key acts for
 * @param secretHash SHA-256 of the full key, lower-case hex
 * @param hint       the last 4 characters of the key
 * @param scopes     what the key may do, e.g. {@code accounts:read}; {@code admin} manages keys
 */
public record ApiKey(String id, String tenantId, String name, String secretHash, String hint, Set<String> scopes,
                     Instant createdAt, Optional<Instant> revokedAt) {
    public ApiKey {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(secretHash, "secretHash");
        Objects.requireNonNull(hint, "hint");
        scopes = Set.copyOf(Objects.requireNonNull(scopes, "scopes"));
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(revokedAt, "revokedAt");
    }

    public boolean active() {
        return revokedAt.isEmpty();
    }
}
