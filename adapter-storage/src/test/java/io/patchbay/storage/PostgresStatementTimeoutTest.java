package io.patchbay.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.patchbay.core.account.LinkedAccount;
import io.patchbay.testkit.store.StoreFixtures;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A statement that runs long on PostgreSQL (a stuck plan, a filter scanning a huge table) is cancelled after the
 * statement timeout and answered as {@link StorageException} (503, retry), giving its pooled connection back, while
 * migrations run without that bound.
 */
class PostgresStatementTimeoutTest {
    private static final Duration TIMEOUT = Duration.ofMillis(300);

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aStatementRunningPastTheTimeoutIsCancelledAndStorageUnavailable() {
        StorageConfig config = TestStorage.postgres(dir).withStatementTimeout(TIMEOUT);
        try (PatchbayStorage storage = PatchbayStorage.open(config)) {
            Database db = storage.database();
            assertThatThrownBy(() -> db.read(h -> h.createQuery("SELECT pg_sleep(5)").mapToMap().list()))
                    .isInstanceOf(StorageException.class).matches(e -> ((StorageException) e).busy(), "busy")
                    .hasMessageStartingWith("The database is busy: a statement ran for more than 300 ms, the "
                            + "statement timeout, and was cancelled (")
                    .hasMessageContaining("canceling statement due to statement timeout");

            // In a write, the whole transaction is rolled back.
            LinkedAccount kept = Secrets.link(storage, StoreFixtures.account(StoreFixtures.tenant()),
                    Secrets.newToken());
            assertThatThrownBy(() -> db.write(h -> {
                h.execute("DELETE FROM linked_account");
                return h.createQuery("SELECT pg_sleep(5)").mapToMap().list();
            })).isInstanceOf(StorageException.class).matches(e -> ((StorageException) e).busy(), "busy")
                    .hasMessageStartingWith("The database is busy: a statement ran for more than 300 ms");
            assertThat(storage.accounts().find(kept.tenantId(), kept.id())).contains(kept);

            // The connections went back to the pool, and the database is not taken for down.
            assertThat(storage.ready()).isTrue();
            LinkedAccount linked = Secrets.link(storage, StoreFixtures.account(StoreFixtures.tenant()),
                    Secrets.newToken());
            assertThat(storage.accounts().find(linked.tenantId(), linked.id())).contains(linked);
            String setting = db.read(h -> h.createQuery("SHOW statement_timeout").mapTo(String.class).one());
            assertThat(setting).isEqualTo("300ms");
        }
    }

    @Test
    void migrationsRunWithoutTheStatementTimeoutButKeepTheLockTimeout() {
        StorageConfig config = TestStorage.postgres(dir).withStatementTimeout(TIMEOUT);
        try (HikariDataSource migrations = Database.migrationPool(config, Database.LOCK_TIMEOUT)) {
            org.jdbi.v3.core.Jdbi jdbi = org.jdbi.v3.core.Jdbi.create(migrations);
            // A step of a migration may outlast the calls' bound.
            int slept = jdbi.withHandle(h -> h.createQuery("SELECT pg_sleep(1)").mapToMap().list().size());
            assertThat(slept).isEqualTo(1);
            String statementTimeout = jdbi.withHandle(h -> h.createQuery("SHOW statement_timeout")
                    .mapTo(String.class).one());
            String lockTimeout = jdbi.withHandle(h -> h.createQuery("SHOW lock_timeout").mapTo(String.class).one());
            assertThat(statementTimeout).isEqualTo("0");
            assertThat(lockTimeout).isEqualTo("10s");
        }
    }
}
