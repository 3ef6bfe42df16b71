package io.patchbay.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.server.MainProcess.Ended;
import io.patchbay.storage.Keysets;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The process as an operator runs it: {@code Main} in a new JVM, its output and exit code. */
class MainTest {
    private static final Pattern KEY = Pattern.compile("pb_sk_[0-9a-z]{20,}");

    @TempDir
    Path dir;

    @Test
    void anArgumentIsRefusedWithTheUsageInsteadOfBeingIgnored() throws Exception {
        Ended ended = run(Map.of("PATCHBAY_DATA_DIR", dir.resolve("data").toString(), "PATCHBAY_PORT", "0"),
                "--port", "9090");
        assertThat(ended.exitCode()).as(ended.output()).isEqualTo(2);
        assertThat(ended.output()).contains("Unknown options: '--port', '9090'")
                .contains("PATCHBAY_PORT=9090, not --port 9090").contains("new-admin-key").contains("new-keyset");
        assertThat(dir.resolve("data")).as("nothing was started").doesNotExist();
    }

    @Test
    void helpListsTheCommandsAndStartsNothing() throws Exception {
        Ended ended = run(Map.of("PATCHBAY_DATA_DIR", dir.resolve("data").toString()), "--help");
        assertThat(ended.exitCode()).as(ended.output()).isZero();
        assertThat(ended.output()).contains("Without a command: start the server.")
                .contains("new-admin-key").contains("new-keyset").contains("PATCHBAY_CONFIG_FILE");
        assertThat(dir.resolve("data")).as("nothing was started").doesNotExist();
    }

    @Test
    void aMissingKeysetFileSaysHowToMakeOneWithTheServersOwnCommandAndSetting() throws Exception {
        Path keyset = dir.resolve("secrets").resolve("keyset.json");
        Ended ended = run(Map.of("PATCHBAY_DATA_DIR", dir.resolve("data").toString(), "PATCHBAY_PORT", "0",
                "PATCHBAY_KEYSET_FILE", keyset.toString()));
        assertThat(ended.exitCode()).as(ended.output()).isEqualTo(1);
        assertThat(ended.output()).contains("The keyset file " + keyset.toAbsolutePath() + " does not exist. Create "
                + "one with `java -jar patchbay-server.jar new-keyset > FILE` (readable by the server's user only), "
                + "or set PATCHBAY_KEYSET_GENERATE=true to create it on a first start.");
    }

    @Test
    void theBannersCommandRunsAsPastedOnceTheKeyIsInAVariable() {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        Main.printOnce(new java.io.PrintStream(out, true, StandardCharsets.UTF_8),
                "pb_sk_banner00000000000000000000000000", 18480);
        String banner = out.toString(StandardCharsets.UTF_8);
        assertThat(banner).contains("with ADMIN set to the key above")
                .contains("-H \"Authorization: Bearer $ADMIN\"").doesNotContain("…");
        assertThat(banner.split("pb_sk_", -1)).as("the key is printed once").hasSize(2);
    }

    @Test
    void newAdminKeyReplacesALostFirstKeyAndTheKeyIsInNoLogFile() throws Exception {
        Path data = dir.resolve("data");
        String first;
        try (PatchbayServer server = TestServers.start(data, Map.of())) {
            first = server.firstAdminKey().orElseThrow();
        }
        Ended ended = run(Map.of("PATCHBAY_DATA_DIR", data.toString()), Main.NEW_ADMIN_KEY);
        assertThat(ended.exitCode()).as(ended.output()).isZero();
        Matcher printed = KEY.matcher(ended.output());
        assertThat(printed.find()).as(ended.output()).isTrue();
        String second = printed.group();
        assertThat(second).isNotEqualTo(first);
        assertThat(ended.output()).contains("It is shown this once");
        String logs;
        try (Stream<Path> files = Files.list(data.resolve("logs"))) {
            logs = files.map(MainTest::read).collect(Collectors.joining());
        }
        assertThat(logs).contains("admin key (new-admin-key)").doesNotContain(second);

        try (PatchbayServer server = TestServers.start(data, Map.of())) {
            assertThat(server.firstAdminKey()).as("a later start prints no key").isEmpty();
            Api api = new Api(server.port());
            assertThat(api.post("/v1/admin/tenants/acme/api-keys").token(second).json(Map.of("name", "app"))
                    .send().status()).isEqualTo(201);
            assertThat(api.get("/v1/admin/tenants/default/api-keys").token(first).send().status())
                    .as("the earlier key is not revoked by this").isEqualTo(200);
        }
    }

