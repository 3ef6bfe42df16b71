package io.patchbay.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.Optional;

/**
 * The SQLite database file as it was opened, to notice it being moved, deleted or replaced while the server runs.
 * SQLite keeps writing to the file it opened: once that file no longer is at the configured path, every write goes
 * to a file the next start will not open, and is lost.
 *
 * The lock file beside it ({@code patchbay.db.lock}) is watched the same way: once it is deleted or replaced, a second
 * process could lock a new one and serve the same database unnoticed.
 *
 * @param path     the configured path, absolute
 * @param key      the file's identity at open (device and inode on Unix); null where the file system has none
 * @param lockPath the lock file this process holds locked
 * @param lockKey  the lock file's identity when it was locked; null where the file system has none
 */
record DatabaseFile(Path path, Object key, Path lockPath, Object lockKey) {
    DatabaseFile {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(lockPath, "lockPath");
    }

    private static final String RESTART = "writes would go to a file the next start does not open, and be lost, so "
            + "they are refused. Stop the server, put the database file back (or restore it) and start again. Unless "
            + "the file put back is the one opened, remove the -wal and -shm files beside the path first: they "
            + "belong to the file opened, and the next start would apply them to the other one.";

    private static final String LOCK_GONE = "another Patchbay process could now lock a new one and use the same "
            + "database unnoticed, serving accounts this one changes or deletes, so this one stops: writes are "
            + "refused. Stop every Patchbay process using this folder, then start one.";

    /** The files now at {@code path} and {@code lockPath} (locked by this process), as the ones to keep watching. */
    static DatabaseFile opened(Path path, Path lockPath) throws IOException {
        return new DatabaseFile(path, Files.readAttributes(path, BasicFileAttributes.class).fileKey(), lockPath,
                Files.readAttributes(lockPath, BasicFileAttributes.class).fileKey());
    }

    private String notOpened() {
        return "the SQLite database file " + path + " is not the file opened at start: ";
    }

    /** Why the path no longer names the opened file, if it does not; one stat, cheap enough for every write. */
    Optional<String> problem() {
        Optional<String> lock = lockProblem();
        if (lock.isPresent()) {
            return lock;
        }
        if (key == null) {
            return Optional.empty(); // no file identity to compare (some file systems): nothing to check
        }
        try {
            if (key.equals(Files.readAttributes(path, BasicFileAttributes.class).fileKey())) {
                return Optional.empty();
            }
            return Optional.of(notOpened() + "another file is at that path now (the database was replaced, or "
                    + "moved or deleted and a file created in its place, while the server runs); " + RESTART);
        } catch (NoSuchFileException e) {
            return Optional.of(notOpened() + "no file is at that path (moved or deleted while the server runs); "
                    + RESTART);
        } catch (IOException e) {
            return Optional.of("the SQLite database file " + path + " cannot be checked: " + e.getMessage());
        }
    }

    /** Why the lock file at {@code lockPath} is no longer the one this process locked, if it is not; one stat. */
    private Optional<String> lockProblem() {
        if (lockKey == null) {
            return Optional.empty();
        }
        try {
            if (lockKey.equals(Files.readAttributes(lockPath, BasicFileAttributes.class).fileKey())) {
                return Optional.empty();
            }
            return Optional.of("the lock file " + lockPath + " is not the file this process locked (replaced while "
                    + "the server runs); " + LOCK_GONE);
        } catch (NoSuchFileException e) {
            return Optional.of("the lock file " + lockPath + " was deleted while the server runs; " + LOCK_GONE);
        } catch (IOException e) {
            return Optional.of("the lock file " + lockPath + " cannot be checked: " + e.getMessage());
        }
    }
}
