package io.patchbay.storage;

/**
 * Storage cannot start or cannot go on: the database is unreachable or busy, a migration failed, or the keyset is
 * missing or does not fit the stored secrets. The message says what to fix; it never holds a secret.
 */
public final class StorageException extends RuntimeException {
    private final boolean busy;

    public StorageException(String message) {
        this(message, null, false);
    }

    public StorageException(String message, Throwable cause) {
        this(message, cause, false);
    }

    private StorageException(String message, Throwable cause, boolean busy) {
        super(message, cause);
        this.busy = busy;
    }

    /**
     * The database is there but could not serve this call in time: a lock held elsewhere past the lock timeout, a
     * statement past the statement timeout, every pooled connection in use. A retry may succeed; nothing is broken.
     */
    public static StorageException busy(String message, Throwable cause) {
        return new StorageException(message, cause, true);
    }

    /** Whether this is the database being {@linkplain #busy(String, Throwable) busy}, not failing. */
    public boolean busy() {
        return busy;
    }
}
