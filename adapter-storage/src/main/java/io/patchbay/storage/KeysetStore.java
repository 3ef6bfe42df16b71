package io.patchbay.storage;

import com.google.crypto.tink.KeysetHandle;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the keyset from its source and, for a file, writes changes back atomically with owner-only permissions, under
 * a lock shared by every process that uses the file. Every write holds that lock, and so does the removal of the
 * temporary files an interrupted write left.
 */
final class KeysetStore {
    private static final Logger LOG = LoggerFactory.getLogger(KeysetStore.class);

    /** The longest a change waits for another process's change of the keyset file, as a database lock waits. */
    static final Duration LOCK_TIMEOUT = Duration.ofSeconds(10);

    private final KeysetSource source;

    KeysetStore(KeysetSource source) {
        this.source = Objects.requireNonNull(source, "source");
    }

    String describe() {
        return source.describe();
    }

    boolean writable() {
        return source instanceof KeysetSource.File;
    }

    boolean exists() {
        return !(source instanceof KeysetSource.File file) || Files.exists(file.path());
    }

    /**
     * Reads the keyset at start, and warns when others may read its file.
     *
     * @throws StorageException when the keyset cannot be read or is not an acceptable keyset
     */
    KeysetHandle load() {
        if (source instanceof KeysetSource.File file) {
            warnIfShared(file.path());
            removeLeftOversLocking(file.path().toAbsolutePath());
        }
        return read();
    }

    /**
     * Reads the keyset as it is now: another instance sharing the file may have changed it.
     *
     * @throws StorageException when the keyset cannot be read or is not an acceptable keyset
     */
    KeysetHandle read() {
        try {
            if (source instanceof KeysetSource.File file) {
                return Keysets.parse(Files.readString(file.path(), StandardCharsets.UTF_8), describe());
            }
            return Keysets.parse(((KeysetSource.Json) source).keysetJson(), describe());
        } catch (NoSuchFileException e) {
            throw StorageException.keysetFile("The keyset " + describe() + " does not exist", null);
        } catch (IOException e) {
            throw StorageException.keysetFile("Cannot read the keyset " + describe() + ": " + why(e), e);
        } catch (IllegalArgumentException e) {
            throw StorageException.keysetFile("Unusable keyset: " + e.getMessage(), null);
        }
    }

