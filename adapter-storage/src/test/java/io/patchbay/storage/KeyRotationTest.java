package io.patchbay.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patchbay.core.account.LinkedAccount;
import io.patchbay.testkit.store.StoreFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Online key rotation on both databases: no read fails, no concurrent update is lost, unused keys go. */
class KeyRotationTest {

    abstract static class Scenario {
        @TempDir
        Path dir;

        abstract StorageConfig config();

        private StorageConfig config;

        StorageConfig sharedConfig() {
            if (config == null) {
                config = config();
            }
            return config;
        }

        Path keysetFile() {
            return ((KeysetSource.File) sharedConfig().keyset()).path();
        }

        @Test
        void readsNeverFailWhileSecretsAreReencryptedAndTheOldKeyIsRemoved() throws Exception {
            int accounts = 60;
            String tenant = StoreFixtures.tenant();
            List<AtomicReference<LinkedAccount>> current = new ArrayList<>();
            Map<String, Set<String>> issued = new ConcurrentHashMap<>();
            Map<String, String> latest = new ConcurrentHashMap<>();
            List<String> allTokens = new ArrayList<>();
            try (Secrets.CapturedLogs logs = new Secrets.CapturedLogs();
                 PatchbayStorage storage = PatchbayStorage.open(sharedConfig())) {
                for (int i = 0; i < accounts; i++) {
                    String token = Secrets.newToken();
                    LinkedAccount a = Secrets.link(storage, StoreFixtures.account(tenant), token);
                    current.add(new AtomicReference<>(a));
                    issued.put(a.id(), ConcurrentHashMap.newKeySet());
                    issued.get(a.id()).add(token);
                    latest.put(a.id(), token);
                    allTokens.add(token);
                }
                long oldKey = storage.keyRotation().status().primaryKeyId();
                AtomicBoolean stop = new AtomicBoolean();
                AtomicInteger reads = new AtomicInteger();
                AtomicInteger writes = new AtomicInteger();
                ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
                List<Thread> threads = new ArrayList<>();
                for (int r = 0; r < 3; r++) {
                    threads.add(new Thread(() -> {
                        while (!stop.get()) {
                            LinkedAccount a = current.get(ThreadLocalRandom.current().nextInt(accounts)).get();
                            try {
                                String token = Secrets.open(storage, a);
                                if (!issued.get(a.id()).contains(token)) {
                                    failures.add(new AssertionError("unexpected token for " + a.id()));
                                }
                                reads.incrementAndGet();
                            } catch (Throwable t) {
                                failures.add(t);
                            }
                        }
                    }));
                }
                // Credential updates go on meanwhile; the re-encryption must not overwrite any of them.
                threads.add(new Thread(() -> {
                    while (!stop.get()) {
                        AtomicReference<LinkedAccount> ref = current.get(ThreadLocalRandom.current().nextInt(10));
                        synchronized (ref) {
                            LinkedAccount a = ref.get();
                            String token = Secrets.newToken();
                            issued.get(a.id()).add(token);
                            try {
                                ref.set(storage.accounts().update(a.withLabel("w" + writes.get(), a.updatedAt()),
                                        Secrets.seal(storage, a, token)));
                                latest.put(a.id(), token);
                                synchronized (allTokens) {
                                    allTokens.add(token);
                                }
                                writes.incrementAndGet();
                            } catch (Throwable t) {
                                failures.add(t);
                            }
                        }
                    }
                }));
                threads.forEach(Thread::start);
                Thread.sleep(100);

                long newKey = storage.keyRotation().addPrimaryKey();
                List<Long> removed = List.of();
                for (int attempt = 0; attempt < 10 && removed.isEmpty(); attempt++) {
                    storage.keyRotation().reencryptAll(7);
                    removed = storage.keyRotation().removeUnusedKeys();
                }
                Thread.sleep(100);
                stop.set(true);
                for (Thread t : threads) {
                    t.join(30_000);
                }

                assertThat(failures).isEmpty();
                assertThat(reads.get()).isPositive();
                assertThat(writes.get()).isPositive();
                assertThat(removed).containsExactly(oldKey);
                KeyRotation.Status status = storage.keyRotation().status();
                assertThat(status.keys()).containsExactly(new KeyRotation.KeyUsage(newKey, true, accounts));
                for (AtomicReference<LinkedAccount> ref : current) {
                    assertThat(Secrets.open(storage, ref.get())).isEqualTo(latest.get(ref.get().id()));
                }
                assertThat(Keysets.keyIds(Files.readString(keysetFile()))).containsExactly(newKey);
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keysetFile())))
                        .isEqualTo("rw-------");
                List<String> lines = logs.lines();
                assertThat(lines).anyMatch(l -> l.contains("Removed unused keys [" + oldKey + "]"));
                synchronized (allTokens) {
                    for (String token : allTokens) {
                        assertThat(lines).noneMatch(l -> l.contains(token));
                    }
                }
            }
            try (PatchbayStorage reopened = PatchbayStorage.open(sharedConfig())) {
                for (AtomicReference<LinkedAccount> ref : current) {
                    assertThat(Secrets.open(reopened, ref.get())).isEqualTo(latest.get(ref.get().id()));
                }
            }
        }

        @Test
        void keysStillInUseAreKeptAndStatusCountsSecretsPerKey() throws Exception {
            try (PatchbayStorage storage = PatchbayStorage.open(sharedConfig())) {
                String tenant = StoreFixtures.tenant();
                LinkedAccount a = Secrets.link(storage, StoreFixtures.account(tenant), Secrets.newToken());
                long oldKey = storage.keyRotation().status().primaryKeyId();
                long newKey = storage.keyRotation().addPrimaryKey();
                LinkedAccount b = Secrets.link(storage, StoreFixtures.account(tenant), Secrets.newToken());

                assertThat(storage.keyRotation().removeUnusedKeys()).isEmpty();
                KeyRotation.Status status = storage.keyRotation().status();
                assertThat(status.primaryKeyId()).isEqualTo(newKey);
                assertThat(status.keys()).containsExactlyInAnyOrder(new KeyRotation.KeyUsage(oldKey, false, 1),
                        new KeyRotation.KeyUsage(newKey, true, 1));
                assertThat(status.secretsNotOnPrimary()).isEqualTo(1);
                assertThat(Keysets.keyIds(Files.readString(keysetFile()))).containsExactlyInAnyOrder(oldKey, newKey);

                KeyRotation.Batch batch = storage.keyRotation().reencryptBatch(Optional.empty(), 10);
                assertThat(batch.reencrypted()).isEqualTo(1);
                assertThat(batch.nextCursor()).isEmpty();
                assertThat(storage.keyRotation().removeUnusedKeys()).containsExactly(oldKey);
                assertThat(Secrets.open(storage, a)).isNotBlank();
                assertThat(Secrets.open(storage, b)).isNotBlank();
                assertThatThrownBy(() -> storage.keyRotation().makePrimary(oldKey))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("keyId: the keyset has no key " + oldKey);
            }
        }

        @Test
        void aNewKeyOpensSecretsBeforeItBecomesPrimary() throws Exception {
            try (PatchbayStorage storage = PatchbayStorage.open(sharedConfig())) {
                long first = storage.keyRotation().status().primaryKeyId();
                long added = storage.keyRotation().addKey();
                LinkedAccount a = Secrets.link(storage, StoreFixtures.account(StoreFixtures.tenant()), Secrets.newToken());

                assertThat(storage.keyRotation().status().primaryKeyId()).isEqualTo(first);
                assertThat(storage.accounts().sealedSecret(a.tenantId(), a.id()).map(TinkSecretCipher::keyId)
                        .orElseThrow().getAsLong()).isEqualTo(first);
                storage.keyRotation().makePrimary(added);
                LinkedAccount b = Secrets.link(storage, StoreFixtures.account(StoreFixtures.tenant()), Secrets.newToken());
                assertThat(storage.accounts().sealedSecret(b.tenantId(), b.id()).map(TinkSecretCipher::keyId)
                        .orElseThrow().getAsLong()).isEqualTo(added);
            }
        }
    }

    @Nested
    class OnSqlite extends Scenario {
        @Override
        StorageConfig config() {
            return TestStorage.sqlite(dir.resolve("data"));
        }
    }

    @Nested
    class OnPostgres extends Scenario {
        @Override
        StorageConfig config() {
            return TestStorage.postgres(dir);
        }

        @Test
        void anotherInstanceSharingTheKeysetFileOpensSecretsSealedWithTheNewKey() {
            try (PatchbayStorage a = PatchbayStorage.open(sharedConfig());
                 PatchbayStorage b = PatchbayStorage.open(TestStorage.sameDatabase(sharedConfig(),
                         sharedConfig().keyset()))) {
                String token = Secrets.newToken();
                LinkedAccount account = Secrets.link(a, StoreFixtures.account(StoreFixtures.tenant()), token);
                a.keyRotation().addPrimaryKey();
                a.keyRotation().reencryptAll(100);

                assertThat(Secrets.open(b, account)).isEqualTo(token);
            }
        }
    }
}
