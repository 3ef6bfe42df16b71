package io.patchbay.storage;

import io.patchbay.core.account.AccountQuery;
import io.patchbay.core.account.AccountStatus;
import io.patchbay.core.account.LinkedAccount;
import io.patchbay.core.account.LinkedAccountStore;
import io.patchbay.core.account.Page;
import io.patchbay.core.account.Viewer;
import io.patchbay.core.account.Visibility;
import io.patchbay.core.error.DuplicateAccountException;
import io.patchbay.core.error.NotFoundException;
import io.patchbay.core.error.StaleVersionException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.IntSupplier;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.SqlStatement;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * Linked accounts in one table, the sealed secret beside the record. Uniqueness of (tenant, connector, provider
 * user, workspace) is the database's unique index; updates compare-and-set on the version.
 */
final class JdbiLinkedAccountStore implements LinkedAccountStore {
    private static final String COLUMNS = "id, tenant_id, connector_id, auth_method, label, owner_id, team_id, "
            + "visibility, provider_user_id, provider_email, provider_display_name, provider_account_id, "
            + "workspace_id, workspace_name, workspace_role, status, status_reason, secret_hint, created_at, "
            + "updated_at, last_verified_at, version";
    /** No workspace is stored as '' so that the unique index sees two "no workspace" links as equal. */
    private static final String NO_WORKSPACE = "";
    private static final int INSERT_ATTEMPTS = 3;

    private final Database db;
    private final TinkSecretCipher cipher;

    JdbiLinkedAccountStore(Database db, TinkSecretCipher cipher) {
        this.db = Objects.requireNonNull(db, "db");
        this.cipher = Objects.requireNonNull(cipher, "cipher");
    }

    @Override
    public void insert(LinkedAccount account, byte[] sealedSecret) {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(sealedSecret, "sealedSecret");
        workspaceColumn(account);
        for (int attempt = 0; attempt < INSERT_ATTEMPTS; attempt++) {
            boolean inserted = cipher.writingSecret(db, sealedSecret, account.tenantId(), account.id(),
                    (h, secret, keyId) -> bindAll(h.createUpdate(
                            "INSERT INTO linked_account (" + COLUMNS + ", secret, secret_key_id) VALUES (:id, "
                                    + ":tenant_id, :connector_id, :auth_method, :label, :owner_id, :team_id, "
                                    + ":visibility, :provider_user_id, :provider_email, :provider_display_name, "
                                    + ":provider_account_id, :workspace_id, :workspace_name, :workspace_role, :status, "
                                    + ":status_reason, :secret_hint, :created_at, :updated_at, :last_verified_at, "
                                    + ":version, :secret, :secret_key_id) ON CONFLICT DO NOTHING"), account)
                    .bind("secret", secret)
                    .bind("secret_key_id", keyId)
                    .execute() == 1);
            if (inserted) {
                return;
            }
            // A unique index refused the row: say which account holds the identity, or that the id is taken.
            Optional<String> existing = existingId(account, false);
            if (existing.isPresent()) {
                throw new DuplicateAccountException(existing.get());
            }
            if (db.read(h -> h.createQuery("SELECT COUNT(*) FROM linked_account WHERE id = :id")
                    .bind("id", account.id()).mapTo(Integer.class).one()) > 0) {
                throw new IllegalStateException("account id reused: " + account.id());
            }
            // The conflicting row was deleted in between: try again.
        }
        throw new IllegalStateException("could not insert account " + account.id() + ": concurrent changes");
    }

    /** The account that holds this account's identity (other than itself when {@code otherThanItself}). */
    private Optional<String> existingId(LinkedAccount account, boolean otherThanItself) {
        return db.read(h -> h.createQuery("SELECT id FROM linked_account WHERE tenant_id = :tenant AND connector_id "
                        + "= :connector AND provider_user_id = :user AND workspace_id = :ws AND id <> :other")
                .bind("tenant", account.tenantId())
                .bind("connector", account.connectorId())
                .bind("user", account.providerUserId())
                .bind("ws", workspaceColumn(account))
                .bind("other", otherThanItself ? account.id() : "")
                .mapTo(String.class).findOne());
    }

