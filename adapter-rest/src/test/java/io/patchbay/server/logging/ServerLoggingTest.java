package io.patchbay.server.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.status.Status;
import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.Moshi;
import com.squareup.moshi.Types;
import io.patchbay.core.catalog.CallSecrets;
import io.patchbay.server.MainProcess;
import io.patchbay.server.MainProcess.Ended;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The server's own logging set-up (the tests themselves log through logback-test.xml), as the server runs it. */
class ServerLoggingTest {
    @TempDir
    Path dir;

    @Test
    void everyLineReachesTheConsoleAndTheLogFileAtTheConfiguredLevel() throws Exception {
        LoggerContext context = context();
        ServerLogging logging = logging(Map.of(ServerLogging.LOG_DIR, dir.resolve("logs").toString()), empty());
        logging.setContext(context);

        String console = consoleOf(() -> {
            assertThat(logging.configure(context)).isEqualTo(Configurator.ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
            context.getLogger("io.patchbay.server.logging.ServerLoggingTest").info("line {} of the test", 1);
            context.getLogger("io.patchbay.server.logging.ServerLoggingTest").debug("below the default level");
            context.getLogger("org.eclipse.jetty.server.Server").info("a library's chatter");
            context.stop(); // drains the asynchronous queue, then flushes and closes the outputs
        });

        assertThat(context.getStatusManager().getCopyOfStatusList())
                .as("warnings and errors while configuring (an appender not started, a bad pattern)")
                .noneMatch(status -> status.getEffectiveLevel() >= Status.WARN);
        // Only the line: neither the filtered ones nor any word from Logback itself about its set-up.
        assertThat(console.lines().toList()).singleElement().asString()
                .endsWith("INFO  i.p.s.l.ServerLoggingTest - line 1 of the test");
        assertThat(Files.readString(dir.resolve("logs/patchbay.log")))
                .contains("INFO  [main] io.patchbay.server.logging.ServerLoggingTest - line 1 of the test")
                .doesNotContain("below the default level").doesNotContain("chatter");
    }

    @Test
    void whatIsLoggedDuringAConnectorCallHasItsSecretsMaskedWhicheverLoggerAConnectorUses() throws Exception {
        String token = "1971800d4d82861d8f2c1651fea4d212";
        LoggerContext context = context();
        ServerLogging logging = logging(Map.of(ServerLogging.LOG_DIR, dir.resolve("logs").toString()), empty());
        logging.setContext(context);

        String console = consoleOf(() -> {
            logging.configure(context);
            org.slf4j.Logger connector = context.getLogger("com.acme.connector.AcmeConnector");
            CallSecrets.during(List.of(token), () -> {
                connector.info("GET /me?api_token={}", token);
                connector.warn("call failed", new IllegalStateException("refused " + token,
                        new IllegalArgumentException("cause names " + token)));
                // A thread of the connector's own, as an HTTP client's callback: it does not know the call.
                Thread callback = new Thread(() -> connector.info("callback saw {}", token), "acme-callback");
                callback.start();
                try {
                    callback.join();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return null;
            });
            connector.info("after the call");
            context.stop();
        });

        String file = Files.readString(dir.resolve("logs/patchbay.log"));
        for (String output : List.of(console, file)) {
            assertThat(output).doesNotContain(token)
                    .contains("GET /me?api_token=[REDACTED]")
                    .contains("refused [REDACTED]").contains("cause names [REDACTED]")
                    .contains("callback saw [REDACTED]").contains("after the call");
        }
        assertThat(file).as("the line keeps its logger and thread")
                .contains("WARN  [main] com.acme.connector.AcmeConnector - call failed")
                .contains("INFO  [acme-callback] com.acme.connector.AcmeConnector - callback saw [REDACTED]");
    }

    @Test
    void aMissingLogDirectoryIsCreatedOwnerOnlyAndAnExistingOneIsLeftAsItIs() throws Exception {
        Path created = dir.resolve("data").resolve("logs");
        LoggerContext fresh = context();
        logging(Map.of(ServerLogging.LOG_DIR, created.toString()), empty()).apply(fresh);
        fresh.getLogger("io.patchbay.server.logging.ServerLoggingTest").info("a line");
        fresh.stop();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(created))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(created.getParent())))
                .isEqualTo("rwx------");
        assertThat(created.resolve("patchbay.log")).exists();

