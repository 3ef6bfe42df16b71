package io.patchbay.storage;

import static io.patchbay.storage.Secrets.contains;
import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.core.account.LinkedAccount;
import io.patchbay.testkit.store.StoreFixtures;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleListener;
import org.jdbi.v3.core.Handles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.PGConnection;

/**
 * Credentials are encrypted at rest: the bytes the databases write hold no plaintext token, while the plain columns
 * (a label) are found there, which shows the scan reads the data.
 */
class SecretsAtRestTest {
    @TempDir
    Path dir;

    private record Linked(List<String> tokens, String label) {
    }

    private Linked linkSome(PatchbayStorage storage, int count) {
        String tenant = StoreFixtures.tenant();
        String label = "label-marker-" + UUID.randomUUID();
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String token = Secrets.newToken();
            tokens.add(token);
            Secrets.link(storage, StoreFixtures.account(tenant).label(label), token);
        }
        return new Linked(tokens, label);
    }

    @Test
    void theSqliteFileAndItsWalHoldNoPlaintextToken() throws Exception {
        Path data = dir.resolve("data");
        Linked linked;
        try (PatchbayStorage storage = PatchbayStorage.open(StorageConfig.embeddedDefault(data))) {
            linked = linkSome(storage, 20);
            byte[] live = concat(Files.readAllBytes(data.resolve("patchbay.db")), walOf(data));
            assertThat(contains(live, linked.label())).as("label in the live file or WAL").isTrue();
            assertThat(linked.tokens()).noneMatch(t -> contains(live, t));
        }
        byte[] closed = concat(Files.readAllBytes(data.resolve("patchbay.db")), walOf(data));
        assertThat(contains(closed, linked.label())).isTrue();
        assertThat(linked.tokens()).noneMatch(t -> contains(closed, t));
    }

    @Test
    void deletingAnAccountErasesItsCiphertextFromTheSqliteFileAndWal() throws Exception {
        Path data = dir.resolve("data");
        try (PatchbayStorage storage = PatchbayStorage.open(StorageConfig.embeddedDefault(data))) {
            String tenant = StoreFixtures.tenant();
            LinkedAccount kept = Secrets.link(storage, StoreFixtures.account(tenant), Secrets.newToken());
            LinkedAccount gone = Secrets.link(storage, StoreFixtures.account(tenant), Secrets.newToken());
            byte[] ciphertext = storage.accounts().sealedSecret(tenant, gone.id()).orElseThrow();
            byte[] keptCiphertext = storage.accounts().sealedSecret(tenant, kept.id()).orElseThrow();
            assertThat(contains(concat(Files.readAllBytes(data.resolve("patchbay.db")), walOf(data)), ciphertext))
                    .as("the ciphertext is on disk before the delete").isTrue();

            assertThat(storage.accounts().delete(tenant, gone.id())).isTrue();

            byte[] after = concat(Files.readAllBytes(data.resolve("patchbay.db")), walOf(data));
            assertThat(contains(after, ciphertext)).as("deleted ciphertext still on disk").isFalse();
            assertThat(contains(after, java.util.Arrays.copyOfRange(ciphertext, 5, 37)))
                    .as("a 32-byte piece of it").isFalse();
            assertThat(contains(after, keptCiphertext)).as("the other account is untouched").isTrue();
        }
    }

    @Test
    void aDeleteStandsWhenTheWalCannotBeErasedAfterIt() throws Exception {
        assertDeleteStandsWhenTheStorageClosesBeforeTheWalIsErased(
                (storage, account) -> storage.accounts().delete(account.tenantId(), account.id()));
        assertDeleteStandsWhenTheStorageClosesBeforeTheWalIsErased(
                (storage, account) -> storage.accounts().delete(account.tenantId(), account.id(), account.version()));
    }

    /**
     * The storage closes (the server stopping) right after the delete committed, before the WAL is erased: the erase
     * cannot get a connection, and the delete is still reported as done, for it is.
     */
    private void assertDeleteStandsWhenTheStorageClosesBeforeTheWalIsErased(
            BiFunction<PatchbayStorage, LinkedAccount, Boolean> delete) throws Exception {
        Path data = dir.resolve("data-" + UUID.randomUUID());
        String token = Secrets.newToken();
        LinkedAccount gone;
        try (Secrets.CapturedLogs logs = new Secrets.CapturedLogs();
             PatchbayStorage storage = PatchbayStorage.open(StorageConfig.embeddedDefault(data))) {
            gone = Secrets.link(storage, StoreFixtures.account(StoreFixtures.tenant()), token);
            AtomicBoolean armed = new AtomicBoolean(true);
            storage.database().jdbi().getConfig(Handles.class).addListener(new HandleListener() {
                @Override
                public void handleClosed(Handle handle) {
                    if (armed.getAndSet(false)) {
                        storage.close(); // the delete's transaction is committed and its connection returned
                    }
                }
            });

            assertThat(delete.apply(storage, gone)).isTrue();

            assertThat(armed).as("the storage closed between the delete and the erase").isFalse();
            assertThat(logs.lines()).anyMatch(l -> l.contains("WAL was not erased after deleting an account"))
                    .noneMatch(l -> l.contains(token));
        }
        try (PatchbayStorage reopened = PatchbayStorage.open(StorageConfig.embeddedDefault(data))) {
            assertThat(reopened.accounts().find(gone.tenantId(), gone.id())).isEmpty();
        }
    }

    @Test
    void postgresTablesAndDataFilesHoldNoPlaintextToken() throws Exception {
        StorageConfig config = TestStorage.postgres(dir);
        Linked linked;
        try (PatchbayStorage storage = PatchbayStorage.open(config)) {
            linked = linkSome(storage, 20);
        }
        try (Connection c = DriverManager.getConnection(config.jdbcUrl())) {
            var copy = c.unwrap(PGConnection.class).getCopyAPI();
            for (String table : List.of("linked_account", "audit_event", "api_key", "connect_session")) {
                for (String format : List.of("text", "binary")) {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    copy.copyOut("COPY " + table + " TO STDOUT WITH (FORMAT " + format + ")", out);
                    byte[] dump = out.toByteArray();
                    assertThat(linked.tokens()).as("%s as %s", table, format).noneMatch(t -> contains(dump, t));
                    if (table.equals("linked_account")) {
                        assertThat(contains(dump, linked.label())).isTrue();
                    }
                }
            }
            c.createStatement().execute("CHECKPOINT");
        }
        List<byte[]> files = Secrets.filesUnder(EmbeddedPostgresServer.dataDirectory());
        assertThat(files).as("the label reached PostgreSQL's files").anyMatch(f -> contains(f, linked.label()));
        for (String token : linked.tokens()) {
            assertThat(files).noneMatch(f -> contains(f, token));
        }
    }

    private static byte[] walOf(Path data) throws Exception {
        Path wal = data.resolve("patchbay.db-wal");
        return Files.exists(wal) ? Files.readAllBytes(wal) : new byte[0];
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
