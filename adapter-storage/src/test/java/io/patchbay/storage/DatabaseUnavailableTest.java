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
 * server answers as 503 storage_unavailable) and readiness answers within its bound, not after the pool's wait.
 */
class DatabaseUnavailableTest {
    @TempDir
    Path dir;

    @Test
    void withTheDatabaseDownCallsFailAsUnavailableAndReadinessAnswersQuickly() throws Exception {
        EmbeddedPostgres server = EmbeddedPostgres.builder().setDataDirectory(dir.resolve("pg")).start();
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
            // The first read of every API call: it waits out the pool's connection timeout, then says why.
            assertThatThrownBy(() -> storage.apiKeys().findByHash("0".repeat(64)))
                    .isInstanceOf(StorageException.class)
                    .hasMessageStartingWith("The database cannot be reached: ");
        } finally {
            if (!stopped) {
                server.close();
            }
        }
    }

    @Test
    void otherFailuresAreNotReportedAsUnavailable() {
        RuntimeException syntax = new org.jdbi.v3.core.statement.UnableToExecuteStatementException(
                new java.sql.SQLException("syntax error", "42601"), null);
        assertThat(Database.unavailableOr(syntax)).isSameAs(syntax);
        RuntimeException refused = new org.jdbi.v3.core.statement.UnableToExecuteStatementException(
                new java.sql.SQLException("Connection refused", "08001"), null);
        assertThat(Database.unavailableOr(refused)).isInstanceOf(StorageException.class).hasCause(refused);
    }
}
