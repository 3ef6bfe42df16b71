package io.patchbay.storage;

import com.google.crypto.tink.KeysetHandle;
import io.patchbay.core.access.ApiKeyStore;
import io.patchbay.core.access.ConnectSessionStore;
import io.patchbay.core.account.AccountChanges;
import io.patchbay.core.account.LinkedAccountStore;
import io.patchbay.core.audit.AuditLog;
import io.patchbay.core.secret.SecretCipher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The storage adapter: the core's store ports on SQLite or PostgreSQL, and the {@link SecretCipher} on a Tink
 * keyset kept outside the database. {@link #open} migrates the schema and refuses to start when stored secrets
 * need keys the keyset does not have; it never falls back to plaintext.
 */
public final class PatchbayStorage implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PatchbayStorage.class);
    /** How many stored secrets per key the start-up check tries at most, stopping at the first that opens. */
    static final int KEY_CHECK_ROWS = 20;

    private final Database db;
    private final TinkSecretCipher cipher;
    private final LinkedAccountStore accounts;
    private final AuditLog auditLog;
    private final ApiKeyStore apiKeys;
    private final ConnectSessionStore connectSessions;
    private final KeyRotation keyRotation;
    private final AccountChanges accountChanges;

    private PatchbayStorage(Database db, TinkSecretCipher cipher, AccountChanges accountChanges) {
        this.db = db;
        this.cipher = cipher;
        this.accountChanges = accountChanges;
        this.accounts = new JdbiLinkedAccountStore(db, cipher);
        this.auditLog = new JdbiAuditLog(db);
        this.apiKeys = new JdbiApiKeyStore(db);
        this.connectSessions = new JdbiConnectSessionStore(db);
        this.keyRotation = new KeyRotation(db, cipher);
    }

    /**
     * Connects, applies migrations, loads (or on first start generates) the keyset and checks it against the
     * stored secrets.
     *
     * @throws StorageException when the database cannot be reached or migrated, or the keyset is missing, unusable
     *                          or lacks keys that stored secrets need; the message says what to do
     */
    public static PatchbayStorage open(StorageConfig config) {
        return open(config, TinkSecretCipher.KEYSET_RECHECK);
    }

    /** As {@link #open(StorageConfig)}, reading a keyset file again before sealing at most every {@code recheck}. */
    static PatchbayStorage open(StorageConfig config, java.time.Duration recheck) {
        return open(config, recheck, Database.LOCK_TIMEOUT);
    }

    /**
     * As {@link #open(StorageConfig)}, for tools that work on an installation a server made (a new admin key):
     * a database without Patchbay's schema, set by mistake (a mistyped folder or database name), is refused before
     * anything is created in it, and a keyset is never generated.
     *
     * @throws StorageException also when there is no Patchbay database there
     */
    public static PatchbayStorage openExisting(StorageConfig config) {
        Objects.requireNonNull(config, "config");
        return open(config.withoutKeysetGeneration(), TinkSecretCipher.KEYSET_RECHECK, Database.LOCK_TIMEOUT, false);
    }

    /** As {@link #open(StorageConfig, java.time.Duration)}; PostgreSQL statements wait for a lock at most that long. */
    static PatchbayStorage open(StorageConfig config, java.time.Duration recheck, java.time.Duration lockTimeout) {
        return open(config, recheck, lockTimeout, true);
    }

    private static PatchbayStorage open(StorageConfig config, java.time.Duration recheck,
                                        java.time.Duration lockTimeout, boolean create) {
        Objects.requireNonNull(config, "config");
        warnIfDatabaseLost(config);
        Database db = Database.open(config, lockTimeout, create);
        try {
            TinkSecretCipher cipher = new TinkSecretCipher(new KeysetStore(config.keyset()), keyset(config, db),
                    recheck, ids -> KeyRotation.secretsUnder(db, ids));
            verifyKeys(db, cipher);
            LOG.info("Storage ready: {} ({}), keyset {} with keys {}, primary {}",
                    StorageConfig.redact(config.jdbcUrl()), db.dialect(), config.keyset().describe(),
                    cipher.keys().ids(), cipher.keys().primaryId());
            // SQLite is one instance: every write goes through this process. The PostgreSQL feed connects when a
            // cache first subscribes, so a storage opened by a tool holds no extra connection.
            AccountChanges changes = db.dialect() == Database.Dialect.SQLITE ? AccountChanges.singleProcess()
                    : PostgresAccountChanges.of(config);
            return new PatchbayStorage(db, cipher, changes);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    /**
     * A new SQLite database beside a keyset file that is already there is a first start only if the keyset was
     * provided on purpose; otherwise the database was lost (deleted, a volume not mounted) and the server is about
     * to start as a new, empty installation. It still starts (a keyset may well be provided first), but says so.
     */
    private static void warnIfDatabaseLost(StorageConfig config) {
        if (config.sqlite() && config.keyset() instanceof KeysetSource.File keyset && Files.exists(keyset.path())
                && !Files.exists(Path.of(StorageConfig.sqliteFile(config.jdbcUrl())))) {
            LOG.warn("No database at {} but the keyset {} is there: if this installation had linked accounts, its "
                    + "database is missing (restore it from its backup, with the server stopped); otherwise, as a "
                    + "keyset provided before the first start, this is expected", Path.of(StorageConfig.sqliteFile(
                    config.jdbcUrl())).toAbsolutePath(), keyset.path());
        }
    }

    private static KeysetHandle keyset(StorageConfig config, Database db) {
        KeysetStore store = new KeysetStore(config.keyset());
        if (store.exists()) {
            return store.load();
        }
        long stored = KeyRotation.secretsPerKey(db).values().stream().mapToLong(Long::longValue).sum();
        if (stored > 0) {
            throw new StorageException("Refusing to start: the keyset " + config.keyset().describe() + " is missing "
                    + "but the database holds " + stored + " sealed secrets. Restore the keyset from its backup; a new "
                    + "keyset would not open them.");
        }
        if (!config.generateKeyset()) {
            throw new StorageException("The keyset " + config.keyset().describe() + " does not exist. "
                    + config.missingKeysetHint());
        }
        return store.generate();
    }

    /**
     * Every key id used by a stored secret must be in the keyset and actually open secrets sealed under it. Per key,
     * rows are tried in id order until one opens, at most {@link #KEY_CHECK_ROWS}: a start costs a few decryptions
     * whatever the size of the database. A key that opens none of them is the wrong key, refused, when it failed
     * on that many rows or when no key of the keyset opens anything; otherwise the rows it did not open are altered
     * rows (re-encryption leaves them on their old key), which must not stop the start: disconnecting their
     * accounts, the remedy, needs a running server. They are logged by account id.
     */
    private static void verifyKeys(Database db, TinkSecretCipher cipher) {
        TinkSecretCipher.Keys keys = cipher.keys();
        Map<Long, Long> perKey = KeyRotation.secretsPerKey(db);
        Map<Long, Long> missing = new TreeMap<>(perKey);
        missing.keySet().removeAll(keys.ids());
        if (!missing.isEmpty()) {
            long rows = missing.values().stream().mapToLong(Long::longValue).sum();
            throw new StorageException("Refusing to start: " + rows + " stored secrets are sealed with key ids "
                    + missing.keySet() + " that the keyset " + cipher.store().describe() + " does not contain (it has "
                    + new TreeSet<>(keys.ids()) + "). Configure the keyset that holds these keys; secrets are never "
                    + "read without their key.");
        }
        Map<Long, KeyCheck> checks = new TreeMap<>();
        for (long keyId : perKey.keySet()) {
            checks.put(keyId, checkKey(db, keys, keyId));
        }
        boolean anyOpens = checks.values().stream().anyMatch(KeyCheck::opens);
        Map<Long, Integer> wrong = new TreeMap<>();
        List<String> unreadable = new ArrayList<>();
        checks.forEach((keyId, check) -> {
            if (!check.opens() && (!anyOpens || check.unopened().size() >= KEY_CHECK_ROWS)) {
                wrong.put(keyId, check.unopened().size());
            } else {
                unreadable.addAll(check.unopened());
            }
        });
        if (!wrong.isEmpty()) {
            throw new StorageException("Refusing to start: the keys " + wrong.keySet() + " of the keyset "
                    + cipher.store().describe() + " do not open the secrets sealed under their ids (tried per key, in "
                    + "account id order: " + wrong.values() + " secrets, at most " + KEY_CHECK_ROWS + ", none opened). "
                    + "The keyset is not the one these secrets were sealed with.");
        }
        if (!unreadable.isEmpty()) {
            LOG.warn("The stored secrets of accounts {} do not open with the key their row names, though that keyset "
                    + "opens others: the rows were altered. Those accounts cannot be used; disconnect them (their users "
                    + "link again). Re-encryption lists every such account as unreadable.", unreadable);
        }
    }

    /**
     * @param opens    whether a secret under the key opened
     * @param unopened ids of the accounts tried before that, whose secret did not open (all tried, if none did)
     */
    private record KeyCheck(boolean opens, List<String> unopened) {
    }

    private static KeyCheck checkKey(Database db, TinkSecretCipher.Keys keys, long keyId) {
        return db.read(h -> h.createQuery("SELECT id, tenant_id, secret FROM linked_account WHERE "
                        + "secret_key_id = :key ORDER BY id LIMIT " + KEY_CHECK_ROWS)
                .bind("key", keyId)
                .reduceResultSet(new KeyCheck(false, List.of()), (check, rs, ctx) -> {
                    if (check.opens()) {
                        return check; // the rest of the (few) rows are read, not decrypted
                    }
                    try {
                        byte[] plaintext = keys.aead().decrypt(rs.getBytes("secret"),
                                SecretCipher.associatedData(rs.getString("tenant_id"), rs.getString("id")));
                        java.util.Arrays.fill(plaintext, (byte) 0);
                        return new KeyCheck(true, check.unopened());
                    } catch (GeneralSecurityException e) {
                        List<String> unopened = new ArrayList<>(check.unopened());
                        unopened.add(rs.getString("id"));
                        return new KeyCheck(false, List.copyOf(unopened));
                    }
                }));
    }

    public LinkedAccountStore accounts() {
        return accounts;
    }

    /**
     * Announces account changes made by anyone sharing the database, for an account cache
     * ({@code Hub.builder().accountChanges(...)}). On PostgreSQL every instance and tool is heard; SQLite has one
     * instance, whose own writes are all there is.
     */
    public AccountChanges accountChanges() {
        return accountChanges;
    }

    public AuditLog auditLog() {
        return auditLog;
    }

    public ApiKeyStore apiKeys() {
        return apiKeys;
    }

    public ConnectSessionStore connectSessions() {
        return connectSessions;
    }

    /** Seals with the primary key of the keyset; opens with any of its keys. */
    public SecretCipher cipher() {
        return cipher;
    }

    public KeyRotation keyRotation() {
        return keyRotation;
    }

    /**
     * The database answers and the schema is at the version this code expects, and on SQLite the configured path
     * still names the database file opened (not moved, deleted or replaced since), and a keyset file still holds the
     * keys stored secrets use: for health checks. Answers within 2 s.
     */
    public boolean ready() {
        return notReadyReason().isEmpty();
    }

    /**
     * Why the storage is not {@link #ready()} (naming, say, the SQLite file that went missing, or a keyset file that
     * no longer holds the keys stored secrets use); empty when it is.
     */
    public Optional<String> notReadyReason() {
        Optional<String> database = db.notReady();
        return database.isPresent() ? database : cipher.fileProblem();
    }

    Database database() {
        return db;
    }

    @Override
    public void close() {
        if (accountChanges instanceof PostgresAccountChanges feed) {
            feed.close();
        }
        db.close();
    }
}