    @Override
    public Optional<LinkedAccount> find(String tenantId, String accountId) {
        if (!Columns.storable(tenantId, accountId)) {
            return Optional.empty();
        }
        return db.read(h -> h.createQuery("SELECT " + COLUMNS + " FROM linked_account WHERE tenant_id = :tenant "
                        + "AND id = :id")
                .bind("tenant", tenantId)
                .bind("id", accountId)
                .map((rs, ctx) -> account(rs))
                .findOne());
    }

    @Override
    public Optional<byte[]> sealedSecret(String tenantId, String accountId) {
        if (!Columns.storable(tenantId, accountId)) {
            return Optional.empty();
        }
        return db.read(h -> h.createQuery("SELECT secret FROM linked_account WHERE tenant_id = :tenant AND id = :id")
                .bind("tenant", tenantId)
                .bind("id", accountId)
                .map((rs, ctx) -> rs.getBytes(1))
                .findOne());
    }

    @Override
    public Page<LinkedAccount> list(AccountQuery query) {
        Objects.requireNonNull(query, "query");
        Map<String, Object> params = new LinkedHashMap<>();
        String sql = listSql(query, params);
        List<LinkedAccount> rows = db.read(h -> {
            var statement = h.createQuery(sql);
            params.forEach(statement::bind);
            return statement.map((rs, ctx) -> account(rs)).list();
        });
        boolean more = rows.size() > query.limit();
        List<LinkedAccount> page = more ? rows.subList(0, query.limit()) : rows;
        return new Page<>(page, more ? Optional.of(page.get(page.size() - 1).id()) : Optional.empty());
    }

    /**
     * The visibility rule of {@link Viewer#canSee} in SQL. For an end user it is a union of three disjoint parts
     * (own accounts, the tenant's shared ones, the team's), each walking its own index in id order and cut at the
     * page size, so a page stays cheap however many accounts the tenant has.
     */
    static String listSql(AccountQuery query, Map<String, Object> params) {
        int fetch = query.limit() + 1;
        params.put("tenant", Columns.text("tenantId", query.viewer().tenantId()));
        params.put("fetch", fetch);
        StringBuilder filters = new StringBuilder("tenant_id = :tenant");
        query.connectorId().ifPresent(v -> {
            filters.append(" AND connector_id = :connector");
            params.put("connector", Columns.text("connectorId", v));
        });
        query.ownerId().ifPresent(v -> {
            filters.append(" AND owner_id = :owner");
            params.put("owner", Columns.text("ownerId", v));
        });
        query.status().ifPresent(v -> {
            filters.append(" AND status = :status");
            params.put("status", v.name());
        });
        query.label().ifPresent(v -> {
            filters.append(" AND label = :label");
            params.put("label", Columns.text("label", v));
        });
        query.cursor().ifPresent(v -> {
            filters.append(" AND id > :cursor");
            params.put("cursor", Columns.text("cursor", v));
        });
        Viewer viewer = query.viewer();
        if (viewer.isTenantWide()) {
            return "SELECT " + COLUMNS + " FROM linked_account WHERE " + filters + " ORDER BY id LIMIT :fetch";
        }
        params.put("viewer", Columns.text("viewer.ownerId", viewer.ownerId().orElseThrow()));
        List<String> parts = new ArrayList<>();
        parts.add(filters + " AND owner_id = :viewer");
        parts.add(filters + " AND visibility = '" + Visibility.TENANT.name() + "' AND owner_id <> :viewer");
        viewer.teamId().ifPresent(team -> {
            params.put("team", Columns.text("viewer.teamId", team));
            parts.add(filters + " AND team_id = :team AND visibility = '" + Visibility.TEAM.name()
                    + "' AND owner_id <> :viewer");
        });
        StringBuilder sql = new StringBuilder("SELECT ").append(COLUMNS).append(" FROM (");
        for (int i = 0; i < parts.size(); i++) {
            if (i > 0) {
                sql.append(" UNION ALL ");
            }
            sql.append("SELECT ").append(COLUMNS).append(" FROM (SELECT ").append(COLUMNS)
                    .append(" FROM linked_account WHERE ").append(parts.get(i))
                    .append(" ORDER BY id LIMIT :fetch) AS part").append(i);
        }
        return sql.append(") AS visible ORDER BY id LIMIT :fetch").toString();
    }

