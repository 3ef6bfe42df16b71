package io.patchbay.storage;

/**
 * A secret was about to be stored sealed with a key that the keyset file no longer has: another instance removed it
 * after this one last read the file. Nothing was written. The message holds key ids only.
 */
final class KeyRemovedException extends RuntimeException {
    private final long filePrimaryKeyId;

    KeyRemovedException(String keyset, long keyId, long filePrimaryKeyId) {
        super("Key " + keyId + " was removed from the keyset " + keyset + " by another instance; nothing sealed with it "
                + "is stored (the file's primary key is " + filePrimaryKeyId + ")");
        this.filePrimaryKeyId = filePrimaryKeyId;
    }

    /** The primary key the keyset file names now. */
    long filePrimaryKeyId() {
        return filePrimaryKeyId;
    }
}
