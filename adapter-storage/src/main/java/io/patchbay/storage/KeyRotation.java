package io.patchbay.storage;

import io.patchbay.core.secret.SecretCipher;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
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
     * @param keyset   where the keyset lives
     * @param writable whether rotation can change it here (a file) or not (an environment variable)
     */
    public record Status(String keyset, boolean writable, long primaryKeyId, List<KeyUsage> keys) {
        public Status {
            Objects.requireNonNull(keyset, "keyset");
            keys = List.copyOf(keys);
        }

        /** Secrets still sealed with a key other than the primary: what re-encryption has left to do. */
        public long secretsNotOnPrimary() {
            return keys.stream().filter(k -> !k.primary()).mapToLong(KeyUsage::secrets).sum();
        }
    }

    /**
     * One re-encryption batch.
     *
     * @param reencrypted  rows moved to the primary key
     * @param changed      rows skipped because their secret changed meanwhile (a new secret uses the primary key)
     * @param unreadable   ids of rows whose secret no key opens (tampered); they stay as they are
     * @param nextCursor   the id to continue after; empty when no rows are left
     */
    public record Batch(int reencrypted, int changed, List<String> unreadable, Optional<String> nextCursor) {
        public Batch {
            unreadable = List.copyOf(unreadable);
            Objects.requireNonNull(nextCursor, "nextCursor");
        }
    }

    /** The outcome of {@link #reencryptAll}. */
    public record Summary(long reencrypted, long changed, List<String> unreadable) {
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

    public Status status() {
        TinkSecretCipher.Keys keys = cipher.keys();
        Map<Long, Long> counts = secretsPerKey(db);
        List<KeyUsage> usage = new ArrayList<>();
        for (long id : keys.ids().stream().sorted().toList()) {
            usage.add(new KeyUsage(id, id == keys.primaryId(), counts.getOrDefault(id, 0L)));
        }
        return new Status(cipher.store().describe(), cipher.store().writable(), keys.primaryId(), usage);
    }

    /**
     * Adds a key that opens secrets but does not seal new ones yet. With several instances, add it everywhere first
     * (so every instance can read what the others will write), then {@link #makePrimary}.
     *
     * @return the new key's id
     */
    public long addKey() {
        long[] added = new long[1];
        cipher.changeKeys(keys -> {
            var next = Keysets.addKey(keys.handle());
            added[0] = Keysets.newestKeyId(keys.handle(), next);
            return next;
        });
        LOG.info("Added key {} to the keyset {}", added[0], cipher.store().describe());
        return added[0];
    }

    /** New secrets are sealed with this key from now on. */
    public void makePrimary(long keyId) {
        cipher.changeKeys(keys -> Keysets.makePrimary(keys.handle(), keyId));
        LOG.info("Key {} is now the primary key of the keyset {}", keyId, cipher.store().describe());
    }

    /** {@link #addKey} and {@link #makePrimary} at once: right for a single instance. */
    public long addPrimaryKey() {
        long id = addKey();
        makePrimary(id);
        return id;
    }

    /**
     * Re-seals up to {@code limit} secrets that are not on the primary key, in id order after {@code after}. Each row
     * is replaced only if its ciphertext is still the one read (compare-and-set), so a concurrent credential update
     * or another rotation is never overwritten.
     */
    public Batch reencryptBatch(Optional<String> after, int limit) {
        Objects.requireNonNull(after, "after");
        if (limit < 1 || limit > 10_000) {
            throw new IllegalArgumentException("limit: must be between 1 and 10000, got " + limit);
        }
        return cipher.withStableKeys(keys -> {
            record Row(String id, String tenantId, byte[] secret) {
            }
            List<Row> rows = db.read(h -> h.createQuery("SELECT id, tenant_id, secret FROM linked_account "
                            + "WHERE secret_key_id <> :primary AND id > :after ORDER BY id LIMIT :limit")
                    .bind("primary", keys.primaryId())
                    .bind("after", after.orElse(""))
                    .bind("limit", limit)
                    .map((rs, ctx) -> new Row(rs.getString("id"), rs.getString("tenant_id"), rs.getBytes("secret")))
                    .list());
            List<String> unreadable = new ArrayList<>();
            List<Row> resealed = new ArrayList<>();
            List<byte[]> previous = new ArrayList<>();
            for (Row row : rows) {
                byte[] associatedData = SecretCipher.associatedData(row.tenantId(), row.id());
                byte[] plaintext;
                try {
                    plaintext = keys.aead().decrypt(row.secret(), associatedData);
                } catch (GeneralSecurityException e) {
                    LOG.warn("Secret of account {} does not open with any key; left as it is", row.id());
                    unreadable.add(row.id());
                    continue;
                }
                try {
                    resealed.add(new Row(row.id(), row.tenantId(), keys.aead().encrypt(plaintext, associatedData)));
                    previous.add(row.secret());
                } catch (GeneralSecurityException e) {
                    throw new IllegalStateException("sealing failed", e);
                } finally {
                    Arrays.fill(plaintext, (byte) 0);
                }
            }
            int moved = resealed.isEmpty() ? 0 : db.write(h -> {
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
            Optional<String> next = rows.size() < limit ? Optional.empty() : Optional.of(rows.get(rows.size() - 1).id());
            return new Batch(moved, resealed.size() - moved, unreadable, next);
        });
    }

    /** Re-seals every secret that is not on the primary key, {@value #DEFAULT_BATCH_SIZE} rows at a time. */
    public Summary reencryptAll() {
        return reencryptAll(DEFAULT_BATCH_SIZE);
    }

    /** Re-seals every secret that is not on the primary key, batch by batch. */
    public Summary reencryptAll(int batchSize) {
        long moved = 0;
        long changed = 0;
        List<String> unreadable = new ArrayList<>();
        Optional<String> cursor = Optional.empty();
        do {
            Batch batch = reencryptBatch(cursor, batchSize);
            moved += batch.reencrypted();
            changed += batch.changed();
            unreadable.addAll(batch.unreadable());
            cursor = batch.nextCursor();
        } while (cursor.isPresent());
        LOG.info("Re-encrypted {} secrets with key {} ({} changed meanwhile, {} unreadable)", moved,
                cipher.keys().primaryId(), changed, unreadable.size());
        return new Summary(moved, changed, unreadable);
    }

    /**
     * Removes every non-primary key that no stored secret uses. No secret can be written while this runs, so a
     * removed key is never needed afterwards.
     *
     * @return the ids of the removed keys
     */
    public List<Long> removeUnusedKeys() {
        List<Long> removed = new ArrayList<>();
        cipher.changeKeys(keys -> {
            var handle = keys.handle();
            for (long id : keys.ids()) {
                if (id != keys.primaryId() && secretsWithKey(id) == 0) {
                    handle = Keysets.removeKey(handle, id);
                    removed.add(id);
                }
            }
            return handle;
        });
        if (!removed.isEmpty()) {
            LOG.info("Removed unused keys {} from the keyset {}", removed, cipher.store().describe());
        }
        return removed;
    }

    private long secretsWithKey(long keyId) {
        return db.read(h -> h.createQuery("SELECT COUNT(*) FROM linked_account WHERE secret_key_id = :key")
                .bind("key", keyId)
                .mapTo(Long.class).one());
    }

    static Map<Long, Long> secretsPerKey(Database db) {
        Map<Long, Long> counts = new TreeMap<>();
        db.read(h -> h.createQuery("SELECT secret_key_id, COUNT(*) AS n FROM linked_account GROUP BY secret_key_id")
                .map((rs, ctx) -> counts.put(rs.getLong(1), rs.getLong(2)))
                .list());
        return counts;
    }
}
