package io.patchbay.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
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
 * default in place. Where in its jar the driver keeps the library for this platform is remembered beside the copy:
 * finding it out runs {@code uname -o} in a child process on every start.
 */
final class SqliteNativeLibrary {
    private static final Logger LOG = LoggerFactory.getLogger(SqliteNativeLibrary.class);
    /** The driver's settings for a library it should load as is. */
    static final String PATH_PROPERTY = "org.sqlite.lib.path";
    static final String NAME_PROPERTY = "org.sqlite.lib.name";
    /** Holds the platform ({@code os.name/os.arch}) and, on the next line, the driver's resource folder for it. */
    static final String RESOURCE_FOLDER_FILE = "resource-folder";

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
            Optional<String> remembered = rememberedResourceFolder(dir);
            String folder = remembered.orElseGet(LibraryLoaderUtil::getNativeLibResourcePath);
            byte[] bundled = bundled(folder, name);
            if (bundled == null && remembered.isPresent()) {
                folder = LibraryLoaderUtil.getNativeLibResourcePath(); // a folder this driver does not have
                bundled = bundled(folder, name);
            }
            if (bundled == null) {
                return Optional.empty(); // a platform the driver loads some other way
            }
            Path library = dir.resolve(name);
            if (!Files.isRegularFile(library) || !Arrays.equals(bundled, Files.readAllBytes(library))) {
                OwnerOnly.createDirectories(dir);
                writeOver(dir, library, bundled);
            }
            if (!remembered.equals(Optional.of(folder))) {
                writeOver(dir, dir.resolve(RESOURCE_FOLDER_FILE),
                        (platform() + "\n" + folder + "\n").getBytes(StandardCharsets.UTF_8));
            }
            return Optional.of(library);
        } catch (IOException | RuntimeException e) {
            LOG.debug("SQLite's native library stays with the driver's temporary copy: {}", e.toString());
            return Optional.empty();
        }
    }

    /** The resource folder found on an earlier start on this platform, if any. */
    private static Optional<String> rememberedResourceFolder(Path dir) throws IOException {
        Path file = dir.resolve(RESOURCE_FOLDER_FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        return lines.size() == 2 && lines.get(0).equals(platform()) && lines.get(1).startsWith("/")
                ? Optional.of(lines.get(1)) : Optional.empty();
    }

    private static String platform() {
        return System.getProperty("os.name") + "/" + System.getProperty("os.arch");
    }

    private static byte[] bundled(String folder, String name) throws IOException {
        try (InputStream in = SQLiteJDBCLoader.class.getResourceAsStream(folder + "/" + name)) {
            return in == null ? null : in.readAllBytes();
        }
    }

    /** Written aside, then renamed over: a process starting meanwhile sees the old content or the new one. */
    private static void writeOver(Path dir, Path target, byte[] content) throws IOException {
        Path partial = Files.createTempFile(dir, target.getFileName().toString(), ".partial");
        try {
            Files.write(partial, content);
            moveOver(partial, target);
        } finally {
            Files.deleteIfExists(partial);
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