    @Test
    void newKeysetPrintsOnlyAKeysetThatTheServerStartsWith() throws Exception {
        Ended ended = run(Map.of(), Main.NEW_KEYSET);
        assertThat(ended.exitCode()).as(ended.output()).isZero();
        String keyset = ended.output().strip();
        assertThat(Keysets.keyIds(keyset)).hasSize(1);
        ServerConfig config = TestServers.config(dir.resolve("data"), Map.of(), Map.of("PATCHBAY_KEYSET_JSON", keyset));
        try (PatchbayServer server = PatchbayServer.start(config)) {
            assertThat(new Api(server.port()).get("/ready").send().status()).isEqualTo(200);
        }
        assertThat(dir.resolve("data").resolve("keyset.json")).as("the given keyset is used").doesNotExist();
    }

    @Test
    void newAdminKeyWithoutAnInstallationThereCreatesNoDatabaseKeysetOrKey() throws Exception {
        Path typo = dir.resolve("dta");
        Ended ended = run(Map.of("PATCHBAY_DATA_DIR", typo.toString()), Main.NEW_ADMIN_KEY);

        assertThat(ended.exitCode()).as(ended.output()).isEqualTo(1);
        assertThat(ended.output()).contains("No admin key was created: There is no Patchbay database at "
                + typo.resolve("patchbay.db").toAbsolutePath()).contains("PATCHBAY_DATA_DIR");
        assertThat(KEY.matcher(ended.output()).find()).isFalse();
        assertThat(typo.resolve("patchbay.db")).doesNotExist();
        assertThat(typo.resolve("keyset.json")).doesNotExist();
    }

