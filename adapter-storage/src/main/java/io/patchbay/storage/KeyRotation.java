package io.patchbay.storage;

import com.google.crypto.tink.KeysetHandle;
import io.patchbay.core.error.SecretUnavailableException;
import io.patchbay.core.secret.SecretCipher;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Online key rotation, for a CLI or an admin endpoint: {@link #addPrimaryKey()} (new secrets use the new key),
 * {@link #reencryptAll(int)} (old rows move to it), {@link #removeUnusedKeys()} (keys no row needs any more go).
 * Reads never fail meanwhile. Keyset changes are written back to the keyset file atomically; a keyset from an
 * environment variable is changed with {@link Keysets} instead, and these methods refuse.
 */
public final class KeyRotation {
    private static final Logger LOG = LoggerFactory.getLogger(KeyRotation.class);
    public static final int DEFAULT_BATCH_SIZE = 500;

    /** How many stored secrets each key of the keyset seals. */
    public record KeyUsage(long keyId, boolean primary, long secrets) {
    }

    /**
     * Stored secrets sealed with a key id the keyset does not have: they do not open on this instance. Either another
     * instance sealed them with a key it has and this keyset lacks, or the key is lost.
     */
    public record MissingKey(long keyId, long secrets) {
    }

    /**
     * @param keyset      where the keyset lives
     * @param writable    whether rotation can change it here (a file) or not (an environment variable)
     * @param keys        the keys of the keyset and what each seals
     * @param missingKeys key ids that stored secrets name but the keyset lacks
     */
    public record Status(String keyset, boolean writable, long primaryKeyId, List<KeyUsage> keys,
                         List<MissingKey> missingKeys) {
        public Status {
            Objects.requireNonNull(keyset, "keyset");
            keys = List.copyOf(keys);
            missingKeys = List.copyOf(missingKeys);
        }

        /**
         * Secrets not sealed with the primary key, including those under a missing key: what re-encryption has left
         * to do (it cannot move secrets whose key is missing).
         */
        public long secretsNotOnPrimary() {
            return keys.stream().filter(k -> !k.primary()).mapToLong(KeyUsage::secrets).sum()
                    + secretsWithoutKey();
        }

        /** Secrets sealed with a key the keyset does not have. */
        public long secretsWithoutKey() {
            return missingKeys.stream().mapToLong(MissingKey::secrets).sum();
        }
    }

    /**
     * One re-encryption batch.
     *
     * @param reencrypted  rows moved to the primary key
     * @param changed      rows skipped because their secret changed meanwhile (a new secret uses the primary key)
     * @param unreadable   ids of rows whose secret no key of the keyset file opens (altered, or sealed with a key
     *                     the file lacks); they stay as they are
     * @param nextCursor   the id to continue after; empty when no rows are left
     * @param primaryKeyId the key the batch re-sealed with: the keyset file's primary key when the batch ran
     */
    public record Batch(int reencrypted, int changed, List<String> unreadable, Optional<String> nextCursor,
                        long primaryKeyId) {
        public Batch {
            unreadable = List.copyOf(unreadable);
            Objects.requireNonNull(nextCursor, "nextCursor");
        }
    }

    /**
     * The outcome of {@link #reencryptAll}.
     *
     * @param primaryKeyId the key the last batch re-sealed with (should another instance make another key primary
     *                     during the run, {@link #status()} counts what earlier batches sealed as still to do)
     */
    public record Summary(long reencrypted, long changed, List<String> unreadable, long primaryKeyId) {
        public Summary {
            unreadable = List.copyOf(unreadable);
        }
    }

    private final Database db;
    private final TinkSecretCipher cipher;

    KeyRotation(Database db, TinkSecretCipher cipher) {
        this.db = Objects.requireNonNull(db, "db");
        this.cipher = Objects.requireNonNull(cipher, "cipher");
    }

    /**
     * The keyset as its file holds it now (read again: another instance may have changed it) and, per key id, how many
     * stored secrets it seals, key ids the keyset lacks included.
     */
    public Status status() {
        TinkSecretCipher.Keys keys = cipher.reload();
        Map<Long, Long> counts = secretsPerKey(db);
        List<KeyUsage> usage = new ArrayList<>();
        for (long id : keys.ids().stream().sorted().toList()) {
            usage.add(new KeyUsage(id, id == keys.primaryId(), counts.getOrDefault(id, 0L)));
        }
        List<MissingKey> missing = counts.entrySet().stream()
                .filter(e -> !keys.ids().contains(e.getKey()))
                .map(e -> new MissingKey(e.getKey(), e.getValue()))
                .toList();
        return new Status(cipher.store().describe(), cipher.store().writable(), keys.primaryId(), usage, missing);
    }

    /**
     * Adds a key that opens secrets but does not seal new ones yet. With several instances, add it everywhere first
     * (so every instance can read what the others will write), then {@link #makePrimary}.
     *
     * @return the new key's id
     */
    public long addKey() {
        long id = addKey(false);
        LOG.info("Added key {} to the keyset {}", id, cipher.store().describe());
        return id;
    }

    /** New secrets are sealed with this key from now on. */
    public void makePrimary(long keyId) {
        cipher.changeKeys(handle -> Keysets.makePrimary(handle, keyId));
        LOG.info("Key {} is now the primary key of the keyset {}", keyId, cipher.store().describe());
    }

    /** {@link #addKey} and {@link #makePrimary} in one change of the keyset: right for a single instance. */
    public long addPrimaryKey() {
        long id = addKey(true);
        LOG.info("Added key {} to the keyset {} as its primary key", id, cipher.store().describe());
        return id;
    }

    private long addKey(boolean primary) {
        long[] added = new long[1];
        cipher.changeKeys(file -> {
            KeysetHandle next = Keysets.addKey(file);
            added[0] = Keysets.newestKeyId(file, next);
            return primary ? Keysets.makePrimary(next, added[0]) : next;
        });
        return added[0];
    }

    /**
     * Re-seals up to {@code limit} secrets that are not on the primary key, in id order after {@code after}. Each row
     * is replaced only if its ciphertext is still the one read (compare-and-set), so a concurrent credential update
     * or another rotation is never overwritten.
     *
     * <p>The keyset file is read again first: another instance sharing it may have made another key primary, and
     * re-encrypting with this instance's old primary would call that key's secrets unreadable or move them back.
     *
     * @throws KeysetChangedException when the file's primary key changed while the batch ran; nothing was written
     */
    public Batch reencryptBatch(Optional<String> after, int limit) {
        Objects.requireNonNull(after, "after");
        if (limit < 1 || limit > 10_000) {
            throw new IllegalArgumentException("limit: must be between 1 and 10000, got " + limit);
        }
        // Outside the cipher's read lock below: adopting a changed keyset takes its write lock.
        long primary = cipher.reload().primaryId();
        List<Row> rows = db.read(h -> h.createQuery("SELECT id, tenant_id, secret FROM linked_account "
                        + "WHERE secret_key_id <> :primary AND id > :after ORDER BY id LIMIT :limit")
                .bind("primary", primary)
                .bind("after", after.orElse(""))
                .bind("limit", limit)
                .map((rs, ctx) -> new Row(rs.getString("id"), rs.getString("tenant_id"), rs.getBytes("secret")))
                .list());
        Optional<String> next = rows.size() < limit ? Optional.empty() : Optional.of(rows.get(rows.size() - 1).id());
        List<String> unreadable = new ArrayList<>();
        List<Opened> opened = new ArrayList<>();
        try {
            for (Row row : rows) {
                try {
                    // Through the cipher, not the keys alone: a key id this instance lacks makes it read the file
                    // again (another instance may just have added that key) before the row counts as unreadable.
                    opened.add(new Opened(row, cipher.open(row.secret(), associatedData(row))));
                } catch (SecretUnavailableException e) {
                    LOG.warn("Secret of account {} does not open with the keyset {}; left as it is: {}", row.id(),
                            cipher.store().describe(), e.getMessage());
                    unreadable.add(row.id());
                }
            }
            return cipher.withFilePrimary(keys -> reseal(opened, keys, unreadable, next));
        } finally {
            opened.forEach(o -> Arrays.fill(o.plaintext(), (byte) 0));
        }
    }

    private record Row(String id, String tenantId, byte[] secret) {
    }

    private record Opened(Row row, byte[] plaintext) {
    }

    private static byte[] associatedData(Row row) {
        return SecretCipher.associatedData(row.tenantId(), row.id());
    }

    /** Under the cipher's read lock, with {@code keys} whose primary is the keyset file's. */
    private Batch reseal(List<Opened> opened, TinkSecretCipher.Keys keys, List<String> unreadable,
                         Optional<String> next) {
        List<Row> resealed = new ArrayList<>();
        List<byte[]> previous = new ArrayList<>();
        for (Opened o : opened) {
            if (TinkSecretCipher.keyId(o.row().secret()).orElse(-1) == keys.primaryId()) {
                continue; // sealed with a key adopted while the batch ran, which is the primary now: nothing to move
            }
            try {
                resealed.add(new Row(o.row().id(), o.row().tenantId(),
                        keys.aead().encrypt(o.plaintext(), associatedData(o.row()))));
                previous.add(o.row().secret());
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("sealing failed", e);
            }
        }
        int moved;
        try {
            moved = resealed.isEmpty() ? 0 : cipher.storingSealed(db, keys.primaryId(), h -> {
                var batch = h.prepareBatch("UPDATE linked_account SET secret = :secret, secret_key_id = :key "
                        + "WHERE id = :id AND secret = :previous");
                for (int i = 0; i < resealed.size(); i++) {
                    batch.bind("secret", resealed.get(i).secret())
                            .bind("key", keys.primaryId())
                            .bind("id", resealed.get(i).id())
                            .bind("previous", previous.get(i))
                            .add();
                }
                return Arrays.stream(batch.execute()).map(n -> Math.max(n, 0)).sum();
            });
        } catch (KeyRemovedException e) {
            // Another instance made another key primary and removed this one since the file was read for the batch.
            throw new KeysetChangedException(cipher.store().describe(), e.primaryKeyId(), keys.primaryId());
        }
        return new Batch(moved, resealed.size() - moved, unreadable, next, keys.primaryId());
    }

    /** Re-seals every secret that is not on the primary key, {@value #DEFAULT_BATCH_SIZE} rows at a time. */
    public Summary reencryptAll() {
        return reencryptAll(DEFAULT_BATCH_SIZE);
    }

    /**
     * Re-seals every secret that is not on the primary key, batch by batch, each with the keyset file's primary key
     * as it is when the batch runs.
     *
     * @throws KeysetChangedException when the file's primary key changed while a batch ran; the batches before it
     *                                are stored, and running it again goes on
     */
    public Summary reencryptAll(int batchSize) {
        long moved = 0;
        long changed = 0;
        List<String> unreadable = new ArrayList<>();
        Optional<String> cursor = Optional.empty();
        long primary;
        do {
            Batch batch = reencryptBatch(cursor, batchSize);
            moved += batch.reencrypted();
            changed += batch.changed();
            unreadable.addAll(batch.unreadable());
            cursor = batch.nextCursor();
            primary = batch.primaryKeyId();
        } while (cursor.isPresent());
        // The key the batches sealed with, not the keyset as it may be by now.
        LOG.info("Re-encrypted {} secrets with key {} ({} changed meanwhile, {} unreadable)", moved, primary, changed,
                unreadable.size());
        return new Summary(moved, changed, unreadable, primary);
    }

    /**
     * Removes every key of the keyset file that no stored secret uses, other than the file's primary key and this
     * instance's. It is decided on the file as it is now and on the database at that moment, while no secret can be
     * written here; a key the file has and this instance has not heard of is judged the same way. On PostgreSQL no
     * instance can write a secret meanwhile either: once it holds the file's lock, this holds the keyset advisory lock
     * alone from before the count until the file is written, and every write of a secret holds it shared and checks the file once it has it
     * ({@link TinkSecretCipher#storingSealed}), so a secret sealed with a key removed here is never stored.
     *
     * @return the ids of the removed keys
     */
    public List<Long> removeUnusedKeys() {
        List<Long> removed = new ArrayList<>();
        cipher.changeKeysWithin(update -> {
            // The file's lock first, then the database's: waiting for the file (another instance's key change)
            // holds nothing that secret writes need, and the file cannot change once it is held.
            HandleCallback<KeysetHandle, RuntimeException> removing = h -> update.apply(file -> {
                db.lock(h, Database.AdvisoryLock.KEYSET, false);
                return withoutUnusedKeys(h, file, removed);
            });
            // SQLite serves one instance, whose writes the cipher keeps out: no transaction to hold.
            return db.dialect() == Database.Dialect.POSTGRESQL ? db.write(removing) : db.read(removing);
        });
        if (!removed.isEmpty()) {
            LOG.info("Removed unused keys {} from the keyset {}", removed, cipher.store().describe());
        }
        return List.copyOf(removed);
    }

    private KeysetHandle withoutUnusedKeys(Handle h, KeysetHandle file, List<Long> removed) {
        KeysetHandle handle = file;
        // This instance's primary stays even when the file has another one: a secret sealed with it just before
        // this change must still be accepted when it is written after.
        long ownPrimary = cipher.keys().primaryId();
        for (long id : Keysets.keyIds(file)) {
            if (id != Keysets.primaryKeyId(file) && id != ownPrimary && secretsWithKey(h, id) == 0) {
                handle = Keysets.removeKey(handle, id);
                removed.add(id);
            }
        }
        return handle;
    }

    private static long secretsWithKey(Handle h, long keyId) {
        return h.createQuery("SELECT COUNT(*) FROM linked_account WHERE secret_key_id = :key")
                .bind("key", keyId)
                .mapTo(Long.class).one();
    }

    /** How many stored secrets each of {@code keyIds} seals (ids no secret uses are left out); one index read. */
    static Map<Long, Long> secretsUnder(Database db, Set<Long> keyIds) {
        Map<Long, Long> counts = new TreeMap<>();
        if (keyIds.isEmpty()) {
            return counts;
        }
        db.read(h -> h.createQuery("SELECT secret_key_id, COUNT(*) AS n FROM linked_account "
                        + "WHERE secret_key_id IN (<ids>) GROUP BY secret_key_id")
                .bindList("ids", List.copyOf(keyIds))
                .map((rs, ctx) -> counts.put(rs.getLong(1), rs.getLong(2)))
                .list());
        return counts;
    }

    static Map<Long, Long> secretsPerKey(Database db) {
        Map<Long, Long> counts = new TreeMap<>();
        db.read(h -> h.createQuery("SELECT secret_key_id, COUNT(*) AS n FROM linked_account GROUP BY secret_key_id")
                .map((rs, ctx) -> counts.put(rs.getLong(1), rs.getLong(2)))
                .list());
        return counts;
    }
}
