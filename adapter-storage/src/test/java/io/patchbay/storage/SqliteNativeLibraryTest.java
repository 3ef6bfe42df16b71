package io.patchbay.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteJDBCLoader;
import org.sqlite.util.LibraryLoaderUtil;

class SqliteNativeLibraryTest {
    private static final String PLATFORM = System.getProperty("os.name") + "/" + System.getProperty("os.arch");

    @TempDir
    Path dir;

    @Test
    void theDriversLibraryIsCopiedOnceAndKeptWhileItMatches() throws IOException {
        Path library = SqliteNativeLibrary.install(dir).orElseThrow();

        assertThat(library).isEqualTo(dir.resolve(LibraryLoaderUtil.getNativeLibName()));
        assertThat(Files.readAllBytes(library)).isEqualTo(bundled());
        Object firstFile = fileKey(library);

        assertThat(SqliteNativeLibrary.install(dir)).contains(library);
        assertThat(fileKey(library)).as("an identical copy is not rewritten").isEqualTo(firstFile);
        try (var files = Files.list(dir)) {
            assertThat(files).as("no partial file left behind")
                    .containsExactlyInAnyOrder(library, dir.resolve(SqliteNativeLibrary.RESOURCE_FOLDER_FILE));
        }
        assertThat(Files.readAllLines(dir.resolve(SqliteNativeLibrary.RESOURCE_FOLDER_FILE)))
                .containsExactly(PLATFORM, LibraryLoaderUtil.getNativeLibResourcePath());
    }

    @Test
    void theRememberedResourceFolderIsUsedWithoutAskingThePlatformAgain() throws IOException {
        // Another platform's library stands in for what detection would find: only the remembered folder leads there.
        String otherFolder = "/org/sqlite/native/Linux/"
                + (LibraryLoaderUtil.getNativeLibResourcePath().endsWith("/aarch64") ? "x86_64" : "aarch64");
        assumeTrue(bundled(otherFolder) != null, "the driver bundles " + otherFolder);
        Files.write(dir.resolve(SqliteNativeLibrary.RESOURCE_FOLDER_FILE), List.of(PLATFORM, otherFolder));

        Path library = SqliteNativeLibrary.install(dir).orElseThrow();

        assertThat(Files.readAllBytes(library)).isEqualTo(bundled(otherFolder));
    }

    @Test
    void aRememberedFolderOfAnotherPlatformOrThatTheDriverLacksIsFoundAgain() throws IOException {
        Path marker = dir.resolve(SqliteNativeLibrary.RESOURCE_FOLDER_FILE);
        for (List<String> stale : List.of(List.of("Plan9/mips", "/org/sqlite/native/Linux/aarch64"),
                List.of(PLATFORM, "/org/sqlite/native/Plan9/mips"), List.of(PLATFORM))) {
            Files.write(marker, stale);

            Path library = SqliteNativeLibrary.install(dir).orElseThrow();

            assertThat(Files.readAllBytes(library)).as("after %s", stale).isEqualTo(bundled());
            assertThat(Files.readAllLines(marker)).containsExactly(PLATFORM,
                    LibraryLoaderUtil.getNativeLibResourcePath());
        }
    }

    @Test
    void aDamagedCopyIsReplaced() throws IOException {
        Path library = SqliteNativeLibrary.install(dir).orElseThrow();
        byte[] damaged = bundled();
        damaged[damaged.length / 2] ^= 0x5a;
        Files.write(library, damaged);

        assertThat(SqliteNativeLibrary.install(dir)).contains(library);
        assertThat(Files.readAllBytes(library)).isEqualTo(bundled());
    }

    @Test
    void aFolderThatCannotBeWrittenLeavesTheDriversDefault() throws IOException {
        Path notAFolder = Files.writeString(dir.resolve("native"), "a file where the folder would go");

        assertThat(SqliteNativeLibrary.install(notAFolder.resolve("sqlite"))).isEmpty();
    }

    @Test
    void theDriverRunsTheCopyBesideTheDatabase() throws IOException {
        Path maps = Path.of("/proc/self/maps");
        assumeTrue(Files.isReadable(maps), "needs /proc to see which library file is mapped");
        try (PatchbayStorage storage = PatchbayStorage.open(TestStorage.sqlite(dir))) {
            assertThat(storage.ready()).isTrue();
        }

        // Whichever test opened SQLite first in this JVM chose the copy; the driver's temporary files are named
        // sqlite-<version>-<uuid>-libsqlitejdbc.so.
        assertThat(Files.readAllLines(maps))
                .anyMatch(line -> line.contains("/native/sqlite-jdbc-" + SQLiteJDBCLoader.getVersion() + "/"
                        + LibraryLoaderUtil.getNativeLibName()))
                .noneMatch(line -> line.contains("-" + LibraryLoaderUtil.getNativeLibName())
                        && line.contains("/sqlite-" + SQLiteJDBCLoader.getVersion() + "-"));
    }

    private static byte[] bundled() throws IOException {
        return bundled(LibraryLoaderUtil.getNativeLibResourcePath());
    }

    private static byte[] bundled(String folder) throws IOException {
        try (InputStream in = SQLiteJDBCLoader.class.getResourceAsStream(folder + "/"
                + LibraryLoaderUtil.getNativeLibName())) {
            return in == null ? null : in.readAllBytes();
        }
    }

    private static Object fileKey(Path file) throws IOException {
        return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
    }
}