    @Test
    void newAdminKeyOnAPostgresDatabaseNoServerMigratedCreatesNothingInIt() throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().setDataDirectory(dir.resolve("pg")).start()) {
            String url = postgres.getJdbcUrl("postgres", "postgres");
            Ended ended = run(Map.of("PATCHBAY_DATA_DIR", dir.resolve("data").toString(), "PATCHBAY_DATABASE_URL", url,
                    "PATCHBAY_DATABASE_USER", "postgres", "PATCHBAY_KEYSET_JSON", Keysets.generate()),
                    Main.NEW_ADMIN_KEY);

            assertThat(ended.exitCode()).as(ended.output()).isEqualTo(1);
            assertThat(ended.output()).contains("There is no Patchbay database at").contains("PATCHBAY_DATABASE_URL");
            assertThat(KEY.matcher(ended.output()).find()).isFalse();
            try (java.sql.Connection db = java.sql.DriverManager.getConnection(url, "postgres", "postgres");
                 java.sql.ResultSet tables = db.getMetaData().getTables(null, null, "%", new String[] {"TABLE"})) {
                assertThat(tables.next()).as("no table was created").isFalse();
            }
        }
    }

    @Test
    void newAdminKeyWhileTheServerUsesTheDataFolderFailsAndCreatesNothing() throws Exception {
        Path data = dir.resolve("data");
        try (PatchbayServer server = TestServers.start(data, Map.of())) {
            Ended ended = run(Map.of("PATCHBAY_DATA_DIR", data.toString()), Main.NEW_ADMIN_KEY);
            assertThat(ended.exitCode()).as(ended.output()).isEqualTo(1);
            assertThat(ended.output()).contains("No admin key was created").contains("another Patchbay process uses");
            assertThat(KEY.matcher(ended.output()).find()).isFalse();
        }
    }

    @Test
    void aLogFolderThatCannotBeCreatedStopsTheStartWithOneClearLine() throws Exception {
        Path notAFolder = Files.writeString(dir.resolve("plain-file"), "x");
        Ended ended = run(Map.of("PATCHBAY_DATA_DIR", dir.resolve("data").toString(), "PATCHBAY_PORT", "0",
                "PATCHBAY_LOG_DIR", notAFolder.resolve("logs").toString()));
        assertThat(ended.exitCode()).as(ended.output()).isEqualTo(1);
        assertThat(ended.output().strip()).startsWith("Patchbay could not start: the log folder "
                        + notAFolder.resolve("logs").toAbsolutePath() + " (PATCHBAY_LOG_DIR, by default "
                        + "PATCHBAY_DATA_DIR/logs) cannot be created")
                .doesNotContain("ch.qos.logback").hasLineCount(1);
    }

    @Test
    void aDataFolderThatCannotBeCreatedStopsTheStartNamingTheSetting() throws Exception {
        Path notAFolder = Files.writeString(dir.resolve("plain-file"), "x");
        Ended ended = run(Map.of("PATCHBAY_DATA_DIR", notAFolder.resolve("data").toString(), "PATCHBAY_PORT", "0",
                "PATCHBAY_LOG_DIR", dir.resolve("logs").toString()));
        assertThat(ended.exitCode()).as(ended.output()).isEqualTo(1);
        assertThat(ended.output().strip()).startsWith("Patchbay could not start: the data folder "
                + notAFolder.resolve("data").toAbsolutePath() + " (PATCHBAY_DATA_DIR) cannot be created")
                .hasLineCount(1);
    }

    @Test
    void withALogbackFileOfItsOwnTheBuiltInLogFolderIsNotRequired() throws Exception {
        Path notAFolder = Files.writeString(dir.resolve("plain-file"), "x");
        Path logback = Files.writeString(dir.resolve("logback.xml"), """
                <configuration>
                  <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder><pattern>%msg%n</pattern></encoder>
                  </appender>
                  <root level="INFO"><appender-ref ref="OUT"/></root>
                </configuration>
                """);
        Ended ended = run(List.of("-Dlogback.configurationFile=" + logback), Map.of(
                "PATCHBAY_DATA_DIR", notAFolder.resolve("data").toString(), "PATCHBAY_PORT", "0",
                "PATCHBAY_LOG_DIR", notAFolder.resolve("logs").toString()));
        assertThat(ended.exitCode()).as(ended.output()).isEqualTo(1);
        assertThat(ended.output()).doesNotContain("the log folder").contains("the data folder");
    }

    @Test
    void aFailedStartIsReportedEvenWithLoggingOff() throws Exception {
        Ended ended = run(Map.of("PATCHBAY_DATA_DIR", dir.resolve("data").toString(), "PATCHBAY_PORT", "0",
                "PATCHBAY_LOG_LEVEL", "OFF", "PATCHBAY_KEYSET_JSON", "{not a keyset"));
        assertThat(ended.exitCode()).as(ended.output()).isEqualTo(1);
        assertThat(ended.output()).contains("Patchbay could not start: Unusable keyset: environment variable "
                + "PATCHBAY_KEYSET_JSON");
    }

    @Test
    void aSettingForAConnectorThatIsNotLoadedIsAConfigurationMistakeFoundBeforeAnAdminKeyIsMade() throws Exception {
        Path data = dir.resolve("data");
        Ended ended = run(Map.of("PATCHBAY_DATA_DIR", data.toString(), "PATCHBAY_PORT", "0",
                "PATCHBAY_CONNECTOR_TOGLE_BASE_URL", "http://127.0.0.1:9"));
        assertThat(ended.exitCode()).as(ended.output()).isEqualTo(2);
        assertThat(ended.output()).contains("Invalid configuration:")
                .contains("PATCHBAY_CONNECTOR_TOGLE_* (connector.togle.* in a file): no connector 'togle' is loaded")
                .doesNotContain("\tat ");
        assertThat(ended.output()).as("no admin key was made").doesNotContain("pb_sk_");
    }

    @Test
    void aDataFolderSettingThatNamesAFileSaysSo() throws Exception {
        Path file = Files.writeString(dir.resolve("patchbay.db"), "x");
        Ended ended = run(Map.of("PATCHBAY_DATA_DIR", file.toString(), "PATCHBAY_PORT", "0",
                "PATCHBAY_LOG_DIR", dir.resolve("logs").toString()));
        assertThat(ended.exitCode()).as(ended.output()).isEqualTo(1);
        assertThat(ended.output().strip()).isEqualTo("Patchbay could not start: the data folder "
                + file.toAbsolutePath() + " (PATCHBAY_DATA_DIR) cannot be created: " + file + " is a file, not a folder");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** {@code Main} in a new JVM, run until it ends by itself (60 s at most). */
    private static Ended run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        return run(List.of(), env, args);
    }

    private static Ended run(List<String> jvmOptions, Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        return MainProcess.runToExit(Duration.ofSeconds(60), jvmOptions, env, args);
    }
}
