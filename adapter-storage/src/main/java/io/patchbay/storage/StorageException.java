package io.patchbay.storage;

/**
 * Storage cannot start or cannot go on: the database is unreachable or busy, a migration failed, or the keyset is
 * missing or does not fit the stored secrets. The message says what to fix; it never holds a secret.
 */
public final class StorageException extends RuntimeException {
    private enum Kind { FAILED, BUSY, KEYSET_FILE }

    private final Kind kind;

    public StorageException(String message) {
        this(message, null, Kind.FAILED);
    }

    public StorageException(String message, Throwable cause) {
        this(message, cause, Kind.FAILED);
    }

    private StorageException(String message, Throwable cause, Kind kind) {
        super(message, cause);
        this.kind = kind;
    }

    /**
     * The database is there but could not serve this call in time: a lock held elsewhere past the lock timeout, a
     * statement past the statement timeout, every pooled connection in use. A retry may succeed; nothing is broken.
     */
    public static StorageException busy(String message, Throwable cause) {
        return new StorageException(message, cause, Kind.BUSY);
    }

    /**
     * The keyset file cannot be read, locked or written (missing, a permission, a full disk): the database may be
     * fine. The message names the file and the reason, never key material.
     */
    static StorageException keysetFile(String message, Throwable cause) {
        return new StorageException(message, cause, Kind.KEYSET_FILE);
    }

    /** Whether this is the database being {@linkplain #busy(String, Throwable) busy}, not failing. */
    public boolean busy() {
        return kind == Kind.BUSY;
    }

    /** Whether this is the {@linkplain #keysetFile keyset file} failing rather than the database. */
    public boolean keysetFile() {
        return kind == Kind.KEYSET_FILE;
    }
}
