package io.patchbay.testkit.store;

import static io.patchbay.testkit.store.StoreFixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.core.audit.AuditEvent;
import io.patchbay.core.audit.AuditLog;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link AuditLog} must do. */
public abstract class AuditLogContract {

    /** An empty log; called before each test. */
    protected abstract AuditLog newLog();

    protected AuditLog log;
    protected String tenant;

    @BeforeEach
    public void freshLog() {
        log = newLog();
        tenant = StoreFixtures.tenant();
    }

    private AuditEvent event(String id, long secondsAfterT0, Optional<String> accountId, Map<String, String> details) {
        return new AuditEvent(id, tenant, T0.plusSeconds(secondsAfterT0), "key_admin", "account.linked", accountId,
                details);
    }

    @Test
    public void eventsComeBackNewestFirstWithTheirDetails() {
        AuditEvent first = event("aud_1", 0, Optional.of("acc_1"), Map.of("connector", "toggl",
                "label", "Zoë & Co = 100% \"fine\"", "empty", "", "multi\nline", "a&b=c"));
        AuditEvent second = event("aud_2", 1, Optional.empty(), Map.of());
        AuditEvent third = event("aud_3", 2, Optional.of("acc_2"), Map.of("status", "active"));
        log.record(second);
        log.record(first);
        log.record(third);

        assertThat(log.recent(tenant, Optional.empty(), 10)).containsExactly(third, second, first);
        assertThat(log.recent(tenant, Optional.empty(), 2)).containsExactly(third, second);
        assertThat(log.recent(tenant, Optional.empty(), 0)).isEmpty();
    }

    @Test
    public void eventsCanBeReadForOneAccount() {
        AuditEvent a1 = event("aud_1", 0, Optional.of("acc_1"), Map.of());
        AuditEvent b = event("aud_2", 1, Optional.of("acc_2"), Map.of());
        AuditEvent a2 = event("aud_3", 2, Optional.of("acc_1"), Map.of("step", "renamed"));
        log.record(a1);
        log.record(b);
        log.record(a2);

        assertThat(log.recent(tenant, Optional.of("acc_1"), 10)).containsExactly(a2, a1);
        assertThat(log.recent(tenant, Optional.of("acc_9"), 10)).isEmpty();
    }

    @Test
    public void eventsAtTheSameInstantAreOrderedByIdDescending() {
        AuditEvent x = event("aud_a", 5, Optional.empty(), Map.of());
        AuditEvent y = event("aud_b", 5, Optional.empty(), Map.of());
        log.record(x);
        log.record(y);

        assertThat(log.recent(tenant, Optional.empty(), 10)).containsExactly(y, x);
    }

    @Test
    public void aTenantSeesOnlyItsOwnEvents() {
        log.record(event("aud_1", 0, Optional.of("acc_1"), Map.of()));
        String other = StoreFixtures.tenant();

        assertThat(log.recent(other, Optional.empty(), 10)).isEmpty();
        assertThat(log.recent(other, Optional.of("acc_1"), 10)).isEmpty();
    }
}
