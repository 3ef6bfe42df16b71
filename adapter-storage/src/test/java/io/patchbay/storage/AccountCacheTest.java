package io.patchbay.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patchbay.core.account.AccountVault;
import io.patchbay.core.account.CachingLinkedAccountStore;
import io.patchbay.core.account.LinkedAccount;
import io.patchbay.core.account.Viewer;
import io.patchbay.core.account.Visibility;
import io.patchbay.core.error.NotFoundException;
import io.patchbay.testkit.store.CountingLinkedAccountStore;
import io.patchbay.testkit.store.StoreFixtures;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.postgresql.PGConnection;

/**
 * The account cache over real storages: what it spares the database, and how a change reaches the caches of other
 * instances sharing one PostgreSQL database, also when an instance stops hearing about changes for a while.
 */
class AccountCacheTest {
    @TempDir
    Path dir;

    private final Deque<AutoCloseable> opened = new ArrayDeque<>();

    @AfterEach
    void closeAll() throws Exception {
        while (!opened.isEmpty()) {
            opened.pop().close();
        }
    }

    private <T extends AutoCloseable> T opened(T closeable) {
        opened.push(closeable);
        return closeable;
    }

    /** A cache over the storage's accounts as an instance would have it, counting what reaches the database. */
    private record Instance(PatchbayStorage storage, CountingLinkedAccountStore database,
                            CachingLinkedAccountStore cache, ChangeWatch watch) {
        static Instance over(PatchbayStorage storage, io.patchbay.core.account.AccountChanges feed) {
            CountingLinkedAccountStore database = new CountingLinkedAccountStore(storage.accounts());
            CachingLinkedAccountStore cache = new CachingLinkedAccountStore(database, feed);
            return new Instance(storage, database, cache, ChangeWatch.on(feed).awaitLive());
        }

        LinkedAccount link(StoreFixtures.Account builder) {
            LinkedAccount account = builder.build();
            cache.insert(account, Secrets.seal(storage, account, Secrets.newToken()));
            return account;
        }

        /** Lets the feed's announcement of our own write pass, so it cannot drop what a test reads next. */
        void settle(LinkedAccount account) {
            if (storage.database().dialect() == Database.Dialect.POSTGRESQL) {
                watch.awaitChange(account.tenantId(), account.id());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Database.Dialect.class)
    void aCachedAccountIsServedWithoutReadingTheDatabaseAndWritesAreSeenAtOnce(Database.Dialect dialect) {
        PatchbayStorage storage = opened(PatchbayStorage.open(TestStorage.config(dialect, dir)));
        Instance instance = Instance.over(storage, storage.accountChanges());
        String tenant = StoreFixtures.tenant();
        LinkedAccount account = instance.link(StoreFixtures.account(tenant));
        instance.settle(account);

        assertThat(instance.cache().find(tenant, account.id())).contains(account);
        assertThat(instance.cache().find(tenant, account.id())).contains(account);
        assertThat(instance.cache().find(tenant, account.id())).contains(account);
        assertThat(instance.database().finds()).isEqualTo(1);

        LinkedAccount renamed = instance.cache().update(account.withLabel("Renamed", StoreFixtures.T0));
        assertThat(instance.cache().find(tenant, account.id())).contains(renamed);
        LinkedAccount rotated = instance.cache().update(renamed, Secrets.seal(storage, account, Secrets.newToken()));
        assertThat(instance.cache().find(tenant, account.id())).contains(rotated);
        assertThat(instance.cache().delete(tenant, account.id())).isTrue();
        assertThat(instance.cache().find(tenant, account.id())).isEmpty();
        assertThat(instance.cache().cached(tenant, account.id())).isEmpty();
    }

    @Test
    void aChangeThroughOneInstanceReachesTheCacheOfAnother() {
        StorageConfig config = TestStorage.postgres(dir);
        PatchbayStorage storageA = opened(PatchbayStorage.open(config));
        PatchbayStorage storageB = opened(PatchbayStorage.open(config));
        Instance a = Instance.over(storageA, storageA.accountChanges());
        Instance b = Instance.over(storageB, storageB.accountChanges());
        AccountVault vaultB = new AccountVault(b.cache(), storageB.cipher());
        String tenant = StoreFixtures.tenant();
        Viewer bob = Viewer.endUser(tenant, "bob", null);
        LinkedAccount account = a.link(StoreFixtures.account(tenant).owner("alice").visibility(Visibility.TENANT));
        b.settle(account);

        assertThat(vaultB.visible(bob, account.id())).isEqualTo(account);
        assertThat(vaultB.cachedVisible(bob, account.id())).as("kept by B").contains(account);

        LinkedAccount privateNow = a.cache().update(account.withVisibility(Visibility.PRIVATE, StoreFixtures.T0));
        ChangeWatch.await("B to stop showing the account to bob",
                () -> vaultB.cachedVisible(bob, account.id()).isEmpty());
        assertThatThrownBy(() -> vaultB.visible(bob, account.id())).isInstanceOf(NotFoundException.class);
        assertThat(b.cache().find(tenant, account.id())).contains(privateNow);

        a.cache().delete(tenant, account.id());
        ChangeWatch.await("B to see the delete", () -> b.cache().find(tenant, account.id()).isEmpty());
    }

    @Test
    void whileItsFeedIsDownAnInstanceReadsTheDatabaseAndCachesAgainOnceItIsBack() throws Exception {
        StorageConfig config = TestStorage.postgres(dir);
        PatchbayStorage storage = opened(PatchbayStorage.open(config));
        GatedConnections connections = new GatedConnections(config.jdbcUrl());
        PostgresAccountChanges feed = opened(new PostgresAccountChanges(connections, Duration.ofMillis(20),
                Duration.ofMillis(200)));
        Instance b = Instance.over(storage, feed);
        String tenant = StoreFixtures.tenant();
        LinkedAccount account = b.link(StoreFixtures.account(tenant));
        b.settle(account);
        b.cache().find(tenant, account.id());
        assertThat(b.cache().cached(tenant, account.id())).contains(account);

        connections.refuse();
        try (Connection admin = EmbeddedPostgresServer.superuserConnection();
             PreparedStatement kill = admin.prepareStatement("SELECT pg_terminate_backend(?)")) {
            kill.setInt(1, connections.lastBackendPid());
            kill.execute();
        }
        b.watch().awaitLost();

        assertThat(b.cache().cached(tenant, account.id())).as("nothing served from memory").isEmpty();
        renameInSql(config, account, "Changed while B was not listening");
        int reads = b.database().finds();
        assertThat(b.cache().find(tenant, account.id())).map(LinkedAccount::label)
                .contains("Changed while B was not listening");
        assertThat(b.cache().find(tenant, account.id())).isPresent();
        assertThat(b.database().finds()).as("every read went to the database").isEqualTo(reads + 2);
        assertThat(b.cache().cached(tenant, account.id())).isEmpty();

        connections.allow();
        b.watch().awaitLive();
        assertThat(b.cache().find(tenant, account.id())).map(LinkedAccount::label)
                .contains("Changed while B was not listening");
        assertThat(b.cache().cached(tenant, account.id())).as("caching again").isPresent();
        renameInSql(config, account, "Changed after B listens again");
        ChangeWatch.await("B to hear of the change", () -> b.cache().find(tenant, account.id())
                .map(LinkedAccount::label).equals(Optional.of("Changed after B listens again")));
    }

    /** A change made beside the application, as a tool or another instance would. */
    private static void renameInSql(StorageConfig config, LinkedAccount account, String label) throws SQLException {
        try (Connection tool = DriverManager.getConnection(config.jdbcUrl(), "postgres", "");
             PreparedStatement update = tool.prepareStatement(
                     "UPDATE linked_account SET label = ?, version = version + 1 WHERE id = ?")) {
            update.setString(1, label);
            update.setString(2, account.id());
            assertThat(update.executeUpdate()).isEqualTo(1);
        }
    }

    /** Real connections, refused while the test says so, remembering the backends they were given. */
    private static final class GatedConnections implements PostgresAccountChanges.ConnectionSource {
        private final String url;
        private final List<Integer> backendPids = new CopyOnWriteArrayList<>();
        private volatile boolean refusing;

        GatedConnections(String url) {
            this.url = url;
        }

        void refuse() {
            refusing = true;
        }

        void allow() {
            refusing = false;
        }

        int lastBackendPid() {
            return backendPids.get(backendPids.size() - 1);
        }

        @Override
        public Connection open() throws SQLException {
            if (refusing) {
                throw new SQLException("connection refused by the test");
            }
            Connection connection = DriverManager.getConnection(url, "postgres", "");
            backendPids.add(connection.unwrap(PGConnection.class).getBackendPID());
            return connection;
        }
    }
}
