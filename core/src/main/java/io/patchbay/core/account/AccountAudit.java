package io.patchbay.core.account;

import io.patchbay.core.Ids;
import io.patchbay.core.audit.AuditEvent;
import io.patchbay.core.audit.AuditLog;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the audit events of account use cases. Details never carry secrets. An event is written after its change
 * is stored: when the write fails, the change stands and the failure is logged, rather than reported as the use
 * case failing (a caller would retry a link that was made, or a connect page reuse an edit session that was spent).
 */
final class AccountAudit {
    private static final Logger LOG = LoggerFactory.getLogger(AccountAudit.class);
    private final AuditLog log;
    private final Clock clock;

    AccountAudit(AuditLog log, Clock clock) {
        this.log = log;
        this.clock = clock;
    }

    /** An event acting for the end user the viewer names, if any. */
    void record(Viewer viewer, String action, LinkedAccount account, Map<String, String> details) {
        record(viewer, viewer.ownerId(), action, account, details);
    }

    /**
     * @param onBehalfOf the end user the request acted for: the viewer's, or one the request named otherwise (a
     *                   tenant-wide key linking for the {@code owner_id} in its body)
     */
    void record(Viewer viewer, Optional<String> onBehalfOf, String action, LinkedAccount account,
                Map<String, String> details) {
        Instant now = clock.instant();
        Map<String, String> described = details;
        if (viewer.actor().isPresent() && onBehalfOf.isPresent()) {
            // A key or connect session acting for an end user: both are who did it.
            described = new java.util.LinkedHashMap<>(details);
            described.put("on_behalf_of", onBehalfOf.get());
        }
        String actor = viewer.actor().orElseGet(() -> viewer.ownerId().orElse("tenant"));
        AuditEvent event = new AuditEvent(Ids.next("evt", now), account.tenantId(), now, actor, action,
                Optional.of(account.id()), described);
        try {
            log.record(event);
        } catch (RuntimeException e) {
            LOG.error("Audit event {} ({} of account {}, tenant {}) not recorded; the change itself is stored: {}",
                    event.id(), action, account.id(), account.tenantId(), e.toString());
        }
    }
}
