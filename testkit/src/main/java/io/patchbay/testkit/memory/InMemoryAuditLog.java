package io.patchbay.testkit.memory;

import io.patchbay.core.audit.AuditEvent;
import io.patchbay.core.audit.AuditLog;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** The reference {@link AuditLog}. */
public final class InMemoryAuditLog implements AuditLog {
    private final List<AuditEvent> events = new ArrayList<>();

    @Override
    public synchronized void record(AuditEvent event) {
        events.add(event);
    }

    @Override
    public synchronized List<AuditEvent> recent(String tenantId, Optional<String> accountId, int limit) {
        return events.stream()
                .filter(e -> e.tenantId().equals(tenantId))
                .filter(e -> accountId.isEmpty() || e.accountId().equals(accountId))
                .sorted(Comparator.comparing(AuditEvent::at).thenComparing(AuditEvent::id).reversed())
                .limit(limit)
                .toList();
    }

    public synchronized List<AuditEvent> all() {
        return List.copyOf(events);
    }
}
