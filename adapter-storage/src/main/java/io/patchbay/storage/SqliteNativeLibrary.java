package io.patchbay.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteJDBCLoader;
import org.sqlite.util.LibraryLoaderUtil;

/**
 * One lasting copy of SQLite's native library beside the database. Left alone, the driver writes its library to a
 * new temporary file on every start and compares the two byte by byte (a tenth of a second of start-up), and a
 * killed process leaves the file behind. The copy is checked against the driver's own on every start and
 * replaced when it differs; anything unexpected (an unknown platform, a read-only folder) leaves the driver's
 * default in place.
 */
final class SqliteNativeLibrary {
    private static final Logger LOG = LoggerFactory.getLogger(SqliteNativeLibrary.class);
    /** The driver's settings for a library it should load as is. */
    static final String PATH_PROPERTY = "org.sqlite.lib.path";
    static final String NAME_PROPERTY = "org.sqlite.lib.name";

    private SqliteNativeLibrary() {
    }

    /**
     * Points the driver at a copy in {@code <dataDir>/native}, unless the operator chose a library
     * ({@value #PATH_PROPERTY}). Process-wide, like the driver's own loading: the first database opened decides.
     */
    static void useCopyIn(Path dataDir) {
        if (System.getProperty(PATH_PROPERTY) != null) {
            return;
        }
        install(dataDir.resolve("native").resolve("sqlite-jdbc-" + SQLiteJDBCLoader.getVersion()))
                .ifPresent(library -> {
                    System.setProperty(NAME_PROPERTY, library.getFileName().toString());
                    System.setProperty(PATH_PROPERTY, library.getParent().toString());
                });
    }

    /** The driver's library for this platform, copied into {@code dir} unless an identical copy is there. */
    static Optional<Path> install(Path dir) {
        try {
            String name = LibraryLoaderUtil.getNativeLibName();
            byte[] bundled;
            try (InputStream in = SQLiteJDBCLoader.class.getResourceAsStream(
                    LibraryLoaderUtil.getNativeLibResourcePath() + "/" + name)) {
                if (in == null) {
                    return Optional.empty(); // a platform the driver loads some other way
                }
                bundled = in.readAllBytes();
            }
            Path library = dir.resolve(name);
            if (Files.isRegularFile(library) && Arrays.equals(bundled, Files.readAllBytes(library))) {
                return Optional.of(library);
            }
            OwnerOnly.createDirectories(dir);
            // Written aside, then renamed over: a process starting meanwhile sees the old copy or the new one.
            Path partial = Files.createTempFile(dir, name, ".partial");
            try {
                Files.write(partial, bundled);
                moveOver(partial, library);
            } finally {
                Files.deleteIfExists(partial);
            }
            return Optional.of(library);
        } catch (IOException | RuntimeException e) {
            LOG.debug("SQLite's native library stays with the driver's temporary copy: {}", e.toString());
            return Optional.empty();
        }
    }

    private static void moveOver(Path source, Path target) throws IOException {
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
