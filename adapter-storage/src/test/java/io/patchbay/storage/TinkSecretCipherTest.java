package io.patchbay.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patchbay.core.error.SecretUnavailableException;
import io.patchbay.core.secret.SecretCipher;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cipher on a keyset file that another instance may change: how often it reads the file for unknown keys. */
class TinkSecretCipherTest {
    private static final byte[] PLAIN = "token".getBytes(StandardCharsets.UTF_8);
    private static final byte[] AD = SecretCipher.associatedData("tenant", "account");

    @TempDir
    Path dir;

    /** The keyset this instance starts with, and two keys another instance adds to the shared file later. */
    private record Shared(Path file, String loaded, String later, byte[] underFirst, byte[] underSecond) {
    }

    private Shared shared() throws Exception {
        Path file = dir.resolve("keyset.json");
        String loaded = Keysets.generate();
        Files.writeString(file, loaded);
        String withFirst = Keysets.addPrimaryKey(loaded);
        String later = Keysets.addPrimaryKey(withFirst);
        return new Shared(file, loaded, later, seal(withFirst), seal(later));
    }

    private static byte[] seal(String keysetJson) throws Exception {
        return Keysets.aead(Keysets.parse(keysetJson, "test")).encrypt(PLAIN, AD);
    }

    private static TinkSecretCipher cipher(Shared shared, Duration recheck) {
        return new TinkSecretCipher(new KeysetStore(KeysetSource.file(shared.file())),
                Keysets.parse(shared.loaded(), "test"), recheck, ids -> java.util.Map.of());
    }

    @Test
    void aKeyTheFileLackedIsNotLookedForInTheFileAgainWithinTheRecheckInterval() throws Exception {
        Shared shared = shared();
        TinkSecretCipher cipher = cipher(shared, Duration.ofHours(1));
        assertThatThrownBy(() -> cipher.open(shared.underFirst(), AD))
                .isInstanceOf(SecretUnavailableException.class);

        Files.writeString(shared.file(), shared.later());

        // Reads of a secret under the missing key do not each read and parse the file again...
        assertThatThrownBy(() -> cipher.open(shared.underFirst(), AD))
                .isInstanceOf(SecretUnavailableException.class)
                .hasMessageContaining("which the configured keyset");
        // ...but a key not looked for yet is: a secret another instance just sealed with a new key opens at once.
        assertThat(cipher.open(shared.underSecond(), AD)).isEqualTo(PLAIN);
        assertThat(cipher.open(shared.underFirst(), AD)).isEqualTo(PLAIN);
    }

    @Test
    void aKeyTheFileLackedIsLookedForAgainOnceTheIntervalPassed() throws Exception {
        Shared shared = shared();
        TinkSecretCipher cipher = cipher(shared, Duration.ZERO);
        assertThatThrownBy(() -> cipher.open(shared.underFirst(), AD))
                .isInstanceOf(SecretUnavailableException.class);

        Files.writeString(shared.file(), shared.later());

        assertThat(cipher.open(shared.underFirst(), AD)).isEqualTo(PLAIN);
    }
}
