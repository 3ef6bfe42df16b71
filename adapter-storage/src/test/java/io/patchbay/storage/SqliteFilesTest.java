package io.patchbay.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patchbay.core.account.LinkedAccount;
import io.patchbay.testkit.store.StoreFixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
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
    void aSecondProcessOnTheSameSqliteDatabaseIsRefusedUntilTheFirstCloses() throws Exception {
        Path data = dir.resolve("data");
        StorageConfig config = StorageConfig.embeddedDefault(data);
        try (PatchbayStorage first = PatchbayStorage.open(config)) {
            Process other = otherProcessOpening(data);
            assertThat(other.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String output = new String(other.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(other.exitValue()).as(output).isEqualTo(3);
            assertThat(output).contains("Refusing to start: another Patchbay process uses " + data.toAbsolutePath());

            // A second storage in this process is refused the same way, and the first keeps its lock.
            assertThatThrownBy(() -> PatchbayStorage.open(config)).isInstanceOf(StorageException.class)
                    .hasMessageContaining("another Patchbay process uses " + data.toAbsolutePath());
            assertThat(first.ready()).isTrue();
            assertThat(permissions(data.resolve("patchbay.db.lock"))).isEqualTo("rw-------");
        }
        // Closed (or ended, however it ends), the lock is free again.
        try (PatchbayStorage again = PatchbayStorage.open(config)) {
            assertThat(again.ready()).isTrue();
        }
        Process after = otherProcessOpening(data);
        assertThat(after.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(after.exitValue()).as(new String(after.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .isZero();
    }

    /** A JVM of its own that opens storage on {@code data}: exit 0 when it could, 3 when it was refused. */
    private static Process otherProcessOpening(Path data) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                OpenStorage.class.getName(), data.toString())
                .redirectErrorStream(true).start();
    }

    /** The main class of {@link #otherProcessOpening}. */
    static final class OpenStorage {
        public static void main(String[] args) {
            try (PatchbayStorage storage = PatchbayStorage.open(StorageConfig.embeddedDefault(Path.of(args[0])))) {
                System.exit(storage.ready() ? 0 : 1);
            } catch (StorageException e) {
                System.out.println(e.getMessage());
                System.exit(3);
            }
        }
    }

    @Test
    void aWriteBlockedByAnotherProgramPastTheBusyTimeoutIsStorageUnavailableNotAFailure() throws Exception {
        Path data = dir.resolve("data");
        try (PatchbayStorage storage = PatchbayStorage.open(StorageConfig.embeddedDefault(data));
             java.sql.Connection tool = java.sql.DriverManager.getConnection("jdbc:sqlite:" + data.resolve(
                     "patchbay.db"));
             java.sql.Statement statement = tool.createStatement()) {
            LinkedAccount kept = Secrets.link(storage, StoreFixtures.account(StoreFixtures.tenant()),
                    Secrets.newToken());
            // sqlite3 beside the server, in a long write transaction.
            statement.execute("BEGIN IMMEDIATE");
            try {
                assertThatThrownBy(() -> Secrets.link(storage, StoreFixtures.account(StoreFixtures.tenant()),
                        Secrets.newToken()))
                        .isInstanceOf(StorageException.class).matches(e -> ((StorageException) e).busy(), "busy")
                        .hasMessageStartingWith("The database is busy: another program has held the SQLite write "
                                + "lock for more than 10 s");
                // Reads go on meanwhile (WAL), and the storage is not taken for down.
                assertThat(storage.accounts().find(kept.tenantId(), kept.id())).contains(kept);
                assertThat(storage.ready()).isTrue();
            } finally {
                statement.execute("ROLLBACK");
            }
            assertThat(storage.accounts().delete(kept.tenantId(), kept.id())).isTrue();
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

    @Test
    void aDeletedOrReplacedLockFileMakesStorageNotReadyAndRefusesWrites() throws Exception {
        Path data = dir.resolve("data");
        Path lock = data.resolve("patchbay.db.lock").toAbsolutePath();
        try (PatchbayStorage storage = PatchbayStorage.open(StorageConfig.embeddedDefault(data))) {
            assertThat(storage.notReadyReason()).isEmpty();

            Files.delete(lock);

            assertThat(storage.ready()).isFalse();
            assertThat(storage.notReadyReason()).hasValueSatisfying(reason -> assertThat(reason)
                    .startsWith("the lock file " + lock + " was deleted while the server runs; another Patchbay "
                            + "process could now lock a new one"));
            assertThatThrownBy(() -> Secrets.link(storage, StoreFixtures.account(StoreFixtures.tenant()),
                    Secrets.newToken()))
                    .isInstanceOf(StorageException.class)
                    .hasMessageStartingWith("Refusing to write: the lock file " + lock + " was deleted");

            // A new file at the path (what a second process's start creates) is not the one locked here either.
            Files.writeString(lock, "");
            assertThat(storage.notReadyReason()).hasValueSatisfying(reason -> assertThat(reason)
                    .startsWith("the lock file " + lock + " is not the file this process locked"));
        }
    }

    @Test
    void aDatabaseFileMovedAwayWhileRunningMakesStorageNotReadyAndRefusesWritesUntilItIsBack() throws Exception {
        Path data = dir.resolve("data");
        Path file = data.resolve("patchbay.db").toAbsolutePath();
        LinkedAccount gone;
        LinkedAccount after;
        try (PatchbayStorage storage = PatchbayStorage.open(StorageConfig.embeddedDefault(data))) {
            LinkedAccount kept = Secrets.link(storage, StoreFixtures.account(StoreFixtures.tenant()),
                    Secrets.newToken());
            assertThat(storage.ready()).isTrue();
            assertThat(storage.notReadyReason()).isEmpty();

            Path away = Files.move(file, dir.resolve("moved.db"));

            assertThat(storage.ready()).isFalse();
            // (The pool may meanwhile open a connection, creating a file at the path: not the database either.)
            String notOpened = "the SQLite database file " + file + " is not the file opened at start: ";
            assertThat(storage.notReadyReason()).hasValueSatisfying(reason -> assertThat(reason)
                    .startsWith(notOpened).contains("Stop the server, put the database file back"));
            // A write would land in the unlinked file and vanish at the next start: refused instead (503).
            assertThatThrownBy(() -> Secrets.link(storage, StoreFixtures.account(StoreFixtures.tenant()),
                    Secrets.newToken()))
                    .isInstanceOf(StorageException.class)
                    .hasMessageStartingWith("Refusing to write: " + notOpened);

            Files.deleteIfExists(file);
            assertThat(storage.notReadyReason()).hasValue(notOpened + "no file is at that path (moved or deleted "
                    + "while the server runs); writes would go to a file the next start does not open, and be lost, "
                    + "so they are refused. Stop the server, put the database file back (or restore it) and start "
                    + "again. Unless the file put back is the one opened, remove the -wal and -shm files beside the "
                    + "path first: they belong to the file opened, and the next start would apply them to the other "
                    + "one.");

            // Another file at the path is not the database this process writes to either.
            Files.writeString(file, "");
            assertThat(storage.notReadyReason()).hasValueSatisfying(reason -> assertThat(reason)
                    .startsWith(notOpened + "another file is at that path now"));
            assertThatThrownBy(() -> storage.accounts().delete(kept.tenantId(), kept.id()))
                    .isInstanceOf(StorageException.class).hasMessageContaining("another file is at that path now");

            // Moved back, it is the same file again: ready, and writes go on.
            Files.move(away, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            assertThat(storage.ready()).isTrue();
            assertThat(storage.accounts().delete(kept.tenantId(), kept.id())).isTrue();
            LinkedAccount added = Secrets.link(storage, StoreFixtures.account(StoreFixtures.tenant()),
                    Secrets.newToken());
            gone = kept;
            after = added;
        }
        // The writes made once it was back are in the file the next start opens.
        try (PatchbayStorage again = PatchbayStorage.open(StorageConfig.embeddedDefault(data))) {
            assertThat(again.accounts().find(gone.tenantId(), gone.id())).isEmpty();
            assertThat(again.accounts().find(after.tenantId(), after.id())).isPresent();
        }
    }
}
