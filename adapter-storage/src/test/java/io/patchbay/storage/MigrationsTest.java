package io.patchbay.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.flywaydb.core.api.MigrationVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The start-up shortcut past Flyway must only be taken when the schema really is current. */
class MigrationsTest {
    private static final Pattern FILE = Pattern.compile("V([0-9.]+)__.*\\.sql");

    @TempDir
    Path dir;

    private PatchbayStorage storage;

    @AfterEach
    void close() {
        if (storage != null) {
            storage.close();
        }
    }

    @Test
    void theShortcutKnowsTheNewestMigrationShipped() throws URISyntaxException, java.io.IOException {
        Path folder = Path.of(Database.class.getResource("/" + Database.MIGRATIONS.substring("classpath:".length()))
                .toURI());
        try (Stream<Path> files = Files.list(folder)) {
            MigrationVersion newest = files.map(p -> FILE.matcher(p.getFileName().toString()))
                    .filter(Matcher::matches)
                    .map(m -> MigrationVersion.fromVersion(m.group(1)))
                    .max(Comparator.naturalOrder())
                    .orElseThrow();
            assertThat(newest).isEqualTo(MigrationVersion.fromVersion(Database.LATEST_MIGRATION));
        }
    }

    @Test
    void aFreshDatabaseIsMigratedAndThenRecognisedAsCurrent() {
        storage = PatchbayStorage.open(TestStorage.sqlite(dir));
        assertThat(storage.ready()).isTrue();
        assertThat(Database.schemaIsCurrent(storage.database().dataSource())).isTrue();
        storage.close();

        storage = PatchbayStorage.open(TestStorage.sqlite(dir));
        assertThat(storage.ready()).as("reopened past Flyway").isTrue();
    }

    @Test
    void aFailedOrNewerMigrationIsNotCurrent() {
        storage = PatchbayStorage.open(TestStorage.sqlite(dir));
        var database = storage.database();
        database.write(h -> h.execute("UPDATE flyway_schema_history SET success = 0 WHERE version = ?",
                Database.LATEST_MIGRATION));
        assertThat(Database.schemaIsCurrent(database.dataSource())).isFalse();

        database.write(h -> h.execute("UPDATE flyway_schema_history SET success = 1, version = '999' WHERE version = ?",
                Database.LATEST_MIGRATION));
        assertThat(Database.schemaIsCurrent(database.dataSource())).isFalse();
    }
}
