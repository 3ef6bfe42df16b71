package io.patchbay.storage;

import com.google.crypto.tink.KeysetHandle;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads the keyset from its source and, for a file, writes changes back atomically with owner-only permissions. */
final class KeysetStore {
    private static final Logger LOG = LoggerFactory.getLogger(KeysetStore.class);
    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

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

    /** @throws StorageException when the keyset cannot be read or is not an acceptable keyset */
    KeysetHandle load() {
        try {
            if (source instanceof KeysetSource.File file) {
                warnIfShared(file.path());
                return Keysets.parse(Files.readString(file.path(), StandardCharsets.UTF_8), describe());
            }
            return Keysets.parse(((KeysetSource.Json) source).keysetJson(), describe());
        } catch (NoSuchFileException e) {
            throw new StorageException("The keyset " + describe() + " does not exist");
        } catch (IOException e) {
            throw new StorageException("Cannot read the keyset " + describe() + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new StorageException("Unusable keyset: " + e.getMessage());
        }
    }

    /** When the keyset file was last changed, to notice a rotation made by another instance. */
    Optional<FileTime> lastModified() {
        if (source instanceof KeysetSource.File file) {
            try {
                return Optional.of(Files.getLastModifiedTime(file.path()));
            } catch (IOException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /**
     * Creates the keyset file with one new key, unless another process created it first: then that keyset is used,
     * so instances starting together end up with the same keys.
     */
    KeysetHandle generate() {
        KeysetHandle handle = Keysets.generateHandle();
        if (!write(handle, false)) {
            return load();
        }
        LOG.info("Generated a new keyset at {} (owner-only permissions). Back it up: the stored credentials cannot "
                + "be opened without it.", ((KeysetSource.File) source).path().toAbsolutePath());
        return handle;
    }

    /** Replaces the keyset file in one atomic rename: a crash leaves the old or the new keyset, never half. */
    void save(KeysetHandle handle) {
        write(handle, true);
    }

    /** Writes the keyset file atomically; without {@code replace}, returns false when it exists already. */
    private boolean write(KeysetHandle handle, boolean replace) {
        if (!(source instanceof KeysetSource.File file)) {
            throw new IllegalStateException("The keyset comes from " + describe() + " and cannot be changed by the "
                    + "server: make the change with io.patchbay.storage.Keysets, deploy the new keyset "
                    + "to every instance and restart");
        }
        Path target = file.path().toAbsolutePath();
        Path directory = target.getParent();
        byte[] bytes = Keysets.json(handle).getBytes(StandardCharsets.UTF_8);
        try {
            createOwnerOnlyDirectories(directory);
            Path temp = POSIX
                    ? Files.createTempFile(directory, ".keyset-", ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE))
                    : Files.createTempFile(directory, ".keyset-", ".tmp");
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
            throw new StorageException("Cannot write the keyset " + describe() + ": " + e.getMessage(), e);
        } finally {
            java.util.Arrays.fill(bytes, (byte) 0);
        }
    }

    /** Creates missing directories readable by the owner only: they hold the keyset and the database. */
    static void createOwnerOnlyDirectories(Path directory) throws IOException {
        if (Files.isDirectory(directory)) {
            return;
        }
        if (POSIX) {
            Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
        } else {
            Files.createDirectories(directory);
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

    private static void warnIfShared(Path path) throws IOException {
        if (!POSIX || !Files.exists(path)) {
            return;
        }
        Set<PosixFilePermission> permissions = new HashSet<>(Files.getPosixFilePermissions(path));
        permissions.removeAll(OWNER_ONLY_FILE);
        permissions.remove(PosixFilePermission.OWNER_EXECUTE);
        if (!permissions.isEmpty()) {
            LOG.warn("The keyset file {} is accessible to others ({}); restrict it with chmod 600",
                    path.toAbsolutePath(), PosixFilePermissions.toString(Files.getPosixFilePermissions(path)));
        }
    }
}
