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
 * @param path the configured path, absolute
 * @param key  the file's identity at open (device and inode on Unix); null where the file system has none
 */
record DatabaseFile(Path path, Object key) {
    DatabaseFile {
        Objects.requireNonNull(path, "path");
    }

    private static final String RESTART = "writes would go to a file the next start does not open, and be lost, so "
            + "they are refused. Stop the server, put the database file back (or restore it) and start again.";

    /** The file now at {@code path}, as the one to keep watching. */
    static DatabaseFile opened(Path path) throws IOException {
        return new DatabaseFile(path, Files.readAttributes(path, BasicFileAttributes.class).fileKey());
    }

    private String notOpened() {
        return "the SQLite database file " + path + " is not the file opened at start: ";
    }

    /** Why the path no longer names the opened file, if it does not; one stat, cheap enough for every write. */
    Optional<String> problem() {
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
}
