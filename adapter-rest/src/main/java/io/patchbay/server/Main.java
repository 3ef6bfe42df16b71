package io.patchbay.server;

import io.patchbay.server.logging.ServerLogging;
import java.io.PrintStream;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts the server from the environment (and {@code PATCHBAY_CONFIG_FILE}); zero configuration works. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        ServerConfig config;
        try {
            config = ConfigLoader.fromEnvironment();
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        // The logging set-up reads system properties before the environment: these hold the merged settings (the
        // environment's where both give one, else the file's, and the log folder beside the data by default).
        config.logging().forEach(System::setProperty);
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
        } catch (Exception e) { // checked ones too: a library may throw them unchecked, and the process must end
            log.error("Patchbay could not start: {}", e.getMessage(), e);
            System.exit(1);
            return;
        }
        started.set(server);
        server.firstAdminKey().ifPresent(key -> printOnce(System.out, key, server.port()));
    }

    /**
     * The first admin key goes to standard output only, never through the logger, so it is in no log file. Only
     * its hash is stored: this is the one time it can be read.
     */
    static void printOnce(PrintStream out, String key, int port) {
        out.println();
        out.println("================================================================================");
        out.println(" First start: an admin API key was created. It is shown this once; store it now.");
        out.println();
        out.println("   " + key);
        out.println();
        out.println(" Create a tenant API key with it:");
        out.println("   curl -X POST http://localhost:" + port + "/v1/admin/tenants/default/api-keys \\");
        out.println("        -H 'Authorization: Bearer " + key.substring(0, 6) + "…' \\");
        out.println("        -H 'Content-Type: application/json' -d '{\"name\":\"my app\"}'");
        out.println("================================================================================");
        out.println();
        out.flush();
    }
}
