package io.patchbay.storage;

import java.nio.file.Path;
import java.util.Optional;

/** Opens real storages for tests, and empties them between tests. */
final class TestStorage {
    private TestStorage() {
    }

    static StorageConfig sqlite(Path dir) {
        return StorageConfig.embeddedDefault(dir);
    }

    /** A fresh PostgreSQL database with its keyset file in {@code dir}. */
    static StorageConfig postgres(Path dir) {
        return postgres(dir, EmbeddedPostgresServer.newDatabase());
    }

    /** The PostgreSQL database at {@code jdbcUrl}, with its keyset file in {@code dir}. */
    static StorageConfig postgres(Path dir, String jdbcUrl) {
        return new StorageConfig(jdbcUrl, Optional.of("postgres"), Optional.empty(),
                KeysetSource.file(dir.resolve("keyset.json")), true, 4);
    }

    static StorageConfig config(Database.Dialect dialect, Path dir) {
        return dialect == Database.Dialect.SQLITE ? sqlite(dir) : postgres(dir);
    }

    static StorageConfig sameDatabase(StorageConfig config, KeysetSource keyset) {
        return new StorageConfig(config.jdbcUrl(), config.user(), config.password(), keyset, false,
                config.poolSize());
    }

    static void deleteRecursively(Path dir) {
        try (var paths = java.nio.file.Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static void wipe(PatchbayStorage storage) {
        storage.database().write(h -> {
            for (String table : new String[] {"connect_session_connector", "connect_session", "api_key_scope",
                    "api_key", "audit_event", "linked_account"}) {
                h.execute("DELETE FROM " + table);
            }
            return null;
        });
    }
}