        Path operators = Files.createDirectory(dir.resolve("operators-logs"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-x---")));
        LoggerContext existing = context();
        logging(Map.of(ServerLogging.LOG_DIR, operators.toString()), empty()).apply(existing);
        existing.stop();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(operators))).isEqualTo("rwxr-x---");
    }

    @Test
    void theLevelIsReadInAnyCaseAndAnUnknownOneFallsBackToInfoWithAnError() {
        LoggerContext debug = context();
        logging(Map.of(ServerLogging.LOG_DIR, dir.toString(), ServerLogging.LOG_LEVEL, "debug"), empty()).apply(debug);
        assertThat(debug.getLogger("ROOT").getLevel()).isEqualTo(Level.DEBUG);
        assertThat(debug.getLogger("com.zaxxer.hikari.pool").getEffectiveLevel()).isEqualTo(Level.WARN);
        debug.stop();

        // Logback itself would read an unknown name as DEBUG.
        LoggerContext unknown = context();
        ServerLogging logging = logging(Map.of(ServerLogging.LOG_DIR, dir.toString(), ServerLogging.LOG_LEVEL,
                "verbose"), empty());
        logging.setContext(unknown);
        logging.apply(unknown);
        assertThat(unknown.getLogger("ROOT").getLevel()).isEqualTo(Level.INFO);
        assertThat(unknown.getStatusManager().getCopyOfStatusList())
                .anyMatch(s -> s.getLevel() == Status.ERROR && s.getMessage().equals("PATCHBAY_LOG_LEVEL: must be "
                        + "one of [TRACE, DEBUG, INFO, WARN, ERROR, OFF] (in any case), got 'verbose'; using INFO"));
        unknown.stop();
    }

    @Test
    void jsonLinesCarryTheFormattedMessageAndTheException() throws Exception {
        String console = jsonConsoleOf(context -> {
            context.getLogger("io.patchbay.server.Example").info("linked {} \"accounts\"", 2);
            context.getLogger("io.patchbay.server.Example").warn("failed", new IllegalStateException("no route"));
        });

        JsonAdapter<Map<String, Object>> lines = new Moshi.Builder().build()
                .adapter(Types.newParameterizedType(Map.class, String.class, Object.class));
        for (String output : List.of(console, Files.readString(dir.resolve("patchbay.log")))) {
            List<Map<String, Object>> events = output.lines().map(line -> {
                try {
                    return lines.fromJson(line);
                } catch (IOException e) {
                    throw new AssertionError("not a JSON line: " + line, e);
                }
            }).toList();
            assertThat(events).hasSize(2);
            assertThat(events.get(0)).containsEntry("level", "INFO").containsEntry("threadName", "main")
                    .containsEntry("loggerName", "io.patchbay.server.Example")
                    .containsEntry("formattedMessage", "linked 2 \"accounts\"").containsKey("timestamp")
                    .doesNotContainKeys("message", "arguments", "context");
            assertThat(events.get(1)).containsEntry("level", "WARN").containsEntry("formattedMessage", "failed");
            assertThat(events.get(1).get("throwable").toString()).contains("IllegalStateException", "no route");
        }
    }

    @Test
    void inJsonLinesSecretsInTheMdcAndKeyValuePairsAreMaskedToo() throws Exception {
        String token = "1971800d4d82861d8f2c1651fea4d212";
        String console = jsonConsoleOf(context -> {
            org.slf4j.Logger connector = context.getLogger("com.acme.connector.AcmeConnector");
            CallSecrets.during(List.of(token), () -> {
                connector.atInfo().addKeyValue("authorization", "Bearer " + token).addKeyValue("attempt", 2)
                        .log("calling the provider");
                // The context's own MDC, as a connector's MDC.put reaches it in the server.
                context.getMDCAdapter().put("token", token);
                try {
                    connector.warn("retrying", new IllegalStateException("no route"));
                } finally {
                    context.getMDCAdapter().remove("token");
                }
                return null;
            });
        });

        for (String output : List.of(console, Files.readString(dir.resolve("patchbay.log")))) {
            assertThat(output).doesNotContain(token).contains("Bearer [REDACTED]").contains("\"attempt\":\"2\"")
                    .contains("\"token\":\"[REDACTED]\"");
            assertThat(output.lines().filter(line -> line.contains("retrying")).findFirst().orElseThrow())
                    .as("a throwable without the secret stays a throwable").contains("IllegalStateException");
        }
    }

    @Test
    void javaUtilLoggingReachesTheQueueAndIsMaskedThere() {
        String token = "1971800d4d82861d8f2c1651fea4d212";
        ServerLogging logging = logging(Map.of(ServerLogging.LOG_DIR, dir.toString()), empty());
        LoggerContext configured = context();
        logging.setContext(configured);
        logging.apply(configured);
        // The bridge hands java.util.logging lines to SLF4J, here the test run's own logging: a masking queue on
        // the logger OkHttp logs through stands in for the server's.
        LoggerContext slf4j = (LoggerContext) LoggerFactory.getILoggerFactory();
        ch.qos.logback.core.read.ListAppender<ILoggingEvent> written = new ch.qos.logback.core.read.ListAppender<>();
        written.setContext(slf4j);
        written.start();
        MaskingAsyncAppender queue = new MaskingAsyncAppender();
        queue.setContext(slf4j);
        queue.addAppender(written);
        queue.start();
        ch.qos.logback.classic.Logger okhttp = slf4j.getLogger("okhttp3.OkHttpClient");
        okhttp.setLevel(Level.INFO);
        okhttp.addAppender(queue);
        try {
            CallSecrets.during(List.of(token), () -> {
                java.util.logging.Logger.getLogger("okhttp3.OkHttpClient").info("Authorization: Bearer " + token);
                return null;
            });
        } finally {
            okhttp.detachAppender(queue);
            okhttp.setLevel(null);
            queue.stop(); // writes out what is queued
            configured.stop();
        }

        assertThat(written.list).extracting(ILoggingEvent::getFormattedMessage)
                .containsExactly("Authorization: Bearer [REDACTED]");
    }

    @Test
    void anXmlConfigurationWinsWhetherNamedByPropertyOrOnTheClassPath() throws IOException {
        LoggerContext context = context();
        assertThat(logging(Map.of("logback.configurationFile", "/etc/patchbay/logback.xml"), empty())
                .configure(context)).isEqualTo(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY);

        Path classes = Files.createDirectories(dir.resolve("classes"));
        Files.writeString(classes.resolve("logback.xml"), "<configuration/>");
        try (URLClassLoader withXml = new URLClassLoader(new URL[] {classes.toUri().toURL()}, null)) {
            assertThat(logging(Map.of(ServerLogging.LOG_DIR, dir.resolve("logs").toString()), withXml)
                    .configure(context)).isEqualTo(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY);
        }
        assertThat(context.getLogger("ROOT").iteratorForAppenders()).isExhausted();
        assertThat(dir.resolve("logs")).doesNotExist();
    }

    @Test
    void logbackFindsTheSetUpAsAService() {
        assertThat(ServiceLoader.load(Configurator.class, getClass().getClassLoader()).stream()
                .map(ServiceLoader.Provider::type)).contains(ServerLogging.class);
    }

    /**
     * The server as launched, in a JVM of its own on the server's class path only: lines reach the console and the
     * file in the configured folder, the first admin key reaches the console once and the file never, and a bad
     * level stops the start.
     */
    @Test
    void aLaunchedServerLogsToBothOutputsAndNeverLogsTheAdminKey() throws Exception {
        // The log folder comes from the configuration file, as any logging setting may.
        Path logs = dir.resolve("logs");
        Path settings = dir.resolve("patchbay.properties");
        Files.writeString(settings, "log.dir=" + logs.toString().replace("\\", "/") + "\n");
        Map<String, String> env = Map.of("PATCHBAY_PORT", "0", "PATCHBAY_DATA_DIR", dir.resolve("data").toString(),
                "PATCHBAY_CONNECTORS_DIR", dir.resolve("connectors").toString(), "PATCHBAY_CONFIG_FILE",
                settings.toString());
        Process server = launch(env);
        String stdout;
        try (InputStream out = server.getInputStream()) {
            Pattern listeningOn = Pattern.compile("Patchbay listening on http://127.0.0.1:(\\d+) ");
            String seen = readUntil(out, listeningOn, "the server stopped before listening");
            Matcher listening = listeningOn.matcher(seen);
            assertThat(listening.find()).isTrue();
            HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + listening.group(1) + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            // SIGTERM (through the handle, which leaves the output open): the server stops, the log queue drains.
            server.toHandle().destroy();
            assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
            stdout = seen + new String(out.readAllBytes(), StandardCharsets.UTF_8);
        } finally {
            server.destroyForcibly();
        }

        Matcher key = Pattern.compile("pb_sk_[A-Za-z0-9_-]{20,}").matcher(stdout);
        assertThat(key.find()).as(stdout).isTrue();
        String secret = key.group().substring(6);
        String file = Files.readString(logs.resolve("patchbay.log"));
        assertThat(stdout).doesNotContain("LOGBACK").contains("INFO  i.p.s.PatchbayServer - Patchbay listening on")
                .contains("i.p.server.access-log - GET /health 200");
        assertThat(file).contains("INFO  [main] io.patchbay.server.PatchbayServer - Patchbay listening on")
                .contains("GET /health 200").contains("Stopped")
                .doesNotContain(secret.substring(0, 12));
        assertThat(stdout.indexOf(secret.substring(0, 12))).isEqualTo(stdout.lastIndexOf(secret.substring(0, 12)));

        Map<String, String> badLevel = new HashMap<>(env);
        badLevel.put(ServerLogging.LOG_LEVEL, "loud");
        Ended refused = runToExit(badLevel);
        assertThat(refused.exitCode()).as(refused.output()).isEqualTo(2);
        assertThat(refused.output()).contains(
                "PATCHBAY_LOG_LEVEL: must be one of [TRACE, DEBUG, INFO, WARN, ERROR, OFF] (in any case), got 'loud'");

        // A start that fails exits at once; the reason still reaches the file.
        Map<String, String> badKeyset = new HashMap<>(env);
        badKeyset.put("PATCHBAY_KEYSET_JSON", "{\"primaryKeyId\": 1}");
        Ended failed = runToExit(badKeyset);
        assertThat(failed.exitCode()).as(failed.output()).isEqualTo(1);
        assertThat(Files.readString(logs.resolve("patchbay.log")))
                .contains("ERROR [main] io.patchbay.server.Main - Patchbay could not start");
    }

    /**
     * A first start on a port already taken ends the process with the reason (it once hung on the API server's
     * threads), and creates no admin key that nobody is shown: the next start prints one.
     */
    @Test
    void aFirstStartOnAPortInUseExitsAndLeavesTheAdminKeyToTheNextStart() throws Exception {
        Map<String, String> env = new HashMap<>(Map.of("PATCHBAY_DATA_DIR", dir.resolve("data").toString(),
                "PATCHBAY_CONNECTORS_DIR", dir.resolve("connectors").toString(),
                ServerLogging.LOG_DIR, dir.resolve("logs").toString()));
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            env.put("PATCHBAY_PORT", Integer.toString(taken.getLocalPort()));
            Ended failed = runToExit(env);
            assertThat(failed.exitCode()).as(failed.output()).isEqualTo(1);
            assertThat(failed.output()).contains("Patchbay could not start: Cannot listen on 127.0.0.1:"
                    + taken.getLocalPort() + ": the port is in use").doesNotContain("pb_sk_");
        }

        env.put("PATCHBAY_PORT", "0");
        Process server = launch(env);
        try (InputStream out = server.getInputStream()) {
            String seen = readUntil(out, Pattern.compile("pb_sk_[A-Za-z0-9_-]{32}"), "no admin key shown");
            assertThat(seen).contains("First start: an admin API key was created");
        } finally {
            server.destroyForcibly();
            server.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** Launches the server and waits (30 s at most) for it to end by itself, as a start that fails must. */
    private static Ended runToExit(Map<String, String> env) throws IOException, InterruptedException {
        return MainProcess.runToExit(Duration.ofSeconds(30), List.of(), env);
    }

    /** Reads {@code in} until {@code pattern} occurs in what was read; the text read. */
    private static String readUntil(InputStream in, Pattern pattern, String whenMissing) throws IOException {
        StringBuilder seen = new StringBuilder();
        Matcher matcher = pattern.matcher("");
        while (!matcher.reset(seen).find()) {
            int b = in.read();
            assertThat(b).as("%s:%n%s", whenMissing, seen).isNotNegative();
            seen.append((char) b);
        }
        return seen.toString();
    }

    /** {@code Main} in a new JVM, on this JVM's class path without the tests' own classes and resources. */
    private static Process launch(Map<String, String> env) throws IOException {
        return MainProcess.launch(List.of(), env);
    }

    private static LoggerContext context() {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter());
        return context;
    }

    private static ServerLogging logging(Map<String, String> settings, ClassLoader resources) {
        return new ServerLogging(settings::get, resources);
    }

    /** Sees no resources at all, as the server jar's class path sees no logback.xml. */
    private static ClassLoader empty() {
        return new URLClassLoader(new URL[0], null);
    }

    /** What {@code work} logs to the console through the JSON set-up on a context of its own (the file gets it too). */
    private String jsonConsoleOf(java.util.function.Consumer<LoggerContext> work) throws Exception {
        LoggerContext context = context();
        ServerLogging logging = logging(Map.of(ServerLogging.LOG_DIR, dir.toString(), ServerLogging.LOG_FORMAT,
                "json"), empty());
        logging.setContext(context);
        return consoleOf(() -> {
            logging.apply(context);
            work.accept(context);
            context.stop();
        });
    }

    private static String consoleOf(ThrowingRunnable body) throws Exception {
        PrintStream stdout = System.out;
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        System.setOut(new PrintStream(console, true, StandardCharsets.UTF_8));
        try {
            body.run();
        } finally {
            System.setOut(stdout);
        }
        return console.toString(StandardCharsets.UTF_8);
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }
}
