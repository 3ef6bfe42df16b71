package io.patchbay.storage;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import io.patchbay.core.error.SecretUnavailableException;
import io.patchbay.core.secret.SecretCipher;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link SecretCipher} on a Tink AEAD keyset: new secrets are sealed with the primary key, every key of the keyset
 * opens. The keyset can change while the server runs (rotation); a secret read just before its key was removed
 * still opens for a short grace period, so reads never fail during a rotation.
 */
final class TinkSecretCipher implements SecretCipher {
    private static final Logger LOG = LoggerFactory.getLogger(TinkSecretCipher.class);
    private static final byte TINK_PREFIX = 0x01;
    private static final int PREFIX_LENGTH = 5;
    static final Duration REMOVED_KEY_GRACE = Duration.ofMinutes(1);
    /**
     * How often a keyset file is read again before a secret is sealed or written: another instance sharing the file
     * may have made a new key primary and removed the old one, which this instance must then stop sealing with.
     */
    static final Duration KEYSET_RECHECK = Duration.ofSeconds(2);
    /** Bounds {@link #missingReadAt}: key ids come from stored rows, which a tool or an attacker may have altered. */
    private static final int MISSING_KEYS_REMEMBERED = 1024;

    /** One immutable keyset snapshot. */
    record Keys(KeysetHandle handle, Aead aead, Set<Long> ids, long primaryId) {
        static Keys of(KeysetHandle handle) {
            return new Keys(handle, Keysets.aead(handle), Set.copyOf(Keysets.keyIds(handle)),
                    Keysets.primaryKeyId(handle));
        }
    }

    private record Removed(Keys keys, long untilNanos) {
    }

    private final KeysetStore store;
    /**
     * Counts the stored secrets per key id among the given ids: a keyset file that lacks a key still in use is not
     * adopted (it was replaced by another installation's keyset, or a backup older than the key).
     */
    private final Function<Set<Long>, Map<Long, Long>> secretsUnder;
    /** Why the keyset file was last refused, while it is; null when the file holds the keys loaded. */
    private volatile String fileRefused;
    /**
     * Writers of secrets hold the read lock; removing a key takes the write lock, so no write of this instance can race
     * it (other instances on PostgreSQL: {@link #storingSealed}).
     */
    private final ReentrantReadWriteLock keyChange = new ReentrantReadWriteLock(true);
    private final long recheckNanos;
    private volatile Keys keys;
    private volatile Removed removed;
    /** When the keyset file was last read (System.nanoTime). */
    private volatile long readAtNanos = System.nanoTime();
    /**
     * Key ids a read of the keyset file lacked, with when that read was: a secret under such a key does not make the
     * file be read again within the recheck interval, so reads of such accounts do not queue on file I/O.
     */
    private final Map<Long, Long> missingReadAt = new ConcurrentHashMap<>();

    TinkSecretCipher(KeysetStore store, KeysetHandle handle, Duration recheck,
                     Function<Set<Long>, Map<Long, Long>> secretsUnder) {
        this.store = Objects.requireNonNull(store, "store");
        this.keys = Keys.of(Objects.requireNonNull(handle, "handle"));
        this.recheckNanos = Objects.requireNonNull(recheck, "recheck").toNanos();
        this.secretsUnder = Objects.requireNonNull(secretsUnder, "secretsUnder");
    }

    @Override
    public byte[] seal(byte[] plaintext, byte[] associatedData) {
        Objects.requireNonNull(plaintext, "plaintext");
        Objects.requireNonNull(associatedData, "associatedData");
        rereadIfDue();
        try {
            return keys.aead().encrypt(plaintext, associatedData);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("sealing failed", e);
        }
    }

    @Override
    public byte[] open(byte[] ciphertext, byte[] associatedData) {
        Objects.requireNonNull(ciphertext, "ciphertext");
        Objects.requireNonNull(associatedData, "associatedData");
        Keys current = keys;
        try {
            return current.aead().decrypt(ciphertext, associatedData);
        } catch (GeneralSecurityException e) {
            OptionalLong keyId = keyId(ciphertext);
            if (keyId.isPresent() && !current.ids().contains(keyId.getAsLong())) {
                Optional<byte[]> opened = openWithoutCurrentKey(ciphertext, associatedData, keyId.getAsLong());
                if (opened.isPresent()) {
                    return opened.get();
                }
                throw new SecretUnavailableException("The secret was sealed with key " + keyId.getAsLong()
                        + ", which the configured keyset (" + store.describe() + ") does not contain", null);
            }
            throw new SecretUnavailableException("The secret does not open: it was altered, or it belongs to "
                    + "another account", null);
        }
    }