    /**
     * Why a file operation failed, in words: the JDK's file exceptions carry only the path as their message when the
     * system gave no reason text (a permission refused reads "Cannot read X: X" otherwise).
     */
    static String why(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied for the user the server runs as (" + System.getProperty("user.name") + ")";
        }
        if (e instanceof NoSuchFileException missing) {
            return "no such file or folder: " + missing.getFile();
        }
        if (e instanceof FileSystemException fs && fs.getReason() != null) {
            return fs.getReason() + (fs.getFile() == null ? "" : " (" + fs.getFile() + ")");
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /**
     * Changes the keyset file as it is now, not as this instance loaded it: under an exclusive lock that every
     * process sharing the file takes ({@code <keyset file>.lock} beside it), the file is read again, {@code change}
     * is applied to that, and the result is written atomically before the lock is released. So a key that another
     * instance added in the meantime is kept, and two changes never overwrite each other.
     *
     * @return the keyset as written
     * @throws IllegalStateException when the keyset is not a file (the server cannot change it)
     * @throws StorageException      when the file cannot be locked, read or written
     */
    KeysetHandle update(UnaryOperator<KeysetHandle> change) {
        Path target = writableFile();
        Path lockFile = lockFile(target);
        try {
            OwnerOnly.createDirectories(target.getParent());
            try (ExclusiveFileLock lock = ExclusiveFileLock.acquire(lockFile, LOCK_TIMEOUT)) {
                removeLeftOvers(target);
                KeysetHandle changed = change.apply(read());
                write(changed, true);
                return changed;
            }
        } catch (IOException e) {
            throw StorageException.keysetFile("Cannot lock the keyset " + describe() + " for a change (" + lockFile
                    + "): " + why(e), e);
        }
    }

    /**
     * Creates the keyset file with one new key, unless another process created it first: then that keyset is used,
     * so instances starting together end up with the same keys.
     */
    KeysetHandle generate() {
        KeysetHandle handle = Keysets.generateHandle();
        Path target = writableFile();
        boolean written;
        try {
            OwnerOnly.createDirectories(target.getParent());
            // Under the lock, like every write, so removing left-over temporary files never takes one being written.
            try (ExclusiveFileLock lock = ExclusiveFileLock.acquire(lockFile(target), LOCK_TIMEOUT)) {
                removeLeftOvers(target);
                written = write(handle, false);
            }
        } catch (IOException e) {
            throw StorageException.keysetFile("Cannot lock the keyset " + describe() + " to create it ("
                    + lockFile(target) + "): " + why(e), e);
        }
        if (!written) {
            return load();
        }
        LOG.info("Generated a new keyset at {} (owner-only permissions). Back it up: the stored credentials cannot "
                + "be opened without it.", ((KeysetSource.File) source).path().toAbsolutePath());
        return handle;
    }

    private static Path lockFile(Path target) {
        return target.resolveSibling(target.getFileName() + ".lock");
    }

    /** Temporary files of this keyset file are named after it, so another keyset in the directory keeps its own. */
    private static String temporaryPrefix(Path target) {
        return "." + target.getFileName() + "-";
    }

    /**
     * A temporary file a crash during a write of this keyset left: owner-only, but a copy of key material that a key
     * removal would not remove. {@code .keyset-*.tmp} is the name earlier versions gave every keyset's.
     */
    private static boolean isLeftOver(Path target, Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".tmp") && (name.startsWith(temporaryPrefix(target)) || name.startsWith(".keyset-"))
                && Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * At start: removes left-over temporary files under the keyset's lock. The lock is only taken when there are
     * some, so a keyset file in a directory the server may not write to (a mounted secret) still opens.
     */
    private void removeLeftOversLocking(Path target) {
        if (leftOvers(target).isEmpty()) {
            return;
        }
        try (ExclusiveFileLock lock = ExclusiveFileLock.acquire(lockFile(target), LOCK_TIMEOUT)) {
            removeLeftOvers(target);
        } catch (IOException e) {
            LOG.warn("Cannot lock the keyset {} to remove temporary files a crash left beside it: {}", describe(),
                    e.getMessage());
        }
    }

    /** Under the keyset's lock, which every write of it holds: no temporary file found then is being written. */
    private void removeLeftOvers(Path target) {
        for (Path file : leftOvers(target)) {
            try {
                Files.deleteIfExists(file);
                LOG.info("Removed {}, a temporary copy of the keyset {} that an interrupted write left", file,
                        describe());
            } catch (IOException e) {
                LOG.warn("Cannot remove {}, a temporary copy of the keyset {} that an interrupted write left: {}",
                        file, describe(), e.getMessage());
            }
        }
    }

    private static java.util.List<Path> leftOvers(Path target) {
        try (var files = Files.list(target.getParent())) {
            return files.filter(file -> isLeftOver(target, file)).toList();
        } catch (IOException e) {
            return java.util.List.of(); // an unreadable directory: the keyset read says what is wrong
        }
    }

    private Path writableFile() {
        if (!(source instanceof KeysetSource.File file)) {
            throw new IllegalStateException("The keyset comes from " + describe() + " and cannot be changed by the "
                    + "server: make the change with io.patchbay.storage.Keysets, deploy the new keyset "
                    + "to every instance and restart");
        }
        return file.path().toAbsolutePath();
    }

    /**
     * Writes the keyset file atomically (a temporary file, fsync, rename): a crash leaves the old or the new keyset,
     * never half. Without {@code replace}, returns false when the file exists already.
     */
    private boolean write(KeysetHandle handle, boolean replace) {
        Path target = writableFile();
        Path directory = target.getParent();
        byte[] bytes = Keysets.json(handle).getBytes(StandardCharsets.UTF_8);
        try {
            OwnerOnly.createDirectories(directory);
            Path temp = Files.createTempFile(directory, temporaryPrefix(target), ".tmp", OwnerOnly.file());
            try {
                try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                    ByteBuffer buffer = ByteBuffer.wrap(bytes);
                    while (buffer.hasRemaining()) {
                        channel.write(buffer);
                    }
                    channel.force(true);
                }
                if (replace) {
                    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } else {
                    try {
                        // A hard link appears complete and fails if the name is taken: an exclusive, atomic create.
                        Files.createLink(target, temp);
                    } catch (FileAlreadyExistsException e) {
                        return false;
                    }
                }
            } finally {
                Files.deleteIfExists(temp);
            }
            syncDirectory(directory);
            return true;
        } catch (IOException e) {
            throw StorageException.keysetFile("Cannot write the keyset " + describe() + ": " + why(e), e);
        } finally {
            java.util.Arrays.fill(bytes, (byte) 0);
        }
    }

    private static void syncDirectory(Path directory) {
        // Makes the rename durable; not every platform can open a directory, and then the rename is still atomic.
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.debug("Cannot sync directory {}: {}", directory, e.getMessage());
        }
    }

    private static void warnIfShared(Path path) {
        if (!OwnerOnly.POSIX || !Files.exists(path)) {
            return;
        }
        try {
            Set<PosixFilePermission> permissions = new HashSet<>(Files.getPosixFilePermissions(path));
            permissions.removeAll(OwnerOnly.FILE);
            permissions.remove(PosixFilePermission.OWNER_EXECUTE);
            if (!permissions.isEmpty()) {
                LOG.warn("The keyset file {} is accessible to others ({}); restrict it with chmod 600",
                        path.toAbsolutePath(), PosixFilePermissions.toString(Files.getPosixFilePermissions(path)));
            }
        } catch (IOException e) {
            LOG.debug("Cannot read the permissions of {}: {}", path, e.getMessage());
        }
    }
}
