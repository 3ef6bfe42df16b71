package io.patchbay.server;

import io.patchbay.storage.Keysets;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The server jar's commands, for what an operator does besides starting it. Settings stay in the environment and
 * the configuration file, so a command takes the same ones as the server it stands beside.
 */
@Command(name = "java -jar patchbay-server.jar", mixinStandardHelpOptions = true, versionProvider = Commands.Version.class,
        description = "Without a command: start the server.",
        footer = {"", "Settings come from PATCHBAY_* environment variables and PATCHBAY_CONFIG_FILE, not from arguments "
                + "(PATCHBAY_PORT=9090, not --port 9090); every setting is listed in docs/operations.md."})
final class Commands {
    private final PrintStream out;
    private final PrintStream err;

    private Commands(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** Runs the command {@code args} name; its exit code (2 for a command line it cannot read, with the usage). */
    static int execute(String[] args, PrintStream out, PrintStream err) {
        return new CommandLine(new Commands(out, err))
                .setOut(new PrintWriter(out, true, StandardCharsets.UTF_8))
                .setErr(new PrintWriter(err, true, StandardCharsets.UTF_8))
                .execute(args);
    }

    @Command(name = Main.NEW_ADMIN_KEY, description = "Create an admin API key, print it once, and exit. With SQLite, "
            + "run it while the server is stopped.")
    int newAdminKey() {
        try {
            return Main.newAdminKey(Main.configured(), out);
        } catch (Main.StartRefused e) {
            err.println(e.getMessage());
            return e.exitCode();
        }
    }

    @Command(name = Main.NEW_KEYSET, description = "Print a new keyset (JSON) for PATCHBAY_KEYSET_JSON or "
            + "PATCHBAY_KEYSET_FILE, and exit.")
    int newKeyset() {
        // Only the keyset on standard output, so that it can go straight to a file or a secret store.
        out.println(Keysets.generate());
        return 0;
    }

    /** The version the jar was built as. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"Patchbay " + java.util.Optional.ofNullable(Main.class.getPackage().getImplementationVersion())
                    .orElse("(development build)")};
        }
    }
}