    /** A key that was just removed, or one another instance added to the shared keyset file. */
    private Optional<byte[]> openWithoutCurrentKey(byte[] ciphertext, byte[] associatedData, long keyId) {
        Keys candidate = recentlyRemoved(keyId);
        if (candidate == null && reloadFor(keyId)) {
            candidate = keys;
        }
        if (candidate == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(candidate.aead().decrypt(ciphertext, associatedData));
        } catch (GeneralSecurityException e) {
            return Optional.empty();
        }
    }

    /** The keyset before the last removal of keys, while its grace period lasts and if it has the key; else null. */
    private Keys recentlyRemoved(long keyId) {
        Removed recent = removed;
        return recent != null && System.nanoTime() - recent.untilNanos() < 0 && recent.keys().ids().contains(keyId)
                ? recent.keys() : null;
    }

    /**
     * Reads the keyset file again for a key this instance does not know: another instance sharing the file may have
     * added it. (The file is read, not its modification time compared: two changes can share one time stamp.) A key
     * the file lacked is looked for again only once the recheck interval has passed since; a key not looked for yet
     * is looked for at once, so a secret another instance just sealed with its new key opens.
     *
     * @return whether the keyset now has the key
     */
    private boolean reloadFor(long keyId) {
        if (recentlyMissing(keyId)) {
            return false; // checked before taking the monitor: such reads do not wait for each other
        }
        synchronized (this) {
            if (!keys.ids().contains(keyId)) {
                if (recentlyMissing(keyId)) {
                    return false; // another thread read the file for it meanwhile
                }
                reload();
            }
            if (keys.ids().contains(keyId)) {
                missingReadAt.remove(keyId);
                return true;
            }
            if (missingReadAt.size() >= MISSING_KEYS_REMEMBERED) {
                missingReadAt.clear();
            }
            missingReadAt.put(keyId, readAtNanos);
            return false;
        }
    }

    private boolean recentlyMissing(long keyId) {
        Long readAt = missingReadAt.get(keyId);
        return readAt != null && System.nanoTime() - readAt < recheckNanos;
    }

    /**
     * Reads a keyset file again when the last read is older than the recheck interval, so that a key another instance
     * made primary is sealed with, and a key it removed is no longer sealed with nor written, within that interval.
     */
    private void rereadIfDue() {
        if (store.writable() && System.nanoTime() - readAtNanos >= recheckNanos) {
            reload();
        }
    }

    /**
     * Adopts the keyset as its source holds it now; keeps the current one when it cannot be read, or when it lacks keys
     * that stored secrets use (then it is refused, logged at ERROR once and reported by {@link #fileProblem()}).
     */
    synchronized Keys reload() {
        readAtNanos = System.nanoTime(); // also when the read fails: at most one attempt (and warning) per interval
        Keys current = keys;
        if (!store.writable()) {
            return current; // given as JSON: it cannot change while the server runs
        }
        try {
            KeysetHandle handle = store.read();
            Keys now = Keys.of(handle);
            if (now.ids().equals(current.ids()) && now.primaryId() == current.primaryId()) {
                accepted();
                return current;
            }
            Optional<String> lacking = lacksKeysInUse(now.ids());
            if (lacking.isPresent()) {
                refused(lacking.get());
                return current;
            }
            keyChange.writeLock().lock();
            try {
                adopt(now);
            } finally {
                keyChange.writeLock().unlock();
            }
            accepted();
            LOG.info("Reloaded the changed keyset {}: keys {}, primary {}", store.describe(), now.ids(),
                    now.primaryId());
            return now;
        } catch (StorageException e) {
            LOG.warn("Cannot read the keyset {} again, keeping the keys loaded: {}", store.describe(), e.getMessage());
            return current;
        }
    }

    /**
     * Why a keyset with {@code ids} must not replace the keys loaded: it lacks some of them that stored secrets use
     * (the check made at start, on the keys that would go). Keys no secret uses may go: that is a rotation.
     */
    private Optional<String> lacksKeysInUse(Set<Long> ids) {
        Set<Long> leaving = new java.util.TreeSet<>(keys.ids());
        leaving.removeAll(ids);
        if (leaving.isEmpty()) {
            return Optional.empty();
        }
        Map<Long, Long> used = new java.util.TreeMap<>(secretsUnder.apply(leaving));
        used.values().removeIf(count -> count == 0);
        if (used.isEmpty()) {
            return Optional.empty();
        }
        // No row count: the reason is logged once while it stays the same, and secrets keep being stored.
        return Optional.of("the keyset " + store.describe() + " now lacks key ids " + used.keySet() + " that "
                + "stored secrets are sealed with (it has " + new java.util.TreeSet<>(ids) + "): it was replaced by "
                + "another keyset. The keys in use are kept; put the keyset that holds these keys back in place");
    }

