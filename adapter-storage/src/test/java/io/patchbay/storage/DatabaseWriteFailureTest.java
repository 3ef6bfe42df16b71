package io.patchbay.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.patchbay.core.account.LinkedAccount;
import io.patchbay.testkit.store.StoreFixtures;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A database that refuses writes for want of space or write access: the write fails as storage unavailable with the
 * cause named (the server answers 503, one log line per call), readiness says why, and both recover once a write
 * succeeds again.
 */
class DatabaseWriteFailureTest {
    @TempDir
    Path dir;

    private static long accounts(PatchbayStorage storage) {
        return storage.database().read(h -> h.createQuery("SELECT COUNT(*) FROM linked_account")
                .mapTo(Long.class).one());
    }

    @Test
    void aFullSqliteDatabaseRefusesWritesAsUnavailableAndIsNotReadyUntilAWriteSucceeds() {
        // One pooled connection, so the page limit below (a per-connection setting) holds for every write.
        StorageConfig config = new StorageConfig(StorageConfig.SQLITE_PREFIX + dir.resolve("patchbay.db"),
                Optional.empty(), Optional.empty(), KeysetSource.file(dir.resolve("keyset.json")), true, 1);
        try (Secrets.CapturedLogs logs = new Secrets.CapturedLogs();
             PatchbayStorage storage = PatchbayStorage.open(config)) {
            String tenant = StoreFixtures.tenant();
            Secrets.link(storage, StoreFixtures.account(tenant), Secrets.newToken());
            // The file may not grow past its present size: what a full disk does to SQLite (SQLITE_FULL).
            storage.database().read(h -> h.createQuery("PRAGMA max_page_count = 1").mapTo(Long.class).one());

            long stored = accounts(storage);
            StorageException full = null;
            for (int i = 0; i < 2_000 && full == null; i++) {
                LinkedAccount account = StoreFixtures.account(tenant).build();
                byte[] sealed = Secrets.seal(storage, account, Secrets.newToken());
                full = catchThrowableOfType(StorageException.class,
                        () -> storage.accounts().insert(account, sealed));
                if (full == null) {
                    stored++;
                } else {
                    assertThat(storage.accounts().find(tenant, account.id())).as("the refused account").isEmpty();
                }
            }

            assertThat(full).as("a write fails once the file is full").isNotNull();
            assertThat(full.getMessage()).startsWith("The database cannot be written: the disk holding the SQLite "
                    + "database is full (").contains("SQLITE_FULL");
            assertThat(full.busy()).isFalse();
            assertThat(full.getCause()).as("no stack trace per call").isNull();
            assertThat(accounts(storage)).isEqualTo(stored);
            assertThat(storage.ready()).isFalse();
            assertThat(storage.notReadyReason()).hasValueSatisfying(reason -> assertThat(reason)
                    .startsWith("writes fail: the disk holding the SQLite database is full"));
            assertThat(logs.lines().stream().filter(l -> l.startsWith("Writes fail: "))).hasSize(1);
            // Reads go on.
            assertThat(accounts(storage)).isPositive();

            storage.database().read(h -> h.createQuery("PRAGMA max_page_count = 1000000").mapTo(Long.class).one());
            Secrets.link(storage, StoreFixtures.account(tenant), Secrets.newToken());
            assertThat(accounts(storage)).isEqualTo(stored + 1);
            assertThat(storage.ready()).isTrue();
        }
    }

    @Test
    void aReadOnlyFileOrAnIoErrorIsNamedAndOtherFailuresAreNot() {
        assertThat(Database.cannotWrite(new org.jdbi.v3.core.statement.UnableToExecuteStatementException(
                new org.sqlite.SQLiteException("attempt to write a readonly database",
                        org.sqlite.SQLiteErrorCode.SQLITE_READONLY), null)))
                .hasValueSatisfying(why -> assertThat(why).contains("not writable"));
        assertThat(Database.cannotWrite(new org.sqlite.SQLiteException("disk I/O error",
                org.sqlite.SQLiteErrorCode.SQLITE_IOERR_WRITE))).hasValueSatisfying(why -> assertThat(why)
                .contains("I/O error"));
        assertThat(Database.cannotWrite(new java.sql.SQLException("could not extend file", "53100")))
                .hasValueSatisfying(why -> assertThat(why).contains("disk of the PostgreSQL server is full"));
        assertThat(Database.cannotWrite(new org.sqlite.SQLiteException("UNIQUE constraint failed",
                org.sqlite.SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE))).isEmpty();
        assertThat(Database.cannotWrite(new java.sql.SQLException("lock timeout", "55P03"))).isEmpty();
    }

    @Test
    void aPostgresqlServerThatAcceptsNoWritesRefusesThemAsUnavailable() {
        try (PatchbayStorage storage = PatchbayStorage.open(TestStorage.postgres(dir))) {
            String tenant = StoreFixtures.tenant();
            Secrets.link(storage, StoreFixtures.account(tenant), Secrets.newToken());

            // What a standby after a failover, or default_transaction_read_only, answers (SQLSTATE 25006).
            assertThatThrownBy(() -> storage.database().write(h -> {
                h.execute("SET TRANSACTION READ ONLY");
                return h.execute("DELETE FROM linked_account");
            })).isInstanceOf(StorageException.class)
                    .hasMessageStartingWith("The database cannot be written: the PostgreSQL server accepts no writes")
                    .hasNoCause();
            assertThat(accounts(storage)).isEqualTo(1);
            assertThat(storage.notReadyReason()).hasValueSatisfying(reason -> assertThat(reason)
                    .startsWith("writes fail: the PostgreSQL server accepts no writes"));

            Secrets.link(storage, StoreFixtures.account(tenant), Secrets.newToken());
            assertThat(storage.ready()).isTrue();
        }
    }
}
