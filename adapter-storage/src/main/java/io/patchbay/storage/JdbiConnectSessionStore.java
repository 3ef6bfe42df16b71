package io.patchbay.storage;

import io.patchbay.core.access.ConnectSession;
import io.patchbay.core.access.ConnectSessionStore;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** Connect sessions by token hash; claiming or consuming one is a single conditional update, so one caller wins. */
final class JdbiConnectSessionStore implements ConnectSessionStore {
    private final Database db;

    JdbiConnectSessionStore(Database db) {
        this.db = Objects.requireNonNull(db, "db");
    }

    @Override
    public void insert(ConnectSession session) {
        Objects.requireNonNull(session, "session");
        db.write(h -> {
            h.createUpdate("INSERT INTO connect_session (id, tenant_id, token_hash, owner_id, team_id, label, "
                            + "account_id, created_at, expires_at, used_at, created_by) VALUES (:id, :tenant, :hash, "
                            + ":owner, :team, :label, :account, :created, :expires, :used, :createdBy)")
                    .bind("id", Columns.text("id", session.id()))
                    .bind("tenant", Columns.text("tenantId", session.tenantId()))
                    .bind("hash", session.tokenHash())
                    .bind("owner", Columns.text("ownerId", session.ownerId()))
                    .bind("team", Columns.text("teamId", session.teamId()))
                    .bind("label", Columns.text("label", session.label()))
                    .bind("account", Columns.text("accountId", session.accountId()))
                    .bind("created", Columns.nanos(session.createdAt()))
                    .bind("expires", Columns.nanos(session.expiresAt()))
                    .bind("used", Columns.nanos(session.usedAt()))
                    .bind("createdBy", session.createdByKeyId().orElse(null))
                    .execute();
            var batch = h.prepareBatch("INSERT INTO connect_session_connector (session_id, connector_id) "
                    + "VALUES (:session, :connector)");
            for (String connector : session.allowedConnectors()) {
                batch.bind("session", session.id()).bind("connector", Columns.text("allowedConnectors", connector)).add();
            }
            batch.execute();
            return null;
        });
    }

    @Override
    public Optional<ConnectSession> findByTokenHash(String tokenHash) {
        Objects.requireNonNull(tokenHash, "tokenHash");
        return db.read(h -> h.createQuery("SELECT id, tenant_id, token_hash, owner_id, team_id, label, account_id, "
                        + "created_at, expires_at, used_at, created_by FROM connect_session WHERE token_hash = :hash")
                .bind("hash", tokenHash)
                .map((rs, ctx) -> new ConnectSession(rs.getString("id"), rs.getString("tenant_id"),
                        rs.getString("token_hash"), rs.getString("owner_id"), Columns.optional(rs, "team_id"),
                        java.util.Set.copyOf(h.createQuery("SELECT connector_id FROM connect_session_connector "
                                        + "WHERE session_id = :id")
                                .bind("id", rs.getString("id"))
                                .mapTo(String.class).list()),
                        Columns.optional(rs, "label"), Columns.optional(rs, "account_id"),
                        Columns.instant(rs, "created_at"), Columns.instant(rs, "expires_at"),
                        Columns.optionalInstant(rs, "used_at"), Columns.optional(rs, "created_by")))
                .findOne());
    }

    @Override
    public boolean claim(String id, Instant now, Instant until) {
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(until, "until");
        // One conditional update: of instances racing for the same session, exactly one row count is 1.
        return db.write(h -> h.createUpdate("UPDATE connect_session SET claimed_until = :until WHERE id = :id "
                        + "AND used_at IS NULL AND (claimed_until IS NULL OR claimed_until <= :now)")
                .bind("until", Columns.nanos(until))
                .bind("now", Columns.nanos(now))
                .bind("id", id)
                .execute()) == 1;
    }

    @Override
    public boolean markUsed(String id, Instant until, Instant at) {
        Objects.requireNonNull(until, "until");
        Objects.requireNonNull(at, "at");
        // Only under the caller's own claim: one that lapsed and was taken over no longer matches.
        return db.write(h -> h.createUpdate("UPDATE connect_session SET used_at = :at, claimed_until = NULL "
                        + "WHERE id = :id AND used_at IS NULL AND claimed_until = :until")
                .bind("at", Columns.nanos(at))
                .bind("until", Columns.nanos(until))
                .bind("id", id)
                .execute()) == 1;
    }

    @Override
    public boolean unmarkUsed(String id, Instant usedAt) {
        Objects.requireNonNull(usedAt, "usedAt");
        return db.write(h -> h.createUpdate("UPDATE connect_session SET used_at = NULL, claimed_until = NULL "
                        + "WHERE id = :id AND used_at = :at")
                .bind("at", Columns.nanos(usedAt))
                .bind("id", id)
                .execute()) == 1;
    }

    @Override
    public boolean release(String id, Instant until) {
        Objects.requireNonNull(until, "until");
        return db.write(h -> h.createUpdate("UPDATE connect_session SET claimed_until = NULL "
                        + "WHERE id = :id AND claimed_until = :until")
                .bind("until", Columns.nanos(until))
                .bind("id", id)
                .execute()) == 1;
    }

    @Override
    public int deleteExpired(Instant before) {
        Objects.requireNonNull(before, "before");
        // The connector rows go with their session (ON DELETE CASCADE).
        return db.write(h -> h.createUpdate("DELETE FROM connect_session WHERE expires_at < :before")
                .bind("before", Columns.nanos(before))
                .execute());
    }
}