    private void refused(String reason) {
        if (!reason.equals(fileRefused)) {
            LOG.error("Refusing the changed keyset: {}", reason);
        }
        fileRefused = reason;
    }

    private void accepted() {
        if (fileRefused != null) {
            LOG.info("The keyset {} holds the keys in use again", store.describe());
            fileRefused = null;
        }
    }

    /**
     * Why the keyset file was refused (it lacks keys stored secrets use), read again first when the last read is
     * older than the recheck interval; empty when it holds the keys in use.
     */
    Optional<String> fileProblem() {
        if (store.writable() && System.nanoTime() - readAtNanos >= recheckNanos) {
            reload();
        }
        return Optional.ofNullable(fileRefused);
    }

    /** Under the write lock: switches to {@code next}; keys it lacks still open for a grace period. */
    private void adopt(Keys next) {
        Keys before = keys;
        if (!next.ids().containsAll(before.ids())) {
            removed = new Removed(before, System.nanoTime() + REMOVED_KEY_GRACE.toNanos());
        }
        keys = next;
    }

    /** The key id in a Tink-prefixed ciphertext. */
    static OptionalLong keyId(byte[] ciphertext) {
        if (ciphertext.length <= PREFIX_LENGTH || ciphertext[0] != TINK_PREFIX) {
            return OptionalLong.empty();
        }
        long id = ((ciphertext[1] & 0xffL) << 24) | ((ciphertext[2] & 0xffL) << 16) | ((ciphertext[3] & 0xffL) << 8)
                | (ciphertext[4] & 0xffL);
        return OptionalLong.of(id);
    }

    /** A write of a sealed secret, in the transaction of {@code h}. */
    @FunctionalInterface
    interface SecretWrite<T> {
        T write(Handle h, byte[] sealed, long keyId);
    }

    /**
     * Writes an account's sealed secret, with the id of the key that sealed it, while no key can be removed (see
     * {@link #storingSealed}). The secret is opened first: bytes that merely start like a ciphertext (plaintext behind
     * a copied prefix), or a ciphertext bound to another account, which would never open for this one, are refused,
     * not stored. Should the sealing key have been removed from the keyset since (by another instance, whose change
     * this one may not have read yet, or by this one), the secret is sealed again with the file's primary key and
     * written with that.
     *
     * @throws IllegalArgumentException when the bytes are not a ciphertext of a key in the keyset, sealed for this
     *                                  tenant and account: plaintext, or anything else, is never stored
     * @throws StorageException         busy, when the key that sealed it again was removed too
     */
    <T> T writingSecret(Database db, byte[] sealed, String tenantId, String accountId, SecretWrite<T> write) {
        rereadIfDue(); // before the read lock: adopting a change takes the write lock
        try {
            return writingOnce(db, sealed, tenantId, accountId, write);
        } catch (KeyRemovedException e) {
            LOG.info("{}: sealing the secret of account {} again with the keyset's primary key", e.getMessage(),
                    accountId);
            reload(); // adopts the file, the removed key staying readable for the grace period
            byte[] associatedData = SecretCipher.associatedData(tenantId, accountId);
            byte[] plaintext = open(sealed, associatedData);
            byte[] resealed;
            try {
                resealed = seal(plaintext, associatedData);
            } finally {
                Arrays.fill(plaintext, (byte) 0);
            }
            try {
                return writingOnce(db, resealed, tenantId, accountId, write);
            } catch (KeyRemovedException again) {
                throw StorageException.busy("The keyset " + store.describe() + " changed twice while a secret was "
                        + "written; nothing was stored, try again (" + again.getMessage() + ")", again);
            }
        }
    }

    private <T> T writingOnce(Database db, byte[] sealed, String tenantId, String accountId, SecretWrite<T> write) {
        keyChange.readLock().lock();
        try {
            OptionalLong keyId = keyId(sealed);
            Keys current = keys;
            // A key removed since the secret was sealed (here, or in the file another instance changed) still opens
            // it for the grace period: the secret is then sealed again rather than refused.
            Keys opening = keyId.isEmpty() ? null
                    : current.ids().contains(keyId.getAsLong()) ? current : recentlyRemoved(keyId.getAsLong());
            if (opening == null) {
                throw new IllegalArgumentException("sealedSecret: not sealed by a key of the configured keyset ("
                        + store.describe() + "); seal secrets with this storage's cipher");
            }
            try {
                Arrays.fill(opening.aead().decrypt(sealed, SecretCipher.associatedData(tenantId, accountId)),
                        (byte) 0);
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException("sealedSecret: does not open for account " + accountId + " of its "
                        + "tenant; seal it with this storage's cipher and SecretCipher.associatedData(tenantId, "
                        + "accountId) of the account it is stored with");
            }
            long id = keyId.getAsLong();
            if (opening != current) {
                throw new KeyRemovedException(store.describe(), id, current.primaryId());
            }
            return storingSealed(db, id, h -> write.write(h, sealed, id));
        } finally {
            keyChange.readLock().unlock();
        }
    }

