package io.patchbay.core.audit;

import java.util.List;
import java.util.Optional;

/** Port out: an append-only record of changes. */
public interface AuditLog {

    void record(AuditEvent event);

    /** The newest events first, optionally for one account only. */
    List<AuditEvent> recent(String tenantId, Optional<String> accountId, int limit);
}
