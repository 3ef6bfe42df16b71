package io.patchbay.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import io.patchbay.core.account.LinkedAccount;
import io.patchbay.core.error.SecretUnavailableException;
import io.patchbay.testkit.store.StoreFixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The keyset lives outside the database, is created owner-only, and storage never starts without the right keys. */
class KeysetTest {
    @TempDir
    Path dir;

    @Test
    void theFirstStartCreatesAnOwnerOnlyKeysetAndSaysWhere() throws Exception {
        Path data = dir.resolve("data");
        try (Secrets.CapturedLogs logs = new Secrets.CapturedLogs();
             PatchbayStorage storage = PatchbayStorage.open(StorageConfig.embeddedDefault(data))) {
            Path keyset = data.resolve("keyset.json");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyset))).isEqualTo("rw-------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data))).isEqualTo("rwx------");
            assertThat(Keysets.keyIds(Files.readString(keyset))).hasSize(1);
            assertThat(logs.lines()).anyMatch(l -> l.contains("Generated a new keyset at " + keyset.toAbsolutePath()));
            assertThat(logs.lines()).anyMatch(l -> l.contains("Creating the SQLite database at " + data.toAbsolutePath()));
            assertThat(Files.list(data).map(p -> p.getFileName().toString()).toList())
                    .as("no temporary keyset file is left").noneMatch(n -> n.endsWith(".tmp"));
            assertThat(storage.ready()).isTrue();
        }
    }

    @Test
    void aDatabaseMissingBesideAnExistingKeysetIsWarnedAboutButStartsAsNew() throws Exception {
        Path data = dir.resolve("data");
        try (Secrets.CapturedLogs logs = new Secrets.CapturedLogs();
             PatchbayStorage first = PatchbayStorage.open(StorageConfig.embeddedDefault(data))) {
            assertThat(logs.lines()).noneMatch(l -> l.contains("No database at"));
        }
        for (String name : List.of("patchbay.db", "patchbay.db-wal", "patchbay.db-shm")) {
            Files.deleteIfExists(data.resolve(name));
        }
        try (Secrets.CapturedLogs logs = new Secrets.CapturedLogs();
             PatchbayStorage again = PatchbayStorage.open(StorageConfig.embeddedDefault(data))) {
            assertThat(logs.lines()).anyMatch(l -> l.startsWith("No database at "
                    + data.resolve("patchbay.db").toAbsolutePath()) && l.contains("database is missing"));
            assertThat(again.ready()).isTrue();
        }
    }

    /** Temporary keyset files a crash left beside the keyset (owner-only, holding key material), and two others. */
    private static List<Path> leftOvers(Path data) throws Exception {
        List<Path> files = List.of(data.resolve(".keyset.json-1234567.tmp"), data.resolve(".keyset-7654321.tmp"),
                data.resolve(".other-1234567.tmp"), data.resolve("keyset.json.bak"));
        for (Path file : files) {
            Files.writeString(file, "{\"primaryKeyId\":1}");
        }
        return files;
    }

    @Test
    void startingRemovesTemporaryKeysetFilesACrashLeftAndNothingElse() throws Exception {
        Path data = dir.resolve("data");
        try (PatchbayStorage storage = PatchbayStorage.open(StorageConfig.embeddedDefault(data))) {
            assertThat(storage.ready()).isTrue();
        }
        List<Path> files = leftOvers(data);

        try (PatchbayStorage storage = PatchbayStorage.open(StorageConfig.embeddedDefault(data))) {
            assertThat(files.get(0)).doesNotExist();
            assertThat(files.get(1)).doesNotExist();
            assertThat(files.get(2)).exists();
            assertThat(files.get(3)).exists();
        }
    }

    @Test
    void aKeysetChangeRemovesTemporaryKeysetFilesACrashLeftAndNothingElse() throws Exception {
        Path data = dir.resolve("data");
        try (PatchbayStorage storage = PatchbayStorage.open(StorageConfig.embeddedDefault(data))) {
            List<Path> files = leftOvers(data);

            long added = storage.keyRotation().addKey();

            assertThat(Keysets.keyIds(Files.readString(data.resolve("keyset.json")))).contains(added);
            assertThat(files.get(0)).doesNotExist();
            assertThat(files.get(1)).doesNotExist();
            assertThat(files.get(2)).exists();
            assertThat(files.get(3)).exists();
            assertThat(Files.list(data).map(p -> p.getFileName().toString()).toList())
                    .as("the change leaves no temporary file of its own").noneMatch(n -> n.startsWith(".keyset"));
        }
    }

    @Test
    void aSecondStartReusesTheKeysetAndOpensWhatTheFirstSealed() {
        Path data = dir.resolve("data");
        String token = Secrets.newToken();
        LinkedAccount account;
        try (PatchbayStorage storage = PatchbayStorage.open(StorageConfig.embeddedDefault(data))) {
            account = Secrets.link(storage, StoreFixtures.account(StoreFixtures.tenant()), token);
        }
        try (PatchbayStorage storage = PatchbayStorage.open(StorageConfig.embeddedDefault(data))) {
            assertThat(Secrets.open(storage, account)).isEqualTo(token);
        }
    }

    @Test
    void storageRefusesToStartWhenStoredSecretsNeedKeysTheKeysetLacks() throws Exception {
        Path data = dir.resolve("data");
        long oldKey;
        try (PatchbayStorage storage = PatchbayStorage.open(StorageConfig.embeddedDefault(data))) {
            String tenant = StoreFixtures.tenant();
            for (int i = 0; i < 3; i++) {
                Secrets.link(storage, StoreFixtures.account(tenant), Secrets.newToken());
            }
            oldKey = storage.keyRotation().status().primaryKeyId();
        }
        String otherKeyset = Keysets.generate();
        Files.writeString(data.resolve("keyset.json"), otherKeyset);

        assertThatThrownBy(() -> PatchbayStorage.open(StorageConfig.embeddedDefault(data)))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("Refusing to start: 3 stored secrets are sealed with key ids [" + oldKey + "]")
                .hasMessageContaining("does not contain (it has " + Keysets.keyIds(otherKeyset) + ")");
    }

    @Test
    void aKeysetFileReplacedByAnotherKeysetWhileRunningIsRefusedAndTheKeysInUseAreKept() throws Exception {
        Path data = dir.resolve("data");
        Path file = data.resolve("keyset.json");
        try (PatchbayStorage storage = PatchbayStorage.open(StorageConfig.embeddedDefault(data), Duration.ZERO);
             Secrets.CapturedLogs logs = new Secrets.CapturedLogs()) {
            String tenant = StoreFixtures.tenant();
            String firstToken = Secrets.newToken();
            LinkedAccount first = Secrets.link(storage, StoreFixtures.account(tenant), firstToken);
            long key = storage.keyRotation().status().primaryKeyId();
            String original = Files.readString(file);
            String other = Keysets.generate();
            Files.writeString(file, other);

            String secondToken = Secrets.newToken();
            LinkedAccount second = Secrets.link(storage, StoreFixtures.account(tenant), secondToken);

            long sealedWith = storage.database().read(h -> h.createQuery(
                    "SELECT secret_key_id FROM linked_account WHERE id = :id").bind("id", second.id())
                    .mapTo(Long.class).one());
            assertThat(sealedWith).as("still sealed with the key in use").isEqualTo(key);
            assertThat(Secrets.open(storage, first)).isEqualTo(firstToken);
            assertThat(storage.keyRotation().status().primaryKeyId()).isEqualTo(key);
            assertThat(storage.notReadyReason()).hasValueSatisfying(reason -> assertThat(reason)
                    .contains(file.toString(), "lacks key ids [" + key + "]"));
            assertThat(logs.lines()).filteredOn(line -> line.startsWith("Refusing the changed keyset"))
                    .singleElement().asString().contains(file.toString(), "[" + key + "]");
            assertThatThrownBy(() -> storage.keyRotation().addPrimaryKey())
                    .isInstanceOf(StorageException.class).hasMessageContaining("The keyset was not changed");
            assertThat(Files.readString(file)).isEqualTo(other);

            Files.writeString(file, original);
            assertThat(storage.notReadyReason()).isEmpty();
        }
        try (PatchbayStorage restarted = PatchbayStorage.open(StorageConfig.embeddedDefault(data))) {
            assertThat(restarted.ready()).isTrue();
        }
    }

    @Test
    void aKeysetFileThatDropsOnlyAKeyNoSecretUsesIsAdopted() throws Exception {
        Path data = dir.resolve("data");
        Path file = data.resolve("keyset.json");
        try (PatchbayStorage storage = PatchbayStorage.open(StorageConfig.embeddedDefault(data), Duration.ZERO)) {
            Secrets.link(storage, StoreFixtures.account(StoreFixtures.tenant()), Secrets.newToken());
            long used = storage.keyRotation().status().primaryKeyId();
            long unused = storage.keyRotation().addKey();
            Files.writeString(file, Keysets.removeKey(Files.readString(file), unused));

            assertThat(storage.keyRotation().status().keys()).extracting(KeyRotation.KeyUsage::keyId)
                    .containsExactly(used);
            assertThat(storage.notReadyReason()).isEmpty();
        }
    }

    @Test
    void storageRefusesToStartWhenTheKeysetFileIsGoneAndDoesNotMakeANewOne() throws Exception {
        Path data = dir.resolve("data");
        try (PatchbayStorage storage = PatchbayStorage.open(StorageConfig.embeddedDefault(data))) {
            Secrets.link(storage, StoreFixtures.account(StoreFixtures.tenant()), Secrets.newToken());
            Secrets.link(storage, StoreFixtures.account(StoreFixtures.tenant()), Secrets.newToken());
        }
        Files.delete(data.resolve("keyset.json"));

        assertThatThrownBy(() -> PatchbayStorage.open(StorageConfig.embeddedDefault(data)))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("is missing but the database holds 2 sealed secrets")
                .hasMessageContaining("Restore the keyset");
        assertThat(data.resolve("keyset.json")).doesNotExist();
    }

    @Test
    void aKeyWithTheRightIdButOtherKeyMaterialIsRefused() throws Exception {
        Path data = dir.resolve("data");
        long keyId;
        try (PatchbayStorage storage = PatchbayStorage.open(StorageConfig.embeddedDefault(data))) {
            Secrets.link(storage, StoreFixtures.account(StoreFixtures.tenant()), Secrets.newToken());
            keyId = storage.keyRotation().status().primaryKeyId();
        }
        KeysetHandle impostor = KeysetHandle.newBuilder()
                .addEntry(KeysetHandle.generateEntryFromParameters(PredefinedAeadParameters.AES256_GCM)
                        .withFixedId((int) keyId).makePrimary())
                .build();
        Files.writeString(data.resolve("keyset.json"),
                TinkJsonProtoKeysetFormat.serializeKeyset(impostor, InsecureSecretKeyAccess.get()));

        assertThatThrownBy(() -> PatchbayStorage.open(StorageConfig.embeddedDefault(data)))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("the keys [" + keyId + "]")
                .hasMessageContaining("do not open the secrets sealed under their ids");
    }

    /** Gives each account's row the ciphertext of the next one (the last takes the first's): none opens. */
    private static void shuffleSecrets(PatchbayStorage storage, List<String> ids) {
        storage.database().write(h -> {
            List<byte[]> secrets = ids.stream().map(id -> h.createQuery("SELECT secret FROM linked_account WHERE id = :id")
                    .bind("id", id).mapTo(byte[].class).one()).toList();
            for (int i = 0; i < ids.size(); i++) {
                h.execute("UPDATE linked_account SET secret = ? WHERE id = ?", secrets.get((i + 1) % ids.size()),
                        ids.get(i));
            }
            return null;
        });
    }

    private static long keyOf(PatchbayStorage storage, String accountId) {
        return storage.database().read(h -> h.createQuery("SELECT secret_key_id FROM linked_account WHERE id = :id")
                .bind("id", accountId).mapTo(Long.class).one());
    }

    /**
     * A row holding another account's ciphertext: re-encryption calls it unreadable and leaves it on the old key, the
     * only row that key still seals. The keyset is right, so the server starts, and names the account.
     */
    @Test
    void anAlteredRowLeftOnTheOldKeyAfterARotationDoesNotStopTheStart() throws Exception {
        Path data = dir.resolve("data");
        String tenant = StoreFixtures.tenant();
        LinkedAccount kept;
        LinkedAccount altered;
        long oldKey;
        String token = Secrets.newToken();
        try (PatchbayStorage storage = PatchbayStorage.open(StorageConfig.embeddedDefault(data))) {
            LinkedAccount first = Secrets.link(storage, StoreFixtures.account(tenant), token);
            LinkedAccount second = Secrets.link(storage, StoreFixtures.account(tenant), Secrets.newToken());
            kept = first.id().compareTo(second.id()) < 0 ? first : second;
            altered = kept == first ? second : first;
            storage.database().write(h -> h.execute("UPDATE linked_account SET secret = (SELECT secret FROM "
                    + "linked_account WHERE id = ?) WHERE id = ?", kept.id(), altered.id()));
            oldKey = storage.keyRotation().status().primaryKeyId();
            storage.keyRotation().addPrimaryKey();
            assertThat(storage.keyRotation().reencryptAll().unreadable()).containsExactly(altered.id());
        }

        try (Secrets.CapturedLogs logs = new Secrets.CapturedLogs();
             PatchbayStorage storage = PatchbayStorage.open(StorageConfig.embeddedDefault(data))) {
            assertThat(keyOf(storage, altered.id())).as("the altered row keeps the old key").isEqualTo(oldKey);
            assertThat(keyOf(storage, kept.id())).isNotEqualTo(oldKey);
            assertThat(logs.lines()).anyMatch(l -> l.contains("The stored secrets of accounts [" + altered.id()
                    + "] do not open"));
            assertThat(logs.lines()).noneMatch(l -> l.contains(token));
            assertThat(Secrets.open(storage, kept)).isEqualTo(token);
            assertThat(storage.ready()).isTrue();
        }
    }

    /** Altered rows first in id order, beyond a handful, and a row that opens after them: the key is right. */
    @Test
    void aKeyThatOpensARowAfterSeveralAlteredOnesIsAccepted() throws Exception {
        Path data = dir.resolve("data");
        List<String> ids;
        try (PatchbayStorage storage = PatchbayStorage.open(StorageConfig.embeddedDefault(data))) {
            String tenant = StoreFixtures.tenant();
            for (int i = 0; i < 6; i++) {
                Secrets.link(storage, StoreFixtures.account(tenant), Secrets.newToken());
            }
            ids = storage.database().read(h -> h.createQuery("SELECT id FROM linked_account ORDER BY id")
                    .mapTo(String.class).list());
            shuffleSecrets(storage, ids.subList(0, 5));
        }

        try (Secrets.CapturedLogs logs = new Secrets.CapturedLogs();
             PatchbayStorage storage = PatchbayStorage.open(StorageConfig.embeddedDefault(data))) {
            assertThat(storage.ready()).isTrue();
            assertThat(logs.lines()).anyMatch(l -> l.contains("The stored secrets of accounts "
                    + ids.subList(0, 5) + " do not open"));
        }
    }

    /**
     * Another key opening its secrets does not excuse a key that opens none of as many as the check tries: that key is
     * wrong, and the message says how many were tried.
     */
    @Test
    void aKeyOpeningNoneOfTheSecretsTriedIsRefusedEvenWhenAnotherKeyOpens() throws Exception {
        Path data = dir.resolve("data");
        long oldKey;
        try (PatchbayStorage storage = PatchbayStorage.open(StorageConfig.embeddedDefault(data))) {
            String tenant = StoreFixtures.tenant();
            for (int i = 0; i < PatchbayStorage.KEY_CHECK_ROWS + 1; i++) {
                Secrets.link(storage, StoreFixtures.account(tenant), Secrets.newToken());
            }
            List<String> ids = storage.database().read(h -> h.createQuery("SELECT id FROM linked_account ORDER BY id")
                    .mapTo(String.class).list());
            shuffleSecrets(storage, ids);
            oldKey = storage.keyRotation().status().primaryKeyId();
            storage.keyRotation().addPrimaryKey();
            Secrets.link(storage, StoreFixtures.account(tenant), Secrets.newToken());
        }

        assertThatThrownBy(() -> PatchbayStorage.open(StorageConfig.embeddedDefault(data)))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("the keys [" + oldKey + "]")
                .hasMessageContaining("do not open the secrets sealed under their ids (tried per key, in account id "
                        + "order: [" + PatchbayStorage.KEY_CHECK_ROWS + "] secrets, at most "
                        + PatchbayStorage.KEY_CHECK_ROWS + ", none opened)");
    }

    @Test
    void withoutAKeysetAndWithoutGenerationStorageDoesNotStart() {
        StorageConfig config = new StorageConfig("jdbc:sqlite:" + dir.resolve("p.db"), Optional.empty(),
                Optional.empty(), KeysetSource.file(dir.resolve("absent.json")), false, 2);

        assertThatThrownBy(() -> PatchbayStorage.open(config))
                .isInstanceOf(StorageException.class)
                .hasMessage("The keyset file " + dir.resolve("absent.json").toAbsolutePath() + " does not exist. "
                        + "Create one with io.patchbay.storage.Keysets.generate() (write the JSON it returns to that "
                        + "file, readable by the owner only), or set generateKeyset to create it on a first start.");
    }

    @Test
    void aMissingKeysetSaysWhatToDoInTheHostsOwnTerms() {
        StorageConfig config = new StorageConfig("jdbc:sqlite:" + dir.resolve("p.db"), Optional.empty(),
                Optional.empty(), KeysetSource.file(dir.resolve("absent.json")), false, 2)
                .withMissingKeysetHint("Create one with `java -jar patchbay-server.jar new-keyset`.");

        assertThatThrownBy(() -> PatchbayStorage.open(config))
                .isInstanceOf(StorageException.class)
                .hasMessage("The keyset file " + dir.resolve("absent.json").toAbsolutePath() + " does not exist. "
                        + "Create one with `java -jar patchbay-server.jar new-keyset`.");
        assertThat(dir.resolve("absent.json")).doesNotExist();
    }

    @Test
    void unusableKeysetsAreRefusedWithTheReason() throws Exception {
        Path file = dir.resolve("keyset.json");
        StorageConfig config = new StorageConfig("jdbc:sqlite:" + dir.resolve("p.db"), Optional.empty(),
                Optional.empty(), KeysetSource.file(file), false, 2);

        Files.writeString(file, "{not json");
        assertThatThrownBy(() -> PatchbayStorage.open(config)).isInstanceOf(StorageException.class)
                .hasMessageContaining("not a Tink JSON keyset");

        KeysetHandle aes128 = KeysetHandle.generateNew(PredefinedAeadParameters.AES128_GCM);
        Files.writeString(file, TinkJsonProtoKeysetFormat.serializeKeyset(aes128, InsecureSecretKeyAccess.get()));
        assertThatThrownBy(() -> PatchbayStorage.open(config)).isInstanceOf(StorageException.class)
                .hasMessageContaining("must be AES-256-GCM with output prefix TINK, is 128 bit");

        // A ChaCha20-Poly1305 key, written by hand: a valid keyset of another AEAD type.
        byte[] chachaKey = new byte[34];
        chachaKey[0] = 0x1a;
        chachaKey[1] = 32;
        Files.writeString(file, "{\"primaryKeyId\":1234,\"key\":[{\"keyData\":{\"typeUrl\":"
                + "\"type.googleapis.com/google.crypto.tink.ChaCha20Poly1305Key\",\"value\":\""
                + java.util.Base64.getEncoder().encodeToString(chachaKey) + "\",\"keyMaterialType\":\"SYMMETRIC\"},"
                + "\"status\":\"ENABLED\",\"keyId\":1234,\"outputPrefixType\":\"TINK\"}]}");
        assertThatThrownBy(() -> PatchbayStorage.open(config)).isInstanceOf(StorageException.class)
                .hasMessageContaining("key 1234 is not an AES-GCM key");
    }

    @Test
    void aCiphertextMovedToAnotherAccountOrAlteredDoesNotOpen() {
        try (PatchbayStorage storage = PatchbayStorage.open(StorageConfig.embeddedDefault(dir.resolve("data")))) {
            String tenant = StoreFixtures.tenant();
            LinkedAccount a = Secrets.link(storage, StoreFixtures.account(tenant), Secrets.newToken());
            LinkedAccount b = Secrets.link(storage, StoreFixtures.account(tenant), Secrets.newToken());
            byte[] secretA = storage.accounts().sealedSecret(tenant, a.id()).orElseThrow();
            byte[] secretB = storage.accounts().sealedSecret(tenant, b.id()).orElseThrow();
            // Swap the stored ciphertexts, as someone with write access to the database could.
            storage.database().write(h -> {
                h.createUpdate("UPDATE linked_account SET secret = :s WHERE id = :id").bind("s", secretB)
                        .bind("id", a.id()).execute();
                h.createUpdate("UPDATE linked_account SET secret = :s WHERE id = :id").bind("s", secretA)
                        .bind("id", b.id()).execute();
                return null;
            });

            assertThatThrownBy(() -> Secrets.open(storage, a)).isInstanceOf(SecretUnavailableException.class)
                    .hasMessageContaining("altered, or it belongs to another account");
            assertThatThrownBy(() -> Secrets.open(storage, b)).isInstanceOf(SecretUnavailableException.class);

            byte[] flipped = secretA.clone();
            flipped[flipped.length - 1] ^= 1;
            storage.database().write(h -> h.createUpdate("UPDATE linked_account SET secret = :s WHERE id = :id")
                    .bind("s", flipped).bind("id", a.id()).execute());
            assertThatThrownBy(() -> Secrets.open(storage, a)).isInstanceOf(SecretUnavailableException.class);
        }
    }

    @Test
    void onlyCiphertextsOfTheKeysetAreStoredNeverPlaintext() {
        try (PatchbayStorage storage = PatchbayStorage.open(StorageConfig.embeddedDefault(dir.resolve("data")))) {
            LinkedAccount a = StoreFixtures.account(StoreFixtures.tenant()).build();
            byte[] plaintext = "tok_plaintext_that_must_not_be_stored".getBytes(StandardCharsets.UTF_8);
            byte[] otherKeyset = new io.patchbay.testkit.memory.TestCipher().seal(plaintext, new byte[0]);

            for (byte[] bad : List.of(plaintext, otherKeyset)) {
                assertThatThrownBy(() -> storage.accounts().insert(a, bad))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("sealedSecret: not sealed by a key of the configured keyset");
            }
            assertThat(storage.accounts().find(a.tenantId(), a.id())).isEmpty();
        }
    }

    @Test
    void plaintextBehindACopiedKeyPrefixOrAnotherAccountsCiphertextIsNotStored() {
        try (PatchbayStorage storage = PatchbayStorage.open(StorageConfig.embeddedDefault(dir.resolve("data")))) {
            String tenant = StoreFixtures.tenant();
            LinkedAccount a = StoreFixtures.account(tenant).build();
            LinkedAccount other = Secrets.link(storage, StoreFixtures.account(tenant), Secrets.newToken());
            byte[] realCiphertext = storage.accounts().sealedSecret(tenant, other.id()).orElseThrow();
            // The five bytes that name the primary key, then plaintext: it looks like a ciphertext of the keyset.
            byte[] prefixed = java.util.Arrays.copyOf(realCiphertext, 5 + 40);
            System.arraycopy("tok_plaintext_behind_a_copied_key_prefix".getBytes(StandardCharsets.UTF_8), 0,
                    prefixed, 5, 40);
            byte[] forOtherAccount = Secrets.seal(storage, other, Secrets.newToken());

            for (byte[] bad : List.of(prefixed, forOtherAccount, realCiphertext)) {
                assertThatThrownBy(() -> storage.accounts().insert(a, bad))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("sealedSecret: does not open for account " + a.id());
                assertThatThrownBy(() -> storage.accounts().update(other.withLabel("x", StoreFixtures.T0),
                        Secrets.seal(storage, a, "t")))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("sealedSecret: does not open for account " + other.id());
            }
            assertThat(storage.accounts().find(tenant, a.id())).isEmpty();
            assertThat(storage.accounts().sealedSecret(tenant, other.id())).contains(realCiphertext);
        }
    }

    @Test
    void aKeysetFromTheEnvironmentIsUsedButNotChangedByTheServer() {
        Path db = dir.resolve("p.db");
        String json = Keysets.generate();
        StorageConfig config = new StorageConfig("jdbc:sqlite:" + db, Optional.empty(), Optional.empty(),
                new KeysetSource.Json("environment variable PATCHBAY_KEYSET", json), false, 2);
        String token = Secrets.newToken();
        LinkedAccount account;
        try (PatchbayStorage storage = PatchbayStorage.open(config)) {
            account = Secrets.link(storage, StoreFixtures.account(StoreFixtures.tenant()), token);
            KeyRotation.Status status = storage.keyRotation().status();
            assertThat(status.writable()).isFalse();
            assertThat(status.keyset()).isEqualTo("environment variable PATCHBAY_KEYSET");
            assertThatThrownBy(() -> storage.keyRotation().addPrimaryKey())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("comes from environment variable PATCHBAY_KEYSET and cannot be changed");
        }
        // The operator's procedure: a new primary key with Keysets, deploy, restart, re-encrypt, drop the old key.
        String rotated = Keysets.addPrimaryKey(json);
        long oldKey = Keysets.keyIds(json).iterator().next();
        try (PatchbayStorage storage = PatchbayStorage.open(TestStorage.sameDatabase(config,
                new KeysetSource.Json("environment variable PATCHBAY_KEYSET", rotated)))) {
            assertThat(Secrets.open(storage, account)).isEqualTo(token);
            assertThat(storage.keyRotation().reencryptAll(100).reencrypted()).isEqualTo(1);
            assertThat(storage.keyRotation().status().secretsNotOnPrimary()).isZero();
        }
        String trimmed = Keysets.removeKey(rotated, oldKey);
        try (PatchbayStorage storage = PatchbayStorage.open(TestStorage.sameDatabase(config,
                new KeysetSource.Json("environment variable PATCHBAY_KEYSET", trimmed)))) {
            assertThat(Secrets.open(storage, account)).isEqualTo(token);
        }
        assertThat(new KeysetSource.Json("env", json).toString()).doesNotContain(json).contains("***");
    }

    @Test
    void aTwoPhaseRolloutLetsAnOldInstanceOpenWhatANewOneSeals() {
        // Instances running side by side share a PostgreSQL database: SQLite serves one process.
        String database = EmbeddedPostgresServer.newDatabase();
        String original = Keysets.generate();
        long oldKey = Keysets.primaryKeyId(original);
        String phaseOne = Keysets.addKey(original);
        long newKey = Keysets.keyIds(phaseOne).stream().filter(id -> id != oldKey).findFirst().orElseThrow();
        assertThat(Keysets.primaryKeyId(phaseOne)).as("the added key is not primary yet").isEqualTo(oldKey);
        String phaseTwo = Keysets.makePrimary(phaseOne, newKey);
        assertThat(Keysets.primaryKeyId(phaseTwo)).isEqualTo(newKey);

        StorageConfig phaseOneConfig = new StorageConfig(database, Optional.of("postgres"), Optional.empty(),
                new KeysetSource.Json("environment variable PATCHBAY_KEYSET", phaseOne), false, 2);
        StorageConfig phaseTwoConfig = TestStorage.sameDatabase(phaseOneConfig,
                new KeysetSource.Json("environment variable PATCHBAY_KEYSET", phaseTwo));
        String token = Secrets.newToken();
        try (PatchbayStorage upgraded = PatchbayStorage.open(phaseTwoConfig);
             PatchbayStorage notYetUpgraded = PatchbayStorage.open(phaseOneConfig)) {
            LinkedAccount account = Secrets.link(upgraded, StoreFixtures.account(StoreFixtures.tenant()), token);
            assertThat(upgraded.keyRotation().status().primaryKeyId()).isEqualTo(newKey);
            assertThat(Secrets.open(notYetUpgraded, account)).isEqualTo(token);
        }
        assertThatThrownBy(() -> Keysets.makePrimary(phaseOne, 42))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has no key 42");
    }

    @Test
    void aKeysetFileThatCannotBeReadSaysWhyInWords() throws Exception {
        // As root no permission is refused, so the exceptions the JDK throws for them are given here.
        assertThat(KeysetStore.why(new java.nio.file.AccessDeniedException("/etc/patchbay/keyset.json")))
                .startsWith("permission denied for the user the server runs as");
        assertThat(KeysetStore.why(new java.nio.file.NoSuchFileException("/etc/patchbay/keyset.json")))
                .isEqualTo("no such file or folder: /etc/patchbay/keyset.json");
        assertThat(KeysetStore.why(new java.nio.file.FileSystemException("/k", null, "Read-only file system")))
                .isEqualTo("Read-only file system (/k)");

        Path folder = dir.resolve("keyset-is-a-folder.json");
        Files.createDirectories(folder);
        assertThatThrownBy(() -> new KeysetStore(new KeysetSource.File(folder)).read())
                .isInstanceOf(StorageException.class)
                .hasMessageStartingWith("Cannot read the keyset ")
                .hasMessageNotContaining(": " + folder + ": " + folder);
    }
}