    /**
     * One write transaction storing secrets sealed with {@code keyId}, to be called under the read lock (no key is
     * removed here meanwhile). On PostgreSQL, other instances sharing the keyset file are kept out too: the
     * transaction holds the keyset advisory lock shared, which {@link KeyRotation#removeUnusedKeys()} takes alone from
     * before it counts the secrets per key until the file is written, and, once the lock is granted, reads the file
     * to see that it still has the key. This instance may have read the file up to {@link #KEYSET_RECHECK} ago, so a
     * removal made by another instance before the lock was granted is seen only in the file. SQLite serves one
     * instance, whose removals the read lock already keeps out.
     *
     * @throws KeyRemovedException when the file no longer has the key; nothing was written
     */
    <T> T storingSealed(Database db, long keyId, HandleCallback<T, RuntimeException> write) {
        return db.write(h -> {
            if (db.dialect() == Database.Dialect.POSTGRESQL && store.writable()) {
                db.lock(h, Database.AdvisoryLock.KEYSET, true);
                KeysetHandle file = store.read();
                if (!Keysets.keyIds(file).contains(keyId)) {
                    throw new KeyRemovedException(store.describe(), keyId, Keysets.primaryKeyId(file));
                }
            }
            return write.withHandle(h);
        });
    }

    /**
     * Runs work that seals and writes secrets with the primary key (re-encryption) while no key can be removed here,
     * without blocking other secret writes, and only while the keyset file names that key as its primary: another
     * instance may have made another key primary, and sealing with the old one would move its new secrets back.
     *
     * @throws KeysetChangedException when the file's primary key is not the one in use (read the file again: {@link
     *                                #reload()}, outside this method, and retry)
     * @throws StorageException       when the keyset file cannot be read, so its primary key is not known
     */
    <T> T withFilePrimary(Function<Keys, T> work) {
        keyChange.readLock().lock();
        try {
            Keys current = keys;
            if (store.writable()) {
                // Read under the read lock: this instance cannot adopt a change meanwhile (that takes the write lock).
                long filePrimary = Keysets.primaryKeyId(store.read());
                if (filePrimary != current.primaryId()) {
                    throw new KeysetChangedException(store.describe(), filePrimary, current.primaryId());
                }
            }
            return work.apply(current);
        } finally {
            keyChange.readLock().unlock();
        }
    }

    /**
     * Changes the keyset exclusively: no secret write of this instance runs meanwhile, and no other process changes
     * the keyset file meanwhile. {@code change} gets the keyset as the file holds it now (which may have keys another
     * instance added) and returns the new one, which is written to the file and then used here.
     *
     * @return the keyset the change wrote
     */
    Keys changeKeys(UnaryOperator<KeysetHandle> change) {
        return changeKeysWithin(update -> update.apply(change));
    }

    /** Applies a change to the keyset as its file holds it now, writes the file and returns what it wrote. */
    @FunctionalInterface
    interface KeysetUpdate {
        KeysetHandle apply(UnaryOperator<KeysetHandle> change);
    }

    /**
     * As {@link #changeKeys}, with the update of the file made by {@code work}, which calls it once and returns what
     * it wrote: removing keys makes it inside a database transaction that holds a lock until the file is written.
     */
    synchronized Keys changeKeysWithin(Function<KeysetUpdate, KeysetHandle> work) {
        keyChange.writeLock().lock();
        try {
            Keys after = Keys.of(work.apply(change -> store.update(file -> {
                // The file as it is now must still hold the keys in use: a change would otherwise adopt a keyset
                // that was put in its place, as a reload would.
                lacksKeysInUse(Set.copyOf(Keysets.keyIds(file))).ifPresent(reason -> {
                    refused(reason);
                    throw StorageException.keysetFile("The keyset was not changed: " + reason, null);
                });
                return change.apply(file);
            })));
            adopt(after);
            return after;
        } finally {
            keyChange.writeLock().unlock();
        }
    }

    Keys keys() {
        return keys;
    }

    KeysetStore store() {
        return store;
    }
}
