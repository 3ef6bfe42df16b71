package io.patchbay.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patchbay.core.account.LinkedAccount;
import io.patchbay.core.error.SecretUnavailableException;
import io.patchbay.testkit.store.StoreFixtures;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleListener;
import org.jdbi.v3.core.Handles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several instances (on one PostgreSQL database) sharing one keyset file: a key change made through one instance is
 * made to the file as it is now, so it never drops a key another instance added and seals with.
 */
class SharedKeysetFileTest {
    @TempDir
    Path dir;

    private StorageConfig config;

    private StorageConfig config() {
        if (config == null) {
            config = TestStorage.postgres(dir);
        }
        return config;
    }

    private Path keysetFile() {
        return ((KeysetSource.File) config().keyset()).path();
    }

    private PatchbayStorage secondInstance() {
        return PatchbayStorage.open(TestStorage.sameDatabase(config(), config().keyset()));
    }

    private Set<Long> keysInFile() throws Exception {
        return Keysets.keyIds(Files.readString(keysetFile()));
    }

    @Test
    void removingUnusedKeysOnOneInstanceKeepsTheKeyAnotherInstanceAddedAndSealsWith() throws Exception {
        try (PatchbayStorage a = PatchbayStorage.open(config()); PatchbayStorage b = secondInstance()) {
            String tenant = StoreFixtures.tenant();
            LinkedAccount first = Secrets.link(a, StoreFixtures.account(tenant), "first-" + Secrets.newToken());
            long oldKey = a.keyRotation().status().primaryKeyId();
            long newKey = a.keyRotation().addPrimaryKey();
            a.keyRotation().reencryptAll(100);

            // b loaded the keyset before a added its key. Its own primary stays while it may still be sealing with it.
            assertThat(b.keyRotation().removeUnusedKeys()).isEmpty();
            assertThat(keysInFile()).containsExactlyInAnyOrder(oldKey, newKey);
            assertThat(b.keyRotation().status().primaryKeyId()).as("b adopted the file's primary key")
                    .isEqualTo(newKey);

            String token = Secrets.newToken();
            LinkedAccount second = Secrets.link(a, StoreFixtures.account(tenant), token);
            assertThat(Secrets.open(b, second)).isEqualTo(token);
            assertThat(Secrets.open(b, first)).startsWith("first-");

            assertThat(b.keyRotation().removeUnusedKeys()).containsExactly(oldKey);
            assertThat(keysInFile()).containsExactly(newKey);
            assertThat(a.keyRotation().status().keys()).containsExactly(new KeyRotation.KeyUsage(newKey, true, 2));
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keysetFile())))
                    .isEqualTo("rw-------");
        }
        try (PatchbayStorage restarted = PatchbayStorage.open(config())) {
            assertThat(restarted.keyRotation().status().missingKeys()).isEmpty();
        }
    }

    @Test
    void anInstanceStopsSealingWithAKeyAnotherInstanceRetiredAndRemoved() throws Exception {
        // b reads the file again before each seal here (every 2 s by default), without a restart or a status call.
        try (PatchbayStorage a = PatchbayStorage.open(config());
             PatchbayStorage b = PatchbayStorage.open(TestStorage.sameDatabase(config(), config().keyset()),
                     Duration.ZERO)) {
            String tenant = StoreFixtures.tenant();
            Secrets.link(a, StoreFixtures.account(tenant), Secrets.newToken());
            long oldKey = a.keyRotation().status().primaryKeyId();
            long newKey = a.keyRotation().addPrimaryKey();
            a.keyRotation().reencryptAll(100);
            assertThat(a.keyRotation().removeUnusedKeys()).containsExactly(oldKey);

            String token = Secrets.newToken();
            LinkedAccount linkedOnB = Secrets.link(b, StoreFixtures.account(tenant), token);

            assertThat(Secrets.open(a, linkedOnB)).isEqualTo(token);
            assertThat(a.keyRotation().status().keys()).containsExactly(new KeyRotation.KeyUsage(newKey, true, 2));
        }
        try (PatchbayStorage restarted = PatchbayStorage.open(config())) {
            assertThat(restarted.keyRotation().status().missingKeys()).isEmpty();
        }
    }

    @Test
    void keyChangesRacingOnTwoInstancesKeepEveryKey() throws Exception {
        try (PatchbayStorage a = PatchbayStorage.open(config()); PatchbayStorage b = secondInstance()) {
            Set<Long> expected = new HashSet<>(keysInFile());
            List<PatchbayStorage> instances = List.of(a, b);
            AtomicInteger turn = new AtomicInteger();
            List<Object> added = StoreFixtures.race(8, () -> {
                PatchbayStorage instance = instances.get(turn.getAndIncrement() % 2);
                List<Long> ids = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    ids.add(instance.keyRotation().addKey());
                }
                return ids;
            });
            for (Object outcome : added) {
                assertThat(outcome).isInstanceOf(List.class);
                for (Object id : (List<?>) outcome) {
                    expected.add((Long) id);
                }
            }

            assertThat(expected).hasSize(41);
            assertThat(keysInFile()).containsExactlyInAnyOrderElementsOf(expected);
            for (PatchbayStorage instance : instances) {
                assertThat(instance.keyRotation().status().keys()).extracting(KeyRotation.KeyUsage::keyId)
                        .containsExactlyInAnyOrderElementsOf(expected);
            }
        }
    }

    @Test
    void anInstanceReadsTheFileAgainForAKeyItDoesNotKnowEvenWhenTheFileKeptItsTimeStamp() throws Exception {
        try (PatchbayStorage a = PatchbayStorage.open(config()); PatchbayStorage b = secondInstance()) {
            FileTime loaded = Files.getLastModifiedTime(keysetFile());
            long newKey = a.keyRotation().addPrimaryKey();
            // Two writes within one tick of the file system's clock look the same by time stamp.
            Files.setLastModifiedTime(keysetFile(), loaded);
            String token = Secrets.newToken();
            LinkedAccount account = Secrets.link(a, StoreFixtures.account(StoreFixtures.tenant()), token);

            assertThat(Secrets.open(b, account)).isEqualTo(token);
            assertThat(b.keyRotation().status().keys()).extracting(KeyRotation.KeyUsage::keyId).contains(newKey);
        }
    }

    /** The key id a stored secret was sealed with. */
    private static long keyOf(PatchbayStorage storage, LinkedAccount account) {
        return storage.accounts().sealedSecret(account.tenantId(), account.id()).map(TinkSecretCipher::keyId)
                .orElseThrow().getAsLong();
    }

    /** Runs {@code action} once, on this thread, when {@code storage} next opens (or, else, closes) a handle. */
    private static void onNextHandle(PatchbayStorage storage, boolean whenOpened, Runnable action) {
        Thread caller = Thread.currentThread();
        AtomicBoolean armed = new AtomicBoolean(true);
        storage.database().jdbi().getConfig(Handles.class).addListener(new HandleListener() {
            @Override
            public void handleCreated(Handle handle) {
                if (whenOpened) {
                    fire();
                }
            }

            @Override
            public void handleClosed(Handle handle) {
                if (!whenOpened) {
                    fire();
                }
            }

            private void fire() {
                if (Thread.currentThread() == caller && armed.getAndSet(false)) {
                    action.run();
                }
            }
        });
    }

    @Test
    void anInstanceThatMissedANewPrimaryKeyReencryptsWithItNotWithItsOldOne() throws Exception {
        try (PatchbayStorage a = PatchbayStorage.open(config()); PatchbayStorage b = secondInstance()) {
            String tenant = StoreFixtures.tenant();
            LinkedAccount old = Secrets.link(a, StoreFixtures.account(tenant), Secrets.newToken());
            long oldKey = keyOf(a, old);
            long newKey = a.keyRotation().addPrimaryKey();
            LinkedAccount second = Secrets.link(a, StoreFixtures.account(tenant), Secrets.newToken());
            LinkedAccount third = Secrets.link(a, StoreFixtures.account(tenant), Secrets.newToken());

            // b has not read the file since a changed it: it must not call a's new secrets unreadable.
            KeyRotation.Summary summary = b.keyRotation().reencryptAll(100);

            assertThat(summary.unreadable()).isEmpty();
            assertThat(summary.reencrypted()).isEqualTo(1);
            assertThat(summary.primaryKeyId()).isEqualTo(newKey);
            assertThat(keyOf(a, old)).isEqualTo(newKey);
            assertThat(keyOf(a, second)).isEqualTo(newKey);
            assertThat(keyOf(a, third)).isEqualTo(newKey);
            assertThat(a.keyRotation().status().keys()).containsExactlyInAnyOrder(
                    new KeyRotation.KeyUsage(oldKey, false, 0), new KeyRotation.KeyUsage(newKey, true, 3));
        }
    }

    @Test
    void anInstanceThatKnowsTheNewKeyButNotThatItIsPrimaryDoesNotMoveSecretsBackToItsOldPrimary() throws Exception {
        try (PatchbayStorage a = PatchbayStorage.open(config()); PatchbayStorage b = secondInstance()) {
            String tenant = StoreFixtures.tenant();
            String token = Secrets.newToken();
            LinkedAccount old = Secrets.link(a, StoreFixtures.account(tenant), Secrets.newToken());
            long oldKey = keyOf(a, old);
            long newKey = a.keyRotation().addKey();
            assertThat(b.keyRotation().status().primaryKeyId()).as("b knows the new key").isEqualTo(oldKey);
            a.keyRotation().makePrimary(newKey);
            LinkedAccount sealedWithNewKey = Secrets.link(a, StoreFixtures.account(tenant), token);

            assertThat(b.keyRotation().reencryptAll(100).primaryKeyId()).isEqualTo(newKey);

            assertThat(keyOf(a, sealedWithNewKey)).as("not moved back to b's old primary").isEqualTo(newKey);
            assertThat(keyOf(a, old)).isEqualTo(newKey);
            assertThat(a.keyRotation().removeUnusedKeys()).containsExactly(oldKey);
            assertThat(Secrets.open(b, sealedWithNewKey)).isEqualTo(token);
            assertThat(Secrets.open(a, old)).isNotBlank();
        }
    }

    @Test
    void aSecretSealedWithAKeyAddedWhileTheBatchRunsIsOpenedByReadingTheFileAgainNotCalledUnreadable()
            throws Exception {
        try (PatchbayStorage a = PatchbayStorage.open(config()); PatchbayStorage b = secondInstance()) {
            String tenant = StoreFixtures.tenant();
            LinkedAccount old = Secrets.link(a, StoreFixtures.account(tenant), Secrets.newToken());
            long middleKey = a.keyRotation().addPrimaryKey();
            long[] newestKey = new long[1];
            LinkedAccount[] sealedMeanwhile = new LinkedAccount[1];
            // After b read the keyset for the batch, before it reads the rows: a adds a key and seals with it.
            onNextHandle(b, true, () -> {
                newestKey[0] = a.keyRotation().addPrimaryKey();
                sealedMeanwhile[0] = Secrets.link(a, StoreFixtures.account(tenant), Secrets.newToken());
            });

            KeyRotation.Batch batch = b.keyRotation().reencryptBatch(Optional.empty(), 100);

            assertThat(batch.unreadable()).isEmpty();
            assertThat(batch.reencrypted()).as("only the old row moves; the new one is on the primary").isEqualTo(1);
            assertThat(batch.primaryKeyId()).isEqualTo(newestKey[0]);
            assertThat(keyOf(a, old)).isEqualTo(newestKey[0]);
            assertThat(keyOf(a, sealedMeanwhile[0])).isEqualTo(newestKey[0]);
            assertThat(a.keyRotation().status().keys()).contains(new KeyRotation.KeyUsage(middleKey, false, 0));
        }
    }

    @Test
    void reencryptionRefusesToSealWithAKeyThatIsNoLongerTheFilesPrimary() throws Exception {
        try (PatchbayStorage a = PatchbayStorage.open(config()); PatchbayStorage b = secondInstance()) {
            String tenant = StoreFixtures.tenant();
            LinkedAccount old = Secrets.link(a, StoreFixtures.account(tenant), Secrets.newToken());
            long oldKey = keyOf(a, old);
            a.keyRotation().addPrimaryKey();
            long[] newestKey = new long[1];
            // After b read the keyset and the rows, before it seals them: a makes another key primary.
            onNextHandle(b, false, () -> newestKey[0] = a.keyRotation().addPrimaryKey());

            assertThatThrownBy(() -> b.keyRotation().reencryptBatch(Optional.empty(), 100))
                    .isInstanceOf(KeysetChangedException.class)
                    .hasMessageContaining("primary key is " + newestKey[0]);
            assertThat(keyOf(a, old)).as("nothing written").isEqualTo(oldKey);

            KeyRotation.Batch again = b.keyRotation().reencryptBatch(Optional.empty(), 100);
            assertThat(again.reencrypted()).isEqualTo(1);
            assertThat(again.primaryKeyId()).isEqualTo(newestKey[0]);
            assertThat(keyOf(a, old)).isEqualTo(newestKey[0]);
        }
    }

    @Test
    void statusCountsSecretsSealedWithKeysTheKeysetLacks() throws Exception {
        Path otherKeyset = dir.resolve("other").resolve("keyset.json");
        try (PatchbayStorage a = PatchbayStorage.open(config())) {
            OwnerOnly.createDirectories(otherKeyset.getParent());
            Files.copy(keysetFile(), otherKeyset);
            // An instance given a copy of the keyset instead of the shared file: it never hears of a's new key.
            try (PatchbayStorage b = PatchbayStorage.open(TestStorage.sameDatabase(config(),
                    KeysetSource.file(otherKeyset)))) {
                String tenant = StoreFixtures.tenant();
                LinkedAccount old = Secrets.link(a, StoreFixtures.account(tenant), Secrets.newToken());
                long newKey = a.keyRotation().addPrimaryKey();
                LinkedAccount sealedWithNewKey = Secrets.link(a, StoreFixtures.account(tenant), Secrets.newToken());
                Secrets.link(a, StoreFixtures.account(tenant), Secrets.newToken());

                KeyRotation.Status status = b.keyRotation().status();
                assertThat(status.missingKeys()).containsExactly(new KeyRotation.MissingKey(newKey, 2));
                assertThat(status.secretsWithoutKey()).isEqualTo(2);
                assertThat(status.secretsNotOnPrimary()).isEqualTo(2);
                assertThat(Secrets.open(b, old)).isNotBlank();
                assertThatThrownBy(() -> Secrets.open(b, sealedWithNewKey))
                        .isInstanceOf(SecretUnavailableException.class)
                        .hasMessageContaining("sealed with key " + newKey);
                assertThat(a.keyRotation().status().missingKeys()).isEmpty();
            }
        }
    }
    /** An instance that reads the keyset file again only when it must: it goes on sealing with its primary key. */
    private PatchbayStorage staleInstance() {
        return PatchbayStorage.open(TestStorage.sameDatabase(config(), config().keyset()), Duration.ofHours(1));
    }

    /** Waits until {@code count} sessions of the test database wait for a lock (a row or an advisory lock). */
    private boolean awaitLockWaiters(int count, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        try (Connection c = DriverManager.getConnection(config().jdbcUrl(), "postgres", "");
             Statement st = c.createStatement()) {
            while (System.nanoTime() < deadline) {
                try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = "
                        + "current_database() AND wait_event_type = 'Lock'")) {
                    rs.next();
                    if (rs.getInt(1) >= count) {
                        return true;
                    }
                }
                Thread.sleep(20);
            }
        }
        return false;
    }

    @Test
    void aKeyIsNotRemovedWhileAnotherInstanceIsStoringASecretSealedWithIt() throws Exception {
        try (PatchbayStorage a = PatchbayStorage.open(config()); PatchbayStorage b = staleInstance()) {
            String tenant = StoreFixtures.tenant();
            LinkedAccount account = Secrets.link(a, StoreFixtures.account(tenant), Secrets.newToken());
            long oldKey = keyOf(a, account);
            long newKey = a.keyRotation().addPrimaryKey();
            a.keyRotation().reencryptAll(100);
            assertThat(keyOf(a, account)).isEqualTo(newKey);

            // b still seals with the old key, which no stored secret uses now. b's rotation of the account's
            // credentials waits behind a row lock (a tool, or another instance's re-encryption batch) while a removes
            // the unused keys.
            String token = Secrets.newToken();
            byte[] sealedOnB = Secrets.seal(b, account, token);
            assertThat(TinkSecretCipher.keyId(sealedOnB)).hasValue(oldKey);
            ExecutorService threads = Executors.newFixedThreadPool(2);
            try (Connection tool = DriverManager.getConnection(config().jdbcUrl(), "postgres", "")) {
                tool.setAutoCommit(false);
                try (Statement st = tool.createStatement()) {
                    st.executeQuery("SELECT id FROM linked_account WHERE id = '" + account.id() + "' FOR UPDATE")
                            .close();
                }
                Future<LinkedAccount> rotation = threads.submit(() -> b.accounts().update(account, sealedOnB));
                assertThat(awaitLockWaiters(1, Duration.ofSeconds(5))).as("b's write waits for the row").isTrue();
                Future<List<Long>> removal = threads.submit(() -> a.keyRotation().removeUnusedKeys());
                // The removal either finishes (nothing keeps it out) or waits for b's write.
                long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                while (!removal.isDone() && !awaitLockWaiters(2, Duration.ofMillis(100))
                        && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                tool.commit();

                rotation.get(10, TimeUnit.SECONDS);
                removal.get(10, TimeUnit.SECONDS);
            } finally {
                threads.shutdownNow();
            }

            assertThat(keysInFile()).as("the key of the stored secret is still in the file").contains(keyOf(a, account));
            assertThat(Secrets.open(a, account)).isEqualTo(token);
            assertThat(Secrets.open(b, account)).isEqualTo(token);
        }
        try (PatchbayStorage restarted = PatchbayStorage.open(config())) {
            assertThat(restarted.keyRotation().status().missingKeys()).isEmpty();
        }
    }

    @Test
    void aRemovalWaitingForTheKeysetFilesLockHoldsUpNoSecretWrite() throws Exception {
        try (PatchbayStorage a = PatchbayStorage.open(config()); PatchbayStorage b = PatchbayStorage.open(config())) {
            String tenant = StoreFixtures.tenant();
            LinkedAccount account = Secrets.link(a, StoreFixtures.account(tenant), Secrets.newToken());
            ExecutorService threads = Executors.newFixedThreadPool(1);
            // Another instance's key change holds the file's lock (or a process stuck on a network file system).
            ExclusiveFileLock fileLock = ExclusiveFileLock.tryAcquire(keysetFile().resolveSibling(
                    keysetFile().getFileName() + ".lock")).orElseThrow();
            try {
                Future<List<Long>> removal = threads.submit(() -> a.keyRotation().removeUnusedKeys());
                Thread.sleep(300);
                assertThat(removal).as("waiting for the file").isNotDone();

                String token = Secrets.newToken();
                long started = System.nanoTime();
                b.accounts().update(account, Secrets.seal(b, account, token));
                assertThat(Duration.ofNanos(System.nanoTime() - started)).as("b's write did not wait")
                        .isLessThan(Duration.ofSeconds(3));
                assertThat(Secrets.open(a, account)).isEqualTo(token);

                fileLock.close();
                assertThat(removal.get(10, TimeUnit.SECONDS)).isEmpty();
            } finally {
                fileLock.close();
                threads.shutdownNow();
            }
        }
    }

    @Test
    void aSecretSealedWithAKeyAnotherInstanceRemovedIsSealedAgainWithTheFilesPrimaryKey() throws Exception {
        try (PatchbayStorage a = PatchbayStorage.open(config()); PatchbayStorage b = staleInstance()) {
            String tenant = StoreFixtures.tenant();
            LinkedAccount old = Secrets.link(a, StoreFixtures.account(tenant), Secrets.newToken());
            long oldKey = keyOf(a, old);
            long newKey = a.keyRotation().addPrimaryKey();
            a.keyRotation().reencryptAll(100);
            assertThat(a.keyRotation().removeUnusedKeys()).containsExactly(oldKey);

            // b has not read the file since: it seals with the removed key and stores that.
            LinkedAccount account = StoreFixtures.account(tenant).build();
            String token = Secrets.newToken();
            byte[] sealedOnB = Secrets.seal(b, account, token);
            assertThat(TinkSecretCipher.keyId(sealedOnB)).hasValue(oldKey);
            b.accounts().insert(account, sealedOnB);

            assertThat(keyOf(a, account)).isEqualTo(newKey);
            assertThat(Secrets.open(a, account)).isEqualTo(token);
            assertThat(Secrets.open(b, account)).isEqualTo(token);
            assertThat(keysInFile()).containsExactly(newKey);
        }
        try (PatchbayStorage restarted = PatchbayStorage.open(config())) {
            assertThat(restarted.keyRotation().status().missingKeys()).isEmpty();
        }
    }

    @Test
    void aSecretSealedBeforeTheInstanceReadTheRemovalOfItsKeyIsSealedAgainNotRefused() throws Exception {
        try (PatchbayStorage a = PatchbayStorage.open(config()); PatchbayStorage b = staleInstance()) {
            String tenant = StoreFixtures.tenant();
            LinkedAccount account = Secrets.link(a, StoreFixtures.account(tenant), Secrets.newToken());
            long oldKey = keyOf(a, account);
            long newKey = a.keyRotation().addPrimaryKey();
            a.keyRotation().reencryptAll(100);
            String token = Secrets.newToken();
            byte[] sealedOnB = Secrets.seal(b, account, token);
            assertThat(a.keyRotation().removeUnusedKeys()).containsExactly(oldKey);
            // b reads the file between sealing the new credentials and storing them.
            assertThat(b.keyRotation().status().primaryKeyId()).isEqualTo(newKey);

            b.accounts().update(account, sealedOnB);

            assertThat(keyOf(a, account)).isEqualTo(newKey);
            assertThat(Secrets.open(a, account)).isEqualTo(token);
        }
    }

    @Test
    void reencryptionDoesNotStoreSecretsSealedWithAKeyAnotherInstanceRemovedMeanwhile() throws Exception {
        try (PatchbayStorage a = PatchbayStorage.open(config()); PatchbayStorage b = secondInstance()) {
            String tenant = StoreFixtures.tenant();
            LinkedAccount old = Secrets.link(a, StoreFixtures.account(tenant), Secrets.newToken());
            long oldKey = keyOf(a, old);
            long middleKey = a.keyRotation().addPrimaryKey();
            long[] newestKey = new long[1];
            // b seals the batch with the middle key; before it writes, a makes another key primary and removes the
            // middle one, which no stored secret uses yet.
            // The batch's first handle reads the rows, its second writes them.
            onNextHandle(b, true, () -> onNextHandle(b, true, () -> {
                newestKey[0] = a.keyRotation().addPrimaryKey();
                assertThat(a.keyRotation().removeUnusedKeys()).containsExactly(middleKey);
            }));

            assertThatThrownBy(() -> b.keyRotation().reencryptBatch(Optional.empty(), 100))
                    .isInstanceOf(KeysetChangedException.class)
                    .hasMessageContaining("primary key is " + newestKey[0]);
            assertThat(keyOf(a, old)).as("nothing written").isEqualTo(oldKey);

            assertThat(b.keyRotation().reencryptBatch(Optional.empty(), 100).reencrypted()).isEqualTo(1);
            assertThat(keyOf(a, old)).isEqualTo(newestKey[0]);
            assertThat(Secrets.open(a, old)).isNotBlank();
        }
    }
}
