package io.patchbay.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The start-up shortcut past Flyway must only be taken when the schema really is current, on either database. */
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

    /** The versions of the migration files in the locations, in order. */
    private static List<MigrationVersion> shipped(List<String> locations) {
        List<MigrationVersion> versions = new ArrayList<>();
        for (String location : locations) {
            try (Stream<Path> files = Files.list(Path.of(Database.class.getResource(
                    "/" + location.substring("classpath:".length())).toURI()))) {
                files.map(p -> FILE.matcher(p.getFileName().toString()))
                        .filter(Matcher::matches)
                        .map(m -> MigrationVersion.fromVersion(m.group(1)))
                        .forEach(versions::add);
            } catch (URISyntaxException | IOException e) {
                throw new AssertionError("cannot list " + location, e);
            }
        }
        versions.sort(Comparator.naturalOrder());
        return versions;
    }

    @ParameterizedTest
    @EnumSource(Database.Dialect.class)
    void theShortcutKnowsTheNewestMigrationShipped(Database.Dialect dialect) {
        List<MigrationVersion> versions = shipped(dialect.migrations);

        assertThat(versions.get(versions.size() - 1)).isEqualTo(MigrationVersion.fromVersion(dialect.latestMigration));
    }

    @Test
    void theTwoFoldersShareOneSequenceOfVersions() {
        List<MigrationVersion> all = shipped(List.of(Database.MIGRATIONS, Database.POSTGRESQL_MIGRATIONS));

        assertThat(all).doesNotHaveDuplicates();
        assertThat(shipped(Database.Dialect.SQLITE.migrations)).doesNotContainAnyElementsOf(
                shipped(List.of(Database.POSTGRESQL_MIGRATIONS)));
    }

    @ParameterizedTest
    @EnumSource(Database.Dialect.class)
    void aFreshDatabaseIsMigratedAndThenRecognisedAsCurrent(Database.Dialect dialect) {
        StorageConfig config = TestStorage.config(dialect, dir);
        storage = PatchbayStorage.open(config);
        assertThat(storage.ready()).isTrue();
        assertThat(Database.schemaIsCurrent(storage.database().dataSource(), dialect)).isTrue();
        storage.close();

        storage = PatchbayStorage.open(config);
        assertThat(storage.ready()).as("reopened past Flyway").isTrue();
        assertThat(appliedVersions(storage)).containsExactlyElementsOf(
                shipped(dialect.migrations).stream().map(MigrationVersion::getVersion).toList());
    }

    @ParameterizedTest
    @EnumSource(Database.Dialect.class)
    void aFailedOrNewerMigrationIsNotCurrent(Database.Dialect dialect) {
        storage = PatchbayStorage.open(TestStorage.config(dialect, dir));
        var database = storage.database();
        database.write(h -> h.execute("UPDATE flyway_schema_history SET success = ? WHERE version = ?", false,
                dialect.latestMigration));
        assertThat(Database.schemaIsCurrent(database.dataSource(), dialect)).isFalse();

        database.write(h -> h.execute("UPDATE flyway_schema_history SET success = ?, version = '999' WHERE version = ?",
                true, dialect.latestMigration));
        assertThat(Database.schemaIsCurrent(database.dataSource(), dialect)).isFalse();
    }

    @Test
    void aPostgresqlSchemaFromBeforeTheChangeTriggerIsMigratedAtTheNextStart() {
        String url = EmbeddedPostgresServer.newDatabase();
        // What an earlier release left: the first shared migration only.
        Flyway.configure().dataSource(url, "postgres", null)
                .locations(Database.MIGRATIONS)
                .placeholders(Map.of("idCollation", Database.Dialect.POSTGRESQL.idCollation))
                .target("1")
                .load().migrate();

        storage = PatchbayStorage.open(TestStorage.postgres(dir, url));

        assertThat(appliedVersions(storage)).containsExactly("1", "2", "3", "4");
        List<String> triggers = storage.database().read(h -> h.createQuery("SELECT tgname FROM pg_trigger WHERE "
                + "tgrelid = 'linked_account'::regclass AND NOT tgisinternal ORDER BY tgname").mapTo(String.class).list());
        assertThat(triggers).containsExactly("linked_account_changed", "linked_account_truncated");
        assertThat(storage.ready()).isTrue();
    }

    private static List<String> appliedVersions(PatchbayStorage storage) {
        return storage.database().read(h -> h.createQuery("SELECT version FROM flyway_schema_history "
                + "WHERE version IS NOT NULL ORDER BY installed_rank").mapTo(String.class).list());
    }
}
