package io.patchbay.storage;

/**
 * A secret was about to be stored sealed with a key that the keyset no longer has: it was removed after the secret was
 * sealed, by this instance or by another one sharing the keyset file. Nothing was written. The message holds key ids
 * only.
 */
final class KeyRemovedException extends RuntimeException {
    private final long primaryKeyId;

    KeyRemovedException(String keyset, long keyId, long primaryKeyId) {
        super("Key " + keyId + " is no longer in the keyset " + keyset + "; nothing sealed with it is stored (the "
                + "primary key is " + primaryKeyId + ")");
        this.primaryKeyId = primaryKeyId;
    }

    /** The keyset's primary key when the write was refused. */
    long primaryKeyId() {
        return primaryKeyId;
    }
}
