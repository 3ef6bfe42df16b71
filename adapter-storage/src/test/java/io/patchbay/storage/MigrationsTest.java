package io.patchbay.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
        assertThat(Database.schemaIsCurrent(storage.database().dataSource(), dialect, "the database")).isTrue();
        storage.close();

        storage = PatchbayStorage.open(config);
        assertThat(storage.ready()).as("reopened past Flyway").isTrue();
        assertThat(appliedVersions(storage)).containsExactlyElementsOf(
                shipped(dialect.migrations).stream().map(MigrationVersion::getVersion).toList());
    }

    @ParameterizedTest
    @EnumSource(Database.Dialect.class)
    void aFailedMigrationIsNotCurrentAndANewerOneIsRefused(Database.Dialect dialect) {
        storage = PatchbayStorage.open(TestStorage.config(dialect, dir));
        var database = storage.database();
        database.write(h -> h.execute("UPDATE flyway_schema_history SET success = ? WHERE version = ?", false,
                dialect.latestMigration));
        assertThat(Database.schemaIsCurrent(database.dataSource(), dialect, "the database")).isFalse();

        database.write(h -> h.execute("UPDATE flyway_schema_history SET success = ?, version = '999' WHERE version = ?",
                true, dialect.latestMigration));
        assertThatThrownBy(() -> Database.schemaIsCurrent(database.dataSource(), dialect, "the database"))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("is at version 999, newer than version " + dialect.latestMigration);
    }

    /** After a downgrade: the schema is current for the newer release, so this one would take the shortcut. */
    @ParameterizedTest
    @EnumSource(Database.Dialect.class)
    void aSchemaMigratedByANewerReleaseIsRefusedAtStart(Database.Dialect dialect) {
        StorageConfig config = TestStorage.config(dialect, dir);
        PatchbayStorage.open(config).close();
        newerRelease(config, dialect.migrations).migrate();

        assertThatThrownBy(() -> PatchbayStorage.open(config))
                .isInstanceOf(StorageException.class)
                .hasMessageStartingWith("Refusing to start: the schema of ")
                .hasMessageContaining("is at version 6, newer than version " + dialect.latestMigration
                        + ", the newest this Patchbay release knows")
                .hasMessageContaining("Upgrade Patchbay");
    }

    /** A history the shortcut does not take: the newer version is named before Flyway runs. */
    @ParameterizedTest
    @EnumSource(Database.Dialect.class)
    void aNewerSchemaIsRefusedOnTheWayThroughFlywayToo(Database.Dialect dialect) {
        StorageConfig config = TestStorage.config(dialect, dir);
        PatchbayStorage.open(config).close();
        Flyway newer = newerRelease(config, dialect.migrations);
        newer.migrate();
        // The newest migration of this release failed: not current, so the start goes through Flyway, whose own
        // answer would be a validation error that names neither version.
        var jdbi = org.jdbi.v3.core.Jdbi.create(newer.getConfiguration().getDataSource());
        jdbi.useHandle(h -> h.execute("UPDATE flyway_schema_history SET success = ? WHERE version = ?", false,
                dialect.latestMigration));

        assertThatThrownBy(() -> PatchbayStorage.open(config))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("is at version 6, newer than version " + dialect.latestMigration);
    }

    /** Flyway as a newer release runs it: this release's migrations and one more, version 6. */
    private static Flyway newerRelease(StorageConfig config, List<String> locations) {
        List<String> all = new ArrayList<>(locations);
        all.add("classpath:io/patchbay/storage/newer-migration");
        Database.Dialect dialect = config.sqlite() ? Database.Dialect.SQLITE : Database.Dialect.POSTGRESQL;
        return Flyway.configure().dataSource(config.jdbcUrl(), config.user().orElse(null), null)
                .locations(all.toArray(String[]::new))
                .placeholders(Map.of("idCollation", dialect.idCollation))
                .load();
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

        assertThat(appliedVersions(storage)).containsExactly("1", "2", "3", "4", "5");
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