    @Override
    public LinkedAccount update(LinkedAccount account) {
        Objects.requireNonNull(account, "account");
        workspaceColumn(account);
        return updated(account, () -> db.write(h -> bindAll(h.createUpdate(updateSql("")), account).execute()));
    }

    @Override
    public LinkedAccount update(LinkedAccount account, byte[] sealedSecret) {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(sealedSecret, "sealedSecret");
        workspaceColumn(account);
        return updated(account, () -> cipher.writingSecret(db, sealedSecret, account.tenantId(), account.id(),
                (h, secret, keyId) -> bindAll(h.createUpdate(
                        updateSql(", secret = :secret, secret_key_id = :secret_key_id")), account)
                .bind("secret", secret)
                .bind("secret_key_id", keyId)
                .execute()));
    }

    private static String updateSql(String secretColumns) {
        return "UPDATE linked_account SET connector_id = :connector_id, auth_method = :auth_method, label = :label, "
                + "owner_id = :owner_id, team_id = :team_id, visibility = :visibility, "
                + "provider_user_id = :provider_user_id, provider_email = :provider_email, "
                + "provider_display_name = :provider_display_name, provider_account_id = :provider_account_id, "
                + "workspace_id = :workspace_id, workspace_name = :workspace_name, workspace_role = :workspace_role, "
                + "status = :status, status_reason = :status_reason, secret_hint = :secret_hint, "
                + "created_at = :created_at, updated_at = :updated_at, last_verified_at = :last_verified_at, "
                + "version = version + 1" + secretColumns
                + " WHERE tenant_id = :tenant_id AND id = :id AND version = :version";
    }

    private LinkedAccount updated(LinkedAccount account, IntSupplier update) {
        int changed;
        try {
            changed = update.getAsInt();
        } catch (UnableToExecuteStatementException e) {
            if (Database.isUniqueViolation(e)) {
                // The update moved the account onto another account's identity.
                throw new DuplicateAccountException(existingId(account, true).orElseThrow(() -> e));
            }
            throw e;
        }
        if (changed == 1) {
            return account.nextVersion();
        }
        boolean exists = db.read(h -> h.createQuery("SELECT COUNT(*) FROM linked_account WHERE tenant_id = :tenant "
                        + "AND id = :id")
                .bind("tenant", account.tenantId())
                .bind("id", account.id())
                .mapTo(Integer.class).one()) > 0;
        if (!exists) {
            throw new NotFoundException("account", account.id());
        }
        throw new StaleVersionException(account.id(), account.version());
    }

    @Override
    public boolean delete(String tenantId, String accountId) {
        if (!Columns.storable(tenantId, accountId)) {
            return false;
        }
        boolean deleted = db.write(h -> h.createUpdate("DELETE FROM linked_account WHERE tenant_id = :tenant AND id = :id")
                .bind("tenant", tenantId)
                .bind("id", accountId)
                .execute()) == 1;
        if (deleted) {
            db.eraseWal();
        }
        return deleted;
    }

