package io.patchbay.core.audit;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Something that happened to a tenant's data. Details hold non-secret facts only.
 *
 * @param actor who did it: an API key or connect session id (the server's requests; the end user it acted for is
 *               the detail {@code on_behalf_of}), an owner id or {@code tenant} (a host that names no actor), or
 *               {@code system}
 * @param action a dotted name, e.g. {@code account.linked}
 */
public record AuditEvent(String id, String tenantId, Instant at, String actor, String action,
                         Optional<String> accountId, Map<String, String> details) {
    public AuditEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(accountId, "accountId");
        details = Map.copyOf(Objects.requireNonNull(details, "details"));
    }
}
