package io.patchbay.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.testkit.store.StoreFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What SQLite storage creates on disk, and who may read it. */
class SqliteFilesTest {
    @TempDir
    Path dir;

    private static String permissions(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    @Test
    void theDatabaseItsWalAndShmAndTheDataDirectoryAreOwnerOnly() throws Exception {
        Path data = dir.resolve("srv").resolve("data");
        try (PatchbayStorage storage = PatchbayStorage.open(StorageConfig.embeddedDefault(data))) {
            Secrets.link(storage, StoreFixtures.account(StoreFixtures.tenant()), Secrets.newToken());
            for (String name : new String[] {"patchbay.db", "patchbay.db-wal", "patchbay.db-shm", "keyset.json"}) {
                assertThat(permissions(data.resolve(name))).as(name).isEqualTo("rw-------");
            }
            assertThat(permissions(data)).isEqualTo("rwx------");
            assertThat(permissions(data.getParent())).as("a missing parent is created too").isEqualTo("rwx------");
        }
    }

    @Test
    void aDirectoryTheOperatorMadeKeepsItsPermissions() throws Exception {
        Path own = Files.createDirectory(dir.resolve("own"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-x---")));
        StorageConfig config = new StorageConfig("jdbc:sqlite:" + own.resolve("p.db"), Optional.empty(),
                Optional.empty(), KeysetSource.file(own.resolve("keyset.json")), true, 2);
        try (PatchbayStorage storage = PatchbayStorage.open(config)) {
            Secrets.link(storage, StoreFixtures.account(StoreFixtures.tenant()), Secrets.newToken());
            assertThat(permissions(own)).isEqualTo("rwxr-x---");
            assertThat(permissions(own.resolve("p.db"))).isEqualTo("rw-------");
            assertThat(permissions(own.resolve("p.db-wal"))).isEqualTo("rw-------");
        }
    }
}
