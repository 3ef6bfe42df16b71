package io.patchbay.benchmarks;

import io.patchbay.core.Ids;
import io.patchbay.core.account.AccountStatus;
import io.patchbay.core.account.LinkedAccount;
import io.patchbay.core.account.Visibility;
import io.patchbay.core.secret.CredentialsCodec;
import io.patchbay.core.secret.SecretCipher;
import io.patchbay.spi.Credentials;
import io.patchbay.storage.KeysetSource;
import io.patchbay.storage.StorageConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Databases for the benchmarks: a SQLite file, or a local PostgreSQL server with durable commits. */
final class BenchDatabases {
    private BenchDatabases() {
    }

    /**
     * A PostgreSQL 14 server in {@code dataDirectory}; kept between runs when {@code keep}. Commits are durable, as
     * on a production server: zonky starts PostgreSQL with fsync and synchronous commit off, both are turned on.
     */
    static EmbeddedPostgres postgres(Path dataDirectory, boolean keep) throws IOException {
        return EmbeddedPostgres.builder()
                .setDataDirectory(dataDirectory)
                .setCleanDataDirectory(!keep)
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("fsync", "on")
                .setServerConfig("max_connections", "50")
                .setPGStartupWait(java.time.Duration.ofSeconds(60))
                .start();
    }

    /** Storage on database {@code name} of the server, created when missing; keyset file next to the data. */
    static StorageConfig postgresStorage(EmbeddedPostgres pg, String name, Path keysetFile, int poolSize)
            throws SQLException {
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            ResultSet rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + name + "'");
            if (!rs.next()) {
                s.execute("CREATE DATABASE " + name);
            }
        }
        return new StorageConfig(pg.getJdbcUrl("postgres", name), Optional.of("postgres"), Optional.empty(),
                KeysetSource.file(keysetFile), true, poolSize);
    }

    /** Prints the durability settings the server really runs with, so a reader of the results can check. */
    static void printDurability(EmbeddedPostgres pg) throws SQLException {
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            StringBuilder line = new StringBuilder("PostgreSQL");
            for (String setting : new String[] {"server_version", "fsync", "synchronous_commit", "shared_buffers"}) {
                ResultSet rs = s.executeQuery("SHOW " + setting);
                rs.next();
                line.append(' ').append(setting).append('=').append(rs.getString(1));
            }
            System.out.println(line);
        }
    }

    /** A new account like a link makes: unique identity, a label, private to its owner. */
    static LinkedAccount newAccount(String tenant, String owner) {
        Instant now = Instant.now();
        return new LinkedAccount(Ids.next("acc", now), tenant, "toggl", "api_token", "Toggl of " + owner, owner,
                Optional.empty(), Visibility.PRIVATE, "pu-" + UUID.randomUUID(), Optional.of(owner + "@example.com"),
                "User " + owner, Optional.empty(), Optional.of("ws-1"), Optional.of("Workspace"), Optional.of("admin"),
                AccountStatus.ACTIVE, Optional.empty(), "a1b2", now, now, Optional.of(now), 0);
    }

    /** Seals a token for the account exactly as the core's vault does. */
    static byte[] seal(SecretCipher cipher, LinkedAccount account, String token) {
        byte[] plaintext = CredentialsCodec.encode(new Credentials("api_token", Map.of("api_token", token)));
        try {
            return cipher.seal(plaintext, SecretCipher.associatedData(account.tenantId(), account.id()));
        } finally {
            java.util.Arrays.fill(plaintext, (byte) 0);
        }
    }
}
