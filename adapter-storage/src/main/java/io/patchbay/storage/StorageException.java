package io.patchbay.storage;

/**
 * Storage cannot start or cannot go on: the database is unreachable, a migration failed, or the keyset is missing
 * or does not fit the stored secrets. The message says what to fix; it never holds a secret.
 */
public final class StorageException extends RuntimeException {
    public StorageException(String message) {
        super(message);
    }

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
