package io.patchbay.storage;

import io.patchbay.core.audit.AuditEvent;
import io.patchbay.core.audit.AuditLog;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** The audit log as an append-only table; details as form-encoded text, readable in plain SQL. */
final class JdbiAuditLog implements AuditLog {
    private final Database db;

    JdbiAuditLog(Database db) {
        this.db = Objects.requireNonNull(db, "db");
    }

    @Override
    public void record(AuditEvent event) {
        Objects.requireNonNull(event, "event");
        db.write(h -> h.createUpdate("INSERT INTO audit_event (id, tenant_id, at, actor, action, account_id, details) "
                        + "VALUES (:id, :tenant, :at, :actor, :action, :account, :details)")
                .bind("id", Columns.text("id", event.id()))
                .bind("tenant", Columns.text("tenantId", event.tenantId()))
                .bind("at", Columns.nanos(event.at()))
                .bind("actor", Columns.text("actor", event.actor()))
                .bind("action", Columns.text("action", event.action()))
                .bind("account", Columns.text("accountId", event.accountId()))
                .bind("details", encode(event.details()))
                .execute());
    }

    @Override
    public List<AuditEvent> recent(String tenantId, Optional<String> accountId, int limit) {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(accountId, "accountId");
        if (limit < 0) {
            throw new IllegalArgumentException("limit: must not be negative, got " + limit);
        }
        if (!Columns.storable(tenantId, accountId.orElse(null))) {
            return List.of();
        }
        return db.read(h -> {
            var query = h.createQuery("SELECT id, tenant_id, at, actor, action, account_id, details FROM audit_event "
                    + "WHERE tenant_id = :tenant" + (accountId.isPresent() ? " AND account_id = :account" : "")
                    + " ORDER BY at DESC, id DESC LIMIT :limit");
            query.bind("tenant", tenantId).bind("limit", limit);
            accountId.ifPresent(a -> query.bind("account", a));
            return query.map((rs, ctx) -> new AuditEvent(rs.getString("id"), rs.getString("tenant_id"),
                    Columns.instant(rs, "at"), rs.getString("actor"), rs.getString("action"),
                    Columns.optional(rs, "account_id"), decode(rs.getString("details")))).list();
        });
    }

    static String encode(Map<String, String> details) {
        return new TreeMap<>(details).entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    static Map<String, String> decode(String text) {
        Map<String, String> details = new TreeMap<>();
        if (text.isEmpty()) {
            return details;
        }
        for (String pair : text.split("&", -1)) {
            int eq = pair.indexOf('=');
            details.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return details;
    }
}
