package io.patchbay.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patchbay.core.account.LinkedAccount;
import io.patchbay.core.error.SecretUnavailableException;
import io.patchbay.testkit.store.StoreFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
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
}
