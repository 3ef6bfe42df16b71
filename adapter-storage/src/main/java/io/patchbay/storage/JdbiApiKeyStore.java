package io.patchbay.storage;

import io.patchbay.core.access.ApiKey;
import io.patchbay.core.access.ApiKeyStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/** API keys by the hash of the key; scopes in a child table so "any active admin key" is one indexed query. */
final class JdbiApiKeyStore implements ApiKeyStore {
    private static final String SELECT = "SELECT k.id, k.tenant_id, k.name, k.secret_hash, k.hint, k.created_at, "
            + "k.revoked_at, s.scope FROM api_key k LEFT JOIN api_key_scope s ON s.key_id = k.id ";

    private final Database db;

    JdbiApiKeyStore(Database db) {
        this.db = Objects.requireNonNull(db, "db");
    }

    @Override
    public void insert(ApiKey key) {
        Objects.requireNonNull(key, "key");
        try {
            db.write(h -> {
                insertRows(h, key);
                return null;
            });
        } catch (UnableToExecuteStatementException e) {
            throw refused(e, key);
        }
    }

    @Override
    public boolean insertUnlessActiveWithScope(ApiKey key, String scope) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(scope, "scope");
        try {
            return db.write(h -> {
                // PostgreSQL: FOR UPDATE cannot lock a row that does not exist yet, so instances starting together
                // take one advisory lock around the check and the insert. SQLite needs none: Database.write begins
                // IMMEDIATE transactions, which take the database's write lock at once, one at a time.
                db.lock(h, Database.AdvisoryLock.FIRST_ADMIN_KEY, false);
                if (activeWithScope(h, scope)) {
                    return false;
                }
                insertRows(h, key);
                return true;
            });
        } catch (UnableToExecuteStatementException e) {
            throw refused(e, key);
        }
    }

    private static boolean activeWithScope(Handle h, String scope) {
        return h.createQuery("SELECT COUNT(*) FROM api_key_scope s JOIN api_key k ON k.id = s.key_id "
                        + "WHERE s.scope = :scope AND k.revoked_at IS NULL")
                .bind("scope", scope)
                .mapTo(Long.class).one() > 0;
    }

    private static void insertRows(Handle h, ApiKey key) {
        h.createUpdate("INSERT INTO api_key (id, tenant_id, name, secret_hash, hint, created_at, revoked_at) "
                        + "VALUES (:id, :tenant, :name, :hash, :hint, :created, :revoked)")
                .bind("id", Columns.text("id", key.id()))
                .bind("tenant", Columns.text("tenantId", key.tenantId()))
                .bind("name", Columns.text("name", key.name()))
                .bind("hash", key.secretHash())
                .bind("hint", key.hint())
                .bind("created", Columns.nanos(key.createdAt()))
                .bind("revoked", Columns.nanos(key.revokedAt()))
                .execute();
        var batch = h.prepareBatch("INSERT INTO api_key_scope (key_id, scope) VALUES (:key, :scope)");
        for (String scope : key.scopes()) {
            batch.bind("key", key.id()).bind("scope", Columns.text("scopes", scope)).add();
        }
        if (!key.scopes().isEmpty()) {
            batch.execute();
        }
    }

    /** What a failed insert of {@code key} means: a unique index refused it, or as it is. */
    private RuntimeException refused(UnableToExecuteStatementException e, ApiKey key) {
        if (Database.isUniqueViolation(e)) {
            return new IllegalStateException(findByHash(key.secretHash()).isPresent()
                    ? "API key hash already stored" : "API key id reused: " + key.id());
        }
        return e;
    }

    @Override
    public Optional<ApiKey> findByHash(String secretHash) {
        Objects.requireNonNull(secretHash, "secretHash");
        return db.read(h -> fold(h.createQuery(SELECT + "WHERE k.secret_hash = :hash")
                .bind("hash", secretHash)
                .mapToMap().list())).stream().findFirst();
    }

    @Override
    public Optional<ApiKey> find(String tenantId, String id) {
        if (!Columns.storable(tenantId, id)) {
            return Optional.empty();
        }
        return db.read(h -> fold(h.createQuery(SELECT + "WHERE k.tenant_id = :tenant AND k.id = :id")
                .bind("tenant", tenantId)
                .bind("id", id)
                .mapToMap().list())).stream().findFirst();
    }

    @Override
    public List<ApiKey> list(String tenantId) {
        if (!Columns.storable(tenantId)) {
            return List.of();
        }
        return db.read(h -> fold(h.createQuery(SELECT + "WHERE k.tenant_id = :tenant ORDER BY k.created_at DESC, "
                        + "k.id DESC")
                .bind("tenant", tenantId)
                .mapToMap().list()));
    }

    @Override
    public Revocation revoke(String tenantId, String id, Instant at, Set<String> keptScopes) {
        Objects.requireNonNull(at, "at");
        if (!Columns.storable(tenantId, id)) {
            return Revocation.NOT_ACTIVE;
        }
        // SQLite runs write transactions one at a time; PostgreSQL must lock the kept scopes' active keys, or two
        // revocations at the same moment would each count the other's key and both pass.
        String lock = db.dialect() == Database.Dialect.POSTGRESQL ? " FOR UPDATE OF k" : "";
        return db.write(h -> {
            for (String scope : keptScopes) {
                List<String> active = h.createQuery("SELECT k.id FROM api_key k JOIN api_key_scope s "
                                + "ON s.key_id = k.id WHERE s.scope = :scope AND k.revoked_at IS NULL" + lock)
                        .bind("scope", scope)
                        .mapTo(String.class).list();
                if (active.equals(List.of(id))) {
                    boolean inTenant = h.createQuery("SELECT COUNT(*) FROM api_key WHERE tenant_id = :tenant "
                                    + "AND id = :id")
                            .bind("tenant", tenantId).bind("id", id)
                            .mapTo(Long.class).one() == 1;
                    return inTenant ? Revocation.LAST_WITH_SCOPE : Revocation.NOT_ACTIVE;
                }
            }
            int changed = h.createUpdate("UPDATE api_key SET revoked_at = :at WHERE tenant_id = :tenant AND id = :id "
                            + "AND revoked_at IS NULL")
                    .bind("at", Columns.nanos(at))
                    .bind("tenant", tenantId)
                    .bind("id", id)
                    .execute();
            return changed == 1 ? Revocation.REVOKED : Revocation.NOT_ACTIVE;
        });
    }

    /** One key per id from the joined rows (one row per scope), in the order the keys first appear. */
    private static List<ApiKey> fold(List<Map<String, Object>> rows) {
        Map<String, List<Map<String, Object>>> byId = new LinkedHashMap<>();
        for (Map<String, Object> row : rows) {
            byId.computeIfAbsent((String) row.get("id"), k -> new ArrayList<>()).add(row);
        }
        List<ApiKey> keys = new ArrayList<>();
        for (List<Map<String, Object>> group : byId.values()) {
            Map<String, Object> first = group.get(0);
            Set<String> scopes = new HashSet<>();
            for (Map<String, Object> row : group) {
                if (row.get("scope") != null) {
                    scopes.add((String) row.get("scope"));
                }
            }
            Object revoked = first.get("revoked_at");
            keys.add(new ApiKey((String) first.get("id"), (String) first.get("tenant_id"), (String) first.get("name"),
                    (String) first.get("secret_hash"), (String) first.get("hint"), scopes,
                    Columns.instant(((Number) first.get("created_at")).longValue()),
                    revoked == null ? Optional.empty() : Optional.of(Columns.instant(((Number) revoked).longValue()))));
        }
        return keys;
    }
}
