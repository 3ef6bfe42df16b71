package io.patchbay.core.account;

import io.patchbay.core.Ids;
import io.patchbay.core.audit.AuditEvent;
import io.patchbay.core.audit.AuditLog;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** Writes the audit events of account use cases. Details never carry secrets. */
final class AccountAudit {
    private final AuditLog log;
    private final Clock clock;

    AccountAudit(AuditLog log, Clock clock) {
        this.log = log;
        this.clock = clock;
    }

    void record(Viewer viewer, String action, LinkedAccount account, Map<String, String> details) {
        Instant now = clock.instant();
        log.record(new AuditEvent(Ids.next("evt", now), account.tenantId(), now,
                viewer.ownerId().orElse("tenant"), action, Optional.of(account.id()), details));
    }
}
