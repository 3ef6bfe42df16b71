package io.patchbay.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StorageConfigTest {
    private static final KeysetSource KEYS = KeysetSource.file(Path.of("k.json"));

    @Test
    void theEmbeddedDefaultIsASqliteFileAndAGeneratedKeysetInTheDataDirectory() {
        StorageConfig config = StorageConfig.embeddedDefault(Path.of("data"));

        assertThat(config.jdbcUrl()).isEqualTo("jdbc:sqlite:" + Path.of("data", "patchbay.db"));
        assertThat(config.keyset()).isEqualTo(KeysetSource.file(Path.of("data", "keyset.json")));
        assertThat(config.generateKeyset()).isTrue();
        assertThat(config.missingKeysetHint()).isEqualTo(StorageConfig.DEFAULT_MISSING_KEYSET_HINT);
    }

    @Test
    void aHostsMissingKeysetHintChangesNothingElse() {
        StorageConfig config = new StorageConfig("jdbc:sqlite:x.db", Optional.empty(), Optional.empty(), KEYS, false,
                3);

        StorageConfig hinted = config.withMissingKeysetHint("Run the host's new-keyset command.");

        assertThat(hinted.missingKeysetHint()).isEqualTo("Run the host's new-keyset command.");
        assertThat(hinted).isEqualTo(new StorageConfig(config.jdbcUrl(), config.user(), config.password(),
                config.keyset(), config.generateKeyset(), config.poolSize(), "Run the host's new-keyset command."));
    }

    @Test
    void statementsAreBoundTo30SecondsUnlessTheHostSetsAnotherTimeout() {
        StorageConfig config = new StorageConfig("jdbc:postgresql://db/x", Optional.empty(), Optional.empty(), KEYS,
                false, 3).withMissingKeysetHint("Run the host's new-keyset command.");
        assertThat(config.statementTimeout()).isEqualTo(Duration.ofSeconds(30));

        StorageConfig bounded = config.withStatementTimeout(Duration.ofSeconds(5));

        assertThat(bounded).isEqualTo(new StorageConfig(config.jdbcUrl(), config.user(), config.password(),
                config.keyset(), config.generateKeyset(), config.poolSize(), config.missingKeysetHint(),
                Duration.ofSeconds(5)));
        assertThat(bounded.withMissingKeysetHint("Other hint.").statementTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(bounded.toString()).contains("statementTimeout=PT5S");
        assertThatThrownBy(() -> config.withStatementTimeout(Duration.ZERO))
                .hasMessage("statementTimeout: must be at least 1 ms (0 would let a statement run without limit), "
                        + "got PT0S");
        assertThatThrownBy(() -> config.withStatementTimeout(Duration.ofMillis(-5)))
                .hasMessageStartingWith("statementTimeout: must be at least 1 ms");
    }

    @Test
    void badSettingsAreRefusedNamingTheField() {
        assertThatThrownBy(() -> new StorageConfig("jdbc:mysql://db/x", Optional.empty(), Optional.empty(), KEYS,
                false, 4)).hasMessageStartingWith("jdbcUrl: must start with jdbc:sqlite: or jdbc:postgresql:");
        assertThatThrownBy(() -> new StorageConfig("jdbc:sqlite::memory:", Optional.empty(), Optional.empty(), KEYS,
                false, 4)).hasMessageStartingWith("jdbcUrl: SQLite needs a database file path");
        assertThatThrownBy(() -> new StorageConfig("jdbc:sqlite:", Optional.empty(), Optional.empty(), KEYS,
                false, 4)).hasMessageStartingWith("jdbcUrl: SQLite needs a database file path");
        assertThatThrownBy(() -> new StorageConfig("jdbc:sqlite:x.db", Optional.empty(), Optional.empty(), KEYS,
                false, 0)).hasMessage("poolSize: must be between 1 and 64, got 0");
        assertThatThrownBy(() -> new StorageConfig("jdbc:sqlite:x.db", Optional.empty(), Optional.empty(),
                new KeysetSource.Json("environment variable K", "{}"), true, 4))
                .hasMessageStartingWith("generateKeyset: only a keyset file can be generated");
        assertThatThrownBy(() -> StorageConfig.embeddedDefault(Path.of("data")).withMissingKeysetHint(" "))
                .hasMessage("missingKeysetHint: must say what to do, got a blank text");
        assertThatThrownBy(() -> KeysetSource.environment("PATCHBAY_TEST_SURELY_UNSET_VARIABLE"))
                .hasMessageContaining("environment variable PATCHBAY_TEST_SURELY_UNSET_VARIABLE is not set");
    }

    @Test
    void passwordsAreNeverPrinted() {
        StorageConfig config = new StorageConfig("jdbc:postgresql://db/patchbay?user=pb&password=hunter2secret",
                Optional.of("pb"), Optional.of("s3cr3t-password"), KEYS, false, 4);

        assertThat(config.toString()).doesNotContain("hunter2secret").doesNotContain("s3cr3t-password")
                .contains("password=***");
    }

    @Test
    void aPasswordInTheUrlsUserInformationIsNeverPrinted() {
        StorageConfig config = new StorageConfig("jdbc:postgresql://pb:hunter2secret@127.0.0.1:1/patchbay",
                Optional.empty(), Optional.empty(), KEYS, false, 1);

        assertThat(config.toString()).doesNotContain("hunter2secret").contains("//pb:***@127.0.0.1:1/patchbay");
        // The pool refuses this URL and quotes it (or its user information) in its error.
        assertThatThrownBy(() -> PatchbayStorage.open(config))
                .isInstanceOf(StorageException.class)
                .hasMessageStartingWith("Cannot connect to the database at jdbc:postgresql://pb:***@127.0.0.1:1/")
                .satisfies(e -> {
                    for (Throwable t = e; t != null; t = t.getCause()) {
                        assertThat(String.valueOf(t.getMessage())).doesNotContain("hunter2secret");
                    }
                });
    }

    @Test
    void aPasswordWithAnAtSignInTheUsersInformationIsHiddenWhole() {
        StorageConfig config = new StorageConfig("jdbc:postgresql://pb:hunter2@secret@db:5432/patchbay",
                Optional.empty(), Optional.empty(), KEYS, false, 4);

        assertThat(config.toString()).contains("jdbc:postgresql://pb:***@db:5432/patchbay")
                .doesNotContain("hunter2").doesNotContain("secret@");
        assertThat(config.redactSecrets("unknown host pb:hunter2@secret@db")).isEqualTo("unknown host pb:***@db");
    }

    @Test
    void aConfiguredPasswordQuotedByTheDriverIsHidden() {
        StorageConfig config = new StorageConfig("jdbc:postgresql://db/patchbay?password=hunter2secret",
                Optional.of("pb"), Optional.of("s3cr3t-password"), KEYS, false, 4);

        assertThat(config.redactSecrets("refused hunter2secret and s3cr3t-password for jdbc:postgresql://db/x?"
                + "password=hunter2secret")).isEqualTo("refused *** and *** for jdbc:postgresql://db/x?password=***");
    }

    @Test
    void anUnreachableDatabaseIsAClearStartupError() {
        StorageConfig config = new StorageConfig("jdbc:postgresql://127.0.0.1:1/patchbay?connectTimeout=2",
                Optional.of("pb"), Optional.of("pw-not-shown"), KEYS, false, 1);

        assertThatThrownBy(() -> PatchbayStorage.open(config))
                .isInstanceOf(StorageException.class)
                .hasMessageStartingWith("Cannot connect to the database at jdbc:postgresql://127.0.0.1:1/patchbay")
                .hasMessageNotContaining("pw-not-shown");
    }
}
