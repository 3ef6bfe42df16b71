package io.patchbay.storage;

/**
 * Re-encryption was refused: the keyset file names another primary key than the one this instance would seal with,
 * because another instance changed the file while the batch ran. Nothing of that batch was written; running the
 * re-encryption again reads the file again and goes on with its primary key. The message holds key ids only.
 */
public final class KeysetChangedException extends RuntimeException {
    private final long filePrimaryKeyId;
    private final long usedPrimaryKeyId;

    KeysetChangedException(String keyset, long filePrimaryKeyId, long usedPrimaryKeyId) {
        super("The keyset " + keyset + " changed while re-encryption ran: its primary key is " + filePrimaryKeyId
                + ", not key " + usedPrimaryKeyId + " this instance would re-encrypt with. Nothing of the batch was "
                + "written; run the re-encryption again");
        this.filePrimaryKeyId = filePrimaryKeyId;
        this.usedPrimaryKeyId = usedPrimaryKeyId;
    }

    /** The primary key the keyset file names now. */
    public long filePrimaryKeyId() {
        return filePrimaryKeyId;
    }

    /** The primary key this instance had when it refused. */
    public long usedPrimaryKeyId() {
        return usedPrimaryKeyId;
    }
}