    @Override
    public boolean delete(String tenantId, String accountId, long expectedVersion) {
        if (!Columns.storable(tenantId, accountId)) {
            return false;
        }
        // One statement checks and deletes: a concurrent update either lands first (and this deletes nothing) or
        // finds the row gone.
        boolean deleted = db.write(h -> h.createUpdate("DELETE FROM linked_account WHERE tenant_id = :tenant "
                        + "AND id = :id AND version = :version")
                .bind("tenant", tenantId)
                .bind("id", accountId)
                .bind("version", expectedVersion)
                .execute()) == 1;
        if (deleted) {
            db.eraseWal();
            return true;
        }
        boolean exists = db.read(h -> h.createQuery("SELECT COUNT(*) FROM linked_account WHERE tenant_id = :tenant "
                        + "AND id = :id")
                .bind("tenant", tenantId)
                .bind("id", accountId)
                .mapTo(Integer.class).one()) > 0;
        if (exists) {
            throw new StaleVersionException(accountId, expectedVersion);
        }
        return false;
    }

    private static <S extends SqlStatement<S>> S bindAll(S statement, LinkedAccount a) {
        return statement
                .bind("id", Columns.text("id", a.id()))
                .bind("tenant_id", Columns.text("tenantId", a.tenantId()))
                .bind("connector_id", Columns.text("connectorId", a.connectorId()))
                .bind("auth_method", Columns.text("authMethod", a.authMethod()))
                .bind("label", Columns.text("label", a.label()))
                .bind("owner_id", Columns.text("ownerId", a.ownerId()))
                .bind("team_id", Columns.text("teamId", a.teamId()))
                .bind("visibility", a.visibility().name())
                .bind("provider_user_id", Columns.text("providerUserId", a.providerUserId()))
                .bind("provider_email", Columns.text("providerEmail", a.providerEmail()))
                .bind("provider_display_name", Columns.text("providerDisplayName", a.providerDisplayName()))
                .bind("provider_account_id", Columns.text("providerAccountId", a.providerAccountId()))
                .bind("workspace_id", Columns.text("workspaceId", workspaceColumn(a)))
                .bind("workspace_name", Columns.text("workspaceName", a.workspaceName()))
                .bind("workspace_role", Columns.text("workspaceRole", a.workspaceRole()))
                .bind("status", a.status().name())
                .bind("status_reason", Columns.text("statusReason", a.statusReason()))
                .bind("secret_hint", Columns.text("secretHint", a.secretHint()))
                .bind("created_at", Columns.nanos(a.createdAt()))
                .bind("updated_at", Columns.nanos(a.updatedAt()))
                .bind("last_verified_at", Columns.nanos(a.lastVerifiedAt()))
                .bind("version", a.version());
    }

    private static String workspaceColumn(LinkedAccount account) {
        if (account.workspaceId().filter(String::isEmpty).isPresent()) {
            throw new IllegalArgumentException("workspaceId: must not be empty when present (account "
                    + account.id() + ")");
        }
        return account.workspaceId().orElse(NO_WORKSPACE);
    }

    static LinkedAccount account(ResultSet rs) throws SQLException {
        String workspace = rs.getString("workspace_id");
        return new LinkedAccount(
                rs.getString("id"),
                rs.getString("tenant_id"),
                rs.getString("connector_id"),
                rs.getString("auth_method"),
                rs.getString("label"),
                rs.getString("owner_id"),
                Columns.optional(rs, "team_id"),
                Visibility.valueOf(rs.getString("visibility")),
                rs.getString("provider_user_id"),
                Columns.optional(rs, "provider_email"),
                rs.getString("provider_display_name"),
                Columns.optional(rs, "provider_account_id"),
                NO_WORKSPACE.equals(workspace) ? Optional.empty() : Optional.of(workspace),
                Columns.optional(rs, "workspace_name"),
                Columns.optional(rs, "workspace_role"),
                AccountStatus.valueOf(rs.getString("status")),
                Columns.optional(rs, "status_reason"),
                rs.getString("secret_hint"),
                Columns.instant(rs, "created_at"),
                Columns.instant(rs, "updated_at"),
                Columns.optionalInstant(rs, "last_verified_at"),
                rs.getLong("version"));
    }
}
