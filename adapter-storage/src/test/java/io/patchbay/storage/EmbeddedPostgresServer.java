package io.patchbay.storage;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real PostgreSQL server for the whole test run, started on first use; each test class takes a fresh database
 * from it. zonky stops it with a shutdown hook when the JVM ends.
 */
final class EmbeddedPostgresServer {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static EmbeddedPostgres server;
    private static Path dataDirectory;

    private EmbeddedPostgresServer() {
    }

    private static synchronized EmbeddedPostgres server() {
        if (server == null) {
            try {
                dataDirectory = Files.createTempDirectory("patchbay-pg");
                server = EmbeddedPostgres.builder().setDataDirectory(dataDirectory).start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the embedded PostgreSQL server", e);
            }
        }
        return server;
    }

    /** A new, empty database; returns its JDBC URL (user postgres, no password). */
    static String newDatabase() {
        EmbeddedPostgres pg = server();
        String name = "patchbay_test_" + DATABASES.incrementAndGet();
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name, e);
        }
        return pg.getJdbcUrl("postgres", name);
    }

    /** Where the server keeps its files, to prove what is (not) written to disk. */
    static Path dataDirectory() {
        server();
        return dataDirectory;
    }

    static Connection superuserConnection() throws SQLException {
        return server().getPostgresDatabase().getConnection();
    }
}
