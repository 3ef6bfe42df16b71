package io.patchbay.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patchbay.core.account.LinkedAccount;
import io.patchbay.testkit.store.StoreFixtures;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tool (psql, a migration, a script) holding a row lock on PostgreSQL: the server's write gives up after the lock
 * timeout with {@link StorageException} (503, retry), instead of waiting for as long as the tool holds the lock with
 * one of the pool's few connections.
 */
class PostgresLockTimeoutTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // without a lock timeout the write hangs
    void aWriteBlockedByAnotherTransactionsRowLockIsStorageUnavailableNotAHang() throws Exception {
        StorageConfig config = TestStorage.postgres(dir);
        try (PatchbayStorage storage = PatchbayStorage.open(config, TinkSecretCipher.KEYSET_RECHECK,
                Duration.ofMillis(200));
             Connection tool = DriverManager.getConnection(config.jdbcUrl(), config.user().orElseThrow(), "")) {
            LinkedAccount locked = Secrets.link(storage, StoreFixtures.account(StoreFixtures.tenant()),
                    Secrets.newToken());
            tool.setAutoCommit(false);
            try (PreparedStatement lock = tool.prepareStatement(
                    "SELECT id FROM linked_account WHERE tenant_id = ? AND id = ? FOR UPDATE")) {
                lock.setString(1, locked.tenantId());
                lock.setString(2, locked.id());
                assertThat(lock.executeQuery().next()).isTrue();
            }
            try {
                assertThatThrownBy(() -> storage.accounts().delete(locked.tenantId(), locked.id()))
                        .isInstanceOf(StorageException.class).matches(e -> ((StorageException) e).busy(), "busy")
                        .hasMessageStartingWith("The database is busy: another transaction has held a lock this "
                                + "write needs for more than 200 ms");
                // Reads and other rows go on meanwhile, and the storage is not taken for down.
                assertThat(storage.accounts().find(locked.tenantId(), locked.id())).contains(locked);
                Secrets.link(storage, StoreFixtures.account(StoreFixtures.tenant()), Secrets.newToken());
                assertThat(storage.ready()).isTrue();
            } finally {
                tool.rollback();
            }
            assertThat(storage.accounts().delete(locked.tenantId(), locked.id())).isTrue();
            assertThat(storage.accounts().find(locked.tenantId(), locked.id())).isEmpty();
        }
    }
}
