package io.patchbay.server;

import io.patchbay.server.access.ApiKeyService;
import io.patchbay.server.access.Scope;
import io.patchbay.server.logging.ServerLogging;
import io.patchbay.storage.OwnerOnly;
import io.patchbay.storage.PatchbayStorage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the server from the environment (and {@code PATCHBAY_CONFIG_FILE}); zero configuration works. With
 * {@value #NEW_ADMIN_KEY} it creates an admin key instead, for an operator who lost the one printed on the first
 * start, and exits; with {@value #NEW_KEYSET} it prints a new keyset for a production set-up, and exits.
 *
 * <p>Exit codes: 2 for a wrong command line or configuration, 1 for a start that failed, 0 after
 * {@value #NEW_ADMIN_KEY} or {@value #NEW_KEYSET}; a server stopped by a signal ends as the JVM does (143 for SIGTERM).
 */
public final class Main {
    static final String NEW_ADMIN_KEY = "new-admin-key";
    static final String NEW_KEYSET = "new-keyset";

    private Main() {
    }

    public static void main(String[] args) {
        if (args.length > 0) {
            // Commands are rare: what reads them loads for them only, not on every start. An argument the server
            // does not read (--port 9090) is refused there rather than ignored.
            System.exit(Commands.execute(args, System.out, System.err));
            return;
        }
        ServerConfig config;
        try {
            config = configured();
        } catch (StartRefused e) {
            System.err.println(e.getMessage());
            System.exit(e.exitCode());
            return;
        }
        // One hook for both, so that logging stops after the server has written its last lines (also when the
        // start fails below, or the process is stopped while starting).
        AtomicReference<PatchbayServer> started = new AtomicReference<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            Optional.ofNullable(started.get()).ifPresent(PatchbayServer::close);
            ServerLogging.stop();
        }, "patchbay-shutdown"));
        Logger log = LoggerFactory.getLogger(Main.class);
        log.info("Starting with {}", config);
        PatchbayServer server;
        try {
            server = PatchbayServer.start(config);
        } catch (ConfigException e) {
            // Connector settings are checked once connectors load: a configuration mistake as the others are.
            log.error(e.getMessage());
            if (!log.isErrorEnabled()) {
                System.err.println(e.getMessage());
            }
            System.exit(2);
            return;
        } catch (Exception e) { // checked ones too: a library may throw them unchecked, and the process must end
            log.error("Patchbay could not start: {}", e.getMessage(), e);
            if (!log.isErrorEnabled()) {
                // PATCHBAY_LOG_LEVEL=OFF must not turn a failed start into a silent exit.
                System.err.println("Patchbay could not start: " + e.getMessage());
            }
            System.exit(1);
            return;
        }
        started.set(server);
        server.firstAdminKey().ifPresent(key -> printOnce(System.out, key, server.port()));
    }

    /**
     * The configuration from the environment and the file, with its folders usable and logging set up from it.
     *
     * @throws StartRefused saying why not, and with which exit code the process ends
     */
    static ServerConfig configured() throws StartRefused {
        ServerConfig config;
        try {
            config = ConfigLoader.fromEnvironment();
        } catch (ConfigException e) {
            throw new StartRefused(e.getMessage(), 2);
        }
        // Before logging starts: a log folder it cannot write would otherwise bury the reason under Logback's
        // own report of every appender it set up.
        Optional<String> unwritable = unwritableFolder(config);
        if (unwritable.isPresent()) {
            throw new StartRefused("Patchbay could not start: " + unwritable.get(), 1);
        }
        // The logging set-up reads system properties before the environment: these hold the merged settings (the
        // environment's where both give one, else the file's, and the log folder beside the data by default).
        config.logging().forEach(System::setProperty);
        return config;
    }

    /** Why the process ends before it started anything, and its exit code. */
    static final class StartRefused extends Exception {
        private final int exitCode;

        StartRefused(String message, int exitCode) {
            super(message, null, false, false);
            this.exitCode = exitCode;
        }

        int exitCode() {
            return exitCode;
        }
    }

    /**
     * Creates an admin key in the configured database and prints it once; the exit code. The server need not run
     * (with SQLite it must not: one process per data folder). It opens an existing installation only: run with other
     * settings than the server's (a mistyped data folder, another working directory for the relative default), it
     * would otherwise create a new database and keyset and print a key that opens nothing the server holds.
     */
    static int newAdminKey(ServerConfig config, PrintStream out) {
        Logger log = LoggerFactory.getLogger(Main.class);
        try (PatchbayStorage storage = PatchbayStorage.openExisting(config.storage())) {
            ApiKeyService.Created created = new ApiKeyService(storage.apiKeys(), Clock.systemUTC(), Runnable::run)
                    .create(ApiKeyService.ADMIN_TENANT, "admin key (" + NEW_ADMIN_KEY + ")", Set.of(Scope.ADMIN));
            print(out, " A new admin API key (" + created.apiKey().id() + ") was created. It is shown this once;"
                    + " store it now.", created.key(), config.port(), List.of(
                    " Earlier admin keys still work: revoke a lost one with",
                    "   DELETE /v1/admin/tenants/default/api-keys/{key_id}"));
            return 0;
        } catch (RuntimeException e) {
            String hint = " (it opens the installation the server's settings name: " + ConfigLoader.envName("data_dir")
                    + ", or " + ConfigLoader.envName("database.url") + ")";
            log.error("No admin key was created: {}{}", e.getMessage(), hint, e);
            if (!log.isErrorEnabled()) {
                System.err.println("No admin key was created: " + e.getMessage() + hint);
            }
            return 1;
        } finally {
            ServerLogging.stop();
        }
    }

    /**
     * Why the log folder, or the data folder of the embedded database, cannot be used: created when missing
     * (owner-only), it must be writable.
     */
    static Optional<String> unwritableFolder(ServerConfig config) {
        Path logDir = Path.of(config.logging().get(ServerLogging.LOG_DIR));
        // A Logback file of the operator's own replaces the built-in set-up, log folder included.
        Optional<String> logs = System.getProperty("logback.configurationFile") != null ? Optional.empty()
                : unwritable(logDir, "the log folder " + logDir.toAbsolutePath() + " (" + ConfigLoader.envName("log.dir")
                        + ", by default " + ConfigLoader.envName("data_dir") + "/logs)");
        if (logs.isPresent() || config.databaseUrl().isPresent()) {
            return logs;
        }
        return unwritable(config.dataDir(), "the data folder " + config.dataDir().toAbsolutePath() + " ("
                + ConfigLoader.envName("data_dir") + ")");
    }

    private static Optional<String> unwritable(Path dir, String what) {
        try {
            OwnerOnly.createDirectories(dir);
        } catch (IOException | RuntimeException e) {
            return Optional.of(what + " cannot be created: " + reason(e));
        }
        if (!Files.isWritable(dir)) {
            return Optional.of(what + " is not writable by this process");
        }
        return Optional.empty();
    }

    private static String reason(Exception e) {
        if (e instanceof FileAlreadyExistsException exists) {
            return exists.getFile() + " is a file, not a folder";
        }
        if (e instanceof AccessDeniedException denied) {
            return "permission denied on " + denied.getFile();
        }
        if (e instanceof FileSystemException fs) {
            return Optional.ofNullable(fs.getReason()).orElse(fs.getClass().getSimpleName()) + " on " + fs.getFile();
        }
        return String.valueOf(e.getMessage());
    }

    /**
     * The first admin key goes to standard output only, never through the logger, so it is in no log file. Only
     * its hash is stored: this is the one time it can be read.
     */
    static void printOnce(PrintStream out, String key, int port) {
        print(out, " First start: an admin API key was created. It is shown this once; store it now.", key, port,
                List.of());
    }

    private static void print(PrintStream out, String heading, String key, int port, List<String> notes) {
        List<String> lines = new java.util.ArrayList<>(List.of("",
                "================================================================================",
                heading, "", "   " + key, "",
                // The command names the key by a variable, so that it runs as pasted and the key is printed once.
                " Create a tenant API key with it, with ADMIN set to the key above:",
                "   curl -X POST http://localhost:" + port + "/v1/admin/tenants/default/api-keys \\",
                "        -H \"Authorization: Bearer $ADMIN\" \\",
                "        -H 'Content-Type: application/json' -d '{\"name\":\"my app\"}'"));
        lines.addAll(notes);
        lines.addAll(List.of("================================================================================", ""));
        // One write: the console log's writer thread, printing to the same stream, cannot cut into the box.
        out.print(String.join(System.lineSeparator(), lines) + System.lineSeparator());
        out.flush();
    }
}
