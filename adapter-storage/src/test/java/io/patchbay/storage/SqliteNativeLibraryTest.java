package io.patchbay.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteJDBCLoader;
import org.sqlite.util.LibraryLoaderUtil;

class SqliteNativeLibraryTest {
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
            assertThat(files).as("no partial file left behind").containsExactly(library);
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
        try (InputStream in = SQLiteJDBCLoader.class.getResourceAsStream(LibraryLoaderUtil.getNativeLibResourcePath()
                + "/" + LibraryLoaderUtil.getNativeLibName())) {
            return in.readAllBytes();
        }
    }

    private static Object fileKey(Path file) throws IOException {
        return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
    }
}
