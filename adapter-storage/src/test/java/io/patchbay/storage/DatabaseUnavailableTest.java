package io.patchbay.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patchbay.testkit.store.StoreFixtures;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A PostgreSQL server of its own, stopped while storage is open: calls fail with {@link StorageException} (which the
 * server answers as 503 storage_unavailable), readiness answers within its bound, not after the pool's wait, calls
 * after the first fail at once, and everything works again once the database is back.
 */
class DatabaseUnavailableTest {
    @TempDir
    Path dir;

    @Test
    void withTheDatabaseDownCallsFailAsUnavailableAndReadinessAnswersQuickly() throws Exception {
        EmbeddedPostgres server = EmbeddedPostgres.builder().setDataDirectory(dir.resolve("pg"))
                .setCleanDataDirectory(false).start(); // kept for the restart below
        boolean stopped = false;
        try (PatchbayStorage storage = PatchbayStorage.open(TestStorage.postgres(dir,
                server.getJdbcUrl("postgres", "postgres")))) {
            Secrets.link(storage, StoreFixtures.account(StoreFixtures.tenant()), Secrets.newToken());
            assertThat(storage.ready()).isTrue();

            server.close();
            stopped = true;

            for (int probe = 0; probe < 2; probe++) {
                long started = System.nanoTime();
                assertThat(storage.ready()).isFalse();
                assertThat(Duration.ofNanos(System.nanoTime() - started))
                        .isLessThan(Database.READY_TIMEOUT.plusSeconds(1));
            }
            // The first call to find the database down waits out the pool's connection timeout, then says why.
            assertThatThrownBy(() -> storage.apiKeys().findByHash("0".repeat(64)))
                    .isInstanceOf(StorageException.class)
                    .hasMessageStartingWith("The database cannot be reached: ");
            // Later calls fail without waiting for the pool again (its timeout is 10 s).
            for (int call = 0; call < 5; call++) {
                long started = System.nanoTime();
                assertThatThrownBy(() -> storage.apiKeys().findByHash("0".repeat(64)))
                        .isInstanceOf(StorageException.class)
                        .hasMessageStartingWith("The database cannot be reached: ");
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
            }

            server = EmbeddedPostgres.builder().setDataDirectory(dir.resolve("pg")).setCleanDataDirectory(false)
                    .setPort(server.getPort()).start();
            stopped = false;
            // Once the database is back, calls get through again without a restart.
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!storage.ready() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(storage.ready()).isTrue();
            assertThat(storage.apiKeys().findByHash("0".repeat(64))).isEmpty();
        } finally {
            if (!stopped) {
                server.close();
            }
        }
    }

    @Test
    void onlyAFailedConnectionAttemptMarksTheDatabaseDown() {
        // Every pooled connection busy: Hikari's timeout has no failed attempt behind it. That is load, not an outage.
        var busy = new org.jdbi.v3.core.ConnectionException(new java.sql.SQLTransientConnectionException(
                "patchbay-storage - Connection is not available, request timed out after 10000ms"));
        assertThat(Database.isDatabaseDown(busy)).isFalse();
        var refused = new org.jdbi.v3.core.ConnectionException(new java.sql.SQLTransientConnectionException(
                "patchbay-storage - Connection is not available, request timed out after 10000ms", "08001",
                new java.sql.SQLException("Connection to 127.0.0.1:5432 refused", "08001")));
        assertThat(Database.isDatabaseDown(refused)).isTrue();
    }

    @Test
    void aPoolWithoutAFreeConnectionIsBusyAndCallsGoOn() {
        try (Database db = Database.open(TestStorage.sqlite(dir))) {
            RuntimeException answer = db.unavailableOr(new org.jdbi.v3.core.ConnectionException(
                    new java.sql.SQLTransientConnectionException(
                            "patchbay-storage - Connection is not available, request timed out after 10000ms")));
            assertThat(answer).isInstanceOf(StorageException.class)
                    .hasMessage("The database is busy: every pooled connection stayed in use for more than 10 s "
                            + "(patchbay-storage - Connection is not available, request timed out after 10000ms)");
            assertThat(((StorageException) answer).busy()).isTrue();
            assertThat(db.ready()).as("load does not make later calls fail fast").isTrue();

            RuntimeException interrupted = new org.jdbi.v3.core.ConnectionException(new java.sql.SQLException(
                    "patchbay-storage - Interrupted during connection acquisition", new InterruptedException()));
            assertThat(db.unavailableOr(interrupted)).as("a stop interrupting a waiting request thread")
                    .isSameAs(interrupted);
            assertThat(db.ready()).as("is not the database going down").isTrue();

            RuntimeException down = db.unavailableOr(new org.jdbi.v3.core.statement.UnableToExecuteStatementException(
                    new java.sql.SQLException("Connection refused", "08001"), null));
            assertThat(((StorageException) down).busy()).isFalse();
        }
    }

    @Test
    void otherFailuresAreNotReportedAsUnavailable() {
        RuntimeException syntax = new org.jdbi.v3.core.statement.UnableToExecuteStatementException(
                new java.sql.SQLException("syntax error", "42601"), null);
        assertThat(Database.connectionFailureOr(syntax)).isSameAs(syntax);
        RuntimeException refused = new org.jdbi.v3.core.statement.UnableToExecuteStatementException(
                new java.sql.SQLException("Connection refused", "08001"), null);
        assertThat(Database.connectionFailureOr(refused)).isInstanceOf(StorageException.class).hasCause(refused);
    }
}
