package io.patchbay.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patchbay.storage.KeysetSource;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    @Test
    void noConfigurationAtAllGivesTheEmbeddedDefault() {
        ServerConfig config = ConfigLoader.load(Map.of("HOME", "/root", "PATH", "/bin"));
        assertThat(config.port()).isEqualTo(8080);
        assertThat(config.host()).isEqualTo("127.0.0.1");
        assertThat(config.storage().jdbcUrl()).isEqualTo("jdbc:sqlite:" + Path.of("data", "patchbay.db"));
        assertThat(config.keyset()).isEqualTo(KeysetSource.file(Path.of("data", "keyset.json")));
        assertThat(config.generateKeyset()).isTrue();
        assertThat(config.maxRequestBytes()).isEqualTo(1024 * 1024);
        assertThat(config.storage().statementTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.connectors()).isEmpty();
        assertThat(config.callTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.shutdownTimeout()).as("a provider call in flight on stop may run to its own end")
                .isEqualTo(Duration.ofSeconds(32));
    }

    @Test
    void theDefaultDrainOnStopFollowsTheProviderCallTimeoutUnlessSet() {
        assertThat(ConfigLoader.load(Map.of("PATCHBAY_PROVIDER_CALL_TIMEOUT", "90s")).shutdownTimeout())
                .isEqualTo(Duration.ofSeconds(92));
        assertThat(ConfigLoader.load(Map.of("PATCHBAY_PROVIDER_CALL_TIMEOUT", "90s", "PATCHBAY_SHUTDOWN_TIMEOUT",
                "5s")).shutdownTimeout()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void theLoggingSettingsAreCheckedInAnyCaseAndBlankMeansTheDefault() {
        for (String level : List.of("warn", "DEBUG", " Info ", "")) {
            assertThat(ConfigLoader.load(Map.of("PATCHBAY_LOG_LEVEL", level)).port()).as(level).isEqualTo(8080);
        }
        assertThat(ConfigLoader.load(Map.of("PATCHBAY_LOG_FORMAT", "Json")).port()).isEqualTo(8080);
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("PATCHBAY_LOG_LEVEL", "warning", "PATCHBAY_LOG_FORMAT",
                "logfmt")))
                .hasMessageContaining("PATCHBAY_LOG_LEVEL: must be one of [TRACE, DEBUG, INFO, WARN, ERROR, OFF] (in "
                        + "any case), got 'warning'")
                .hasMessageContaining("PATCHBAY_LOG_FORMAT: must be one of [TEXT, JSON] (in any case), got 'logfmt'");
    }

    @Test
    void environmentVariablesSetEverySetting() {
        ServerConfig config = ConfigLoader.load(Map.of(
                "PATCHBAY_PORT", "9090",
                "PATCHBAY_HOST", "0.0.0.0",
                "PATCHBAY_DATABASE_URL", "jdbc:postgresql://db:5432/patchbay",
                "PATCHBAY_DATABASE_USER", "patchbay",
                "PATCHBAY_DATABASE_PASSWORD", "s3cret-db-pass",
                "PATCHBAY_KEYSET_FILE", "/etc/patchbay/keyset.json",
                "PATCHBAY_MAX_REQUEST_BYTES", "2MiB",
                "PATCHBAY_PROVIDER_CALL_TIMEOUT", "45s",
                "PATCHBAY_CONNECTOR_TOGGL_BASE_URL", "http://127.0.0.1:9999",
                "PATCHBAY_CONNECTOR_ONEFLOW_MAX_RETRIES", "2"));
        assertThat(config.port()).isEqualTo(9090);
        assertThat(config.host()).isEqualTo("0.0.0.0");
        assertThat(config.storage().jdbcUrl()).isEqualTo("jdbc:postgresql://db:5432/patchbay");
        assertThat(config.storage().user()).hasValue("patchbay");
        assertThat(config.storage().password()).hasValue("s3cret-db-pass");
        assertThat(config.keyset()).isEqualTo(KeysetSource.file(Path.of("/etc/patchbay/keyset.json")));
        assertThat(config.generateKeyset()).as("a configured keyset is never generated").isFalse();
        assertThat(config.maxRequestBytes()).isEqualTo(2 * 1024 * 1024);
        assertThat(config.callTimeout()).isEqualTo(Duration.ofSeconds(45));
        assertThat(ConfigLoader.load(Map.of("PATCHBAY_DATABASE_STATEMENT_TIMEOUT", "90s")).storage().statementTimeout())
                .isEqualTo(Duration.ofSeconds(90));
        assertThat(config.connector("toggl").baseUrl()).hasValue(URI.create("http://127.0.0.1:9999"));
        assertThat(config.connector("oneflow").settings()).isEqualTo(Map.of("max_retries", "2"));
        assertThat(config.toString()).doesNotContain("s3cret-db-pass");
    }

    @Test
    void anEmptyConnectorSettingCountsAsNotSet() {
        ServerConfig config = ConfigLoader.load(Map.of("PATCHBAY_CONNECTOR_TOGGL_BASE_URL", "",
                "PATCHBAY_CONNECTOR_ONEFLOW_MAX_RETRIES", " ", "PATCHBAY_CONNECTOR_ONEFLOW_BASE_URL",
                "http://127.0.0.1:7001/v1"));
        assertThat(config.connectors()).containsOnlyKeys("oneflow");
        assertThat(config.connector("oneflow").settings()).isEmpty();
        assertThat(config.connector("toggl").baseUrl()).isEmpty();
    }

    @Test
    void everyBadValueIsReportedAtOnceWithItsSource() {
        assertThatThrownBy(() -> ConfigLoader.load(Map.of(
                "PATCHBAY_PORT", "eighty",
                "PATCHBAY_MAX_REQUEST_BYTES", "lots",
                "PATCHBAY_DATABASE_URL", "mysql://db",
                "PATCHBAY_CONNECTOR_TOGGL_BASE_URL", "ftp://toggl",
                "PATCHBAY_PROVIDER_CONNECT_TIMEOUT", "10",
                "PATCHBAY_LOG_LEVEL", "verbose",
                "PATCHBAY_PROT", "80",
                "PATCHBAY_DATABASE_STATEMENT_TIMEOUT", "0s")))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.problems()).hasSize(8);
                    assertThat(e.getMessage())
                            .contains("PATCHBAY_PORT: must be a whole number from 0 to 65535, got 'eighty'")
                            .contains("PATCHBAY_MAX_REQUEST_BYTES")
                            .contains("PATCHBAY_DATABASE_URL: must start with jdbc:postgresql: or jdbc:sqlite:")
                            .contains("PATCHBAY_CONNECTOR_TOGGL_BASE_URL: must be an absolute http(s) URL")
                            .contains("PATCHBAY_PROVIDER_CONNECT_TIMEOUT: must be a positive duration")
                            .contains("PATCHBAY_LOG_LEVEL: must be one of [TRACE, DEBUG, INFO, WARN, ERROR, OFF] (in "
                                    + "any case), got 'verbose'")
                            .contains("unknown setting 'PATCHBAY_PROT'")
                            .contains("PATCHBAY_DATABASE_STATEMENT_TIMEOUT: must be a positive duration");
                });
    }

    @Test
    void browserOriginsAreReadAsBrowsersSendThemAndAnythingElseIsNamed() {
        assertThat(ConfigLoader.load(Map.of()).corsOrigins()).as("none by default").isEmpty();
        ServerConfig config = ConfigLoader.load(Map.of("PATCHBAY_CORS_ALLOWED_ORIGINS",
                " HTTPS://App.Example.com:443/ ,http://localhost:3000,https://app.example.com,http://[::1]:8081"));
        assertThat(config.corsOrigins()).containsExactly("https://app.example.com", "http://localhost:3000",
                "http://[::1]:8081");

        assertThatThrownBy(() -> ConfigLoader.load(Map.of("PATCHBAY_CORS_ALLOWED_ORIGINS",
                "*,https://app.example.com/connect,app.example.com,https://a.example,,ftp://files.example")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.getMessage())
                        .contains("'*' is not accepted; list each origin")
                        .contains("'https://app.example.com/connect' is not an origin: scheme, host and port only")
                        .contains("'app.example.com' is not an origin: scheme (http or https) and host")
                        .contains("an empty item (a comma too many)")
                        .contains("'ftp://files.example' is not an origin")
                        .doesNotContain("'https://a.example' is not"));
    }

    @Test
    void theStoragesOwnRulesAreReportedAsSettingsWithoutAPassword() {
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("PATCHBAY_DATABASE_URL", "jdbc:sqlite:?password=hunter2")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.getMessage())
                        .contains("PATCHBAY_DATABASE_URL: SQLite needs a database file path")
                        .contains("password=***").doesNotContain("hunter2"));
    }

    @Test
    void aRefusedUrlIsShownWithoutItsUserInfo() {
        assertThatThrownBy(() -> ConfigLoader.load(Map.of(
                "PATCHBAY_CONNECTOR_TOGGL_BASE_URL", "https://svc:S3cretProxyPassw0rd@proxy.example/api?x=1")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.getMessage())
                        .contains("PATCHBAY_CONNECTOR_TOGGL_BASE_URL")
                        .contains("https://***@proxy.example/")
                        .doesNotContain("S3cretProxyPassw0rd").doesNotContain("svc:"));
    }

    @Test
    void aDatabaseUrlWithAUserAndPasswordIsRefusedWithoutShowingThePassword() {
        assertThatThrownBy(() -> ConfigLoader.load(Map.of(
                "PATCHBAY_DATABASE_URL", "jdbc:postgresql://patchbay:Db5ecretPw@db.internal:5432/patchbay")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.getMessage())
                        .contains("environment variable PATCHBAY_DATABASE_URL: must not hold a user or password")
                        .contains("set PATCHBAY_DATABASE_USER and PATCHBAY_DATABASE_PASSWORD instead")
                        .contains("jdbc:postgresql://***@db.internal:5432/patchbay")
                        .doesNotContain("Db5ecretPw"));
        // An @ in a parameter is no user info.
        assertThat(ConfigLoader.load(Map.of("PATCHBAY_DATABASE_URL",
                "jdbc:postgresql://db:5432/patchbay?ApplicationName=ops@night")).storage().jdbcUrl())
                .endsWith("ops@night");
    }

    @Test
    void aPasswordWithSlashesOrAtSignsInTheDatabaseUrlIsRefusedAndNeverShown() {
        Map<String, String> shown = Map.of(
                "jdbc:postgresql://pb:Pa/ss@127.0.0.1:19099/pb", "jdbc:postgresql://***@127.0.0.1:19099/pb",
                "jdbc:postgresql://pb:Pa/ssw0rd@db/pb", "jdbc:postgresql://***@db/pb",
                "jdbc:postgresql://pb:Pa@ssw0rd@db/pb", "jdbc:postgresql://***@db/pb",
                "jdbc:postgresql://pb:Pa?ss#w0rd@db/pb", "jdbc:postgresql://***@db/pb");
        shown.forEach((url, masked) -> assertThatThrownBy(() -> ConfigLoader.load(Map.of(
                "PATCHBAY_DATABASE_URL", url))).as(url)
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.getMessage())
                        .contains("environment variable PATCHBAY_DATABASE_URL: must not hold a user or password")
                        .contains("got '" + masked + "'")
                        .doesNotContain("Pa/ss").doesNotContain("ssw0rd").doesNotContain("Pa?ss")));
    }

    @Test
    void theDatabasePasswordIsShownInNoMessageEvenWherePastedByMistake() {
        assertThatThrownBy(() -> ConfigLoader.load(Map.of(
                "PATCHBAY_DATABASE_PASSWORD", "Hunter2Pw",
                "PATCHBAY_CONNECTOR_TOGGL_BASE_URL", "Hunter2Pw",
                "PATCHBAY_HOST", "db?pw=Hunter2Pw")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.getMessage())
                        .contains("PATCHBAY_CONNECTOR_TOGGL_BASE_URL: must be an absolute http(s) URL such as "
                                + "https://api.example.com/v1, got '***'")
                        .contains("got 'db?pw=***'")
                        .doesNotContain("Hunter2Pw"));
    }

    @Test
    void aHostWithASchemeOrPortIsRefusedBeforeAnythingStarts() {
        for (String host : List.of("http://0.0.0.0", "0.0.0.0:8080", "localhost:80", "my host")) {
            assertThatThrownBy(() -> ConfigLoader.load(Map.of("PATCHBAY_HOST", host))).as(host)
                    .hasMessageContaining("environment variable PATCHBAY_HOST: must be a host name or IP address to "
                            + "listen on, without a scheme or port (the port is PATCHBAY_PORT)");
        }
        for (String host : List.of("0.0.0.0", "127.0.0.1", "::", "::1", "[::1]", "fe80::1%eth0", "localhost",
                "patchbay-0.internal")) {
            assertThat(ConfigLoader.load(Map.of("PATCHBAY_HOST", host)).host()).isEqualTo(host);
        }
    }

    @Test
    void aConnectorsDirThatIsAFileIsRefused() throws IOException {
        Path jar = Files.writeString(dir.resolve("my-connector.jar"), "x");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("PATCHBAY_CONNECTORS_DIR", jar.toString())))
                .hasMessageContaining("environment variable PATCHBAY_CONNECTORS_DIR: must be a folder holding one "
                        + "subfolder per drop-in connector, not a file, got '" + jar + "'");
        assertThat(ConfigLoader.load(Map.of("PATCHBAY_CONNECTORS_DIR", dir.resolve("missing").toString()))
                .connectorsDir()).as("a missing folder is fine").isEqualTo(dir.resolve("missing"));
    }

    @Test
    void aYamlFileIsReadAndTheEnvironmentWins() throws IOException {
        Path file = dir.resolve("patchbay.yaml");
        Files.writeString(file, """
                port: 7000
                host: 0.0.0.0
                database:
                  url: jdbc:postgresql://db/patchbay
                  password: from-file
                connector:
                  oneflow:
                    base_url: http://127.0.0.1:7001/v1
                log:
                  level: debug
                  format: json
                cors:
                  allowed_origins:
                    - https://app.example.com
                    - http://localhost:3000
                """);
        ServerConfig config = ConfigLoader.load(Map.of("PATCHBAY_CONFIG_FILE", file.toString(),
                "PATCHBAY_PORT", "7100", "PATCHBAY_LOG_FORMAT", "text"));
        assertThat(config.port()).isEqualTo(7100);
        assertThat(config.logging()).containsExactlyInAnyOrderEntriesOf(Map.of("PATCHBAY_LOG_LEVEL", "debug",
                "PATCHBAY_LOG_FORMAT", "text", "PATCHBAY_LOG_DIR", Path.of("data", "logs").toString()));
        assertThat(config.host()).isEqualTo("0.0.0.0");
        assertThat(config.storage().password()).hasValue("from-file");
        assertThat(config.connector("oneflow").baseUrl()).hasValue(URI.create("http://127.0.0.1:7001/v1"));
        assertThat(config.corsOrigins()).containsExactly("https://app.example.com", "http://localhost:3000");
    }

    @Test
    void anEmptyVariableLeavesTheFilesValue() throws IOException {
        Path file = dir.resolve("patchbay.yaml");
        Files.writeString(file, """
                port: 7000
                connector:
                  toggl:
                    base_url: http://proxy.internal:3128/toggl
                """);
        ServerConfig config = ConfigLoader.load(Map.of("PATCHBAY_CONFIG_FILE", file.toString(), "PATCHBAY_PORT", "",
                "PATCHBAY_CONNECTOR_TOGGL_BASE_URL", " "));
        assertThat(config.port()).isEqualTo(7000);
        assertThat(config.connector("toggl").baseUrl()).hasValue(URI.create("http://proxy.internal:3128/toggl"));
    }

    @Test
    void aYamlSettingGivenDottedAndAsABlockIsRefusedAsGivenTwice() throws IOException {
        Path file = dir.resolve("patchbay.yaml");
        Files.writeString(file, """
                log.level: debug
                log:
                  level: warn
                """);
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("PATCHBAY_CONFIG_FILE", file.toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("the key 'log.level' is given twice; give each setting once");
    }

    @Test
    void theVariablesKubernetesSetsForAServiceNamedPatchbayAreNotSettings() {
        // What a pod sees for Services "patchbay" and "patchbay-admin" (enableServiceLinks is on by default).
        ServerConfig config = ConfigLoader.load(Map.ofEntries(
                Map.entry("PATCHBAY_SERVICE_HOST", "10.96.0.12"), Map.entry("PATCHBAY_SERVICE_PORT", "8080"),
                Map.entry("PATCHBAY_SERVICE_PORT_HTTP", "8080"), Map.entry("PATCHBAY_PORT", "tcp://10.96.0.12:8080"),
                Map.entry("PATCHBAY_PORT_8080_TCP", "tcp://10.96.0.12:8080"),
                Map.entry("PATCHBAY_PORT_8080_TCP_PROTO", "tcp"), Map.entry("PATCHBAY_PORT_8080_TCP_PORT", "8080"),
                Map.entry("PATCHBAY_PORT_8080_TCP_ADDR", "10.96.0.12"),
                Map.entry("PATCHBAY_ADMIN_SERVICE_HOST", "10.96.0.13"),
                Map.entry("PATCHBAY_ADMIN_PORT", "tcp://10.96.0.13:9000")));
        assertThat(config.port()).as("the default: the link's PATCHBAY_PORT is not a port").isEqualTo(8080);

        assertThatThrownBy(() -> ConfigLoader.load(Map.of("PATCHBAY_PORT", "80x")))
                .as("a port that is not a link's URL is still checked").isInstanceOf(ConfigException.class)
                .hasMessageContaining("PATCHBAY_PORT");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("PATCHBAY_SERVICE_HOSTS", "x")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("unknown setting 'PATCHBAY_SERVICE_HOSTS'");
    }

    @Test
    void aYamlKeyWithoutAValueCountsAsNotSetButItsNameIsStillChecked() throws IOException {
        Path file = dir.resolve("patchbay.yaml");
        Files.writeString(file, "host:\nport: 7000\ndatabase:\n  url:\n");
        ServerConfig config = ConfigLoader.load(Map.of("PATCHBAY_CONFIG_FILE", file.toString()));
        assertThat(config.host()).isEqualTo("127.0.0.1");
        assertThat(config.databaseUrl()).isEmpty();
        assertThat(config.port()).isEqualTo(7000);

        Files.writeString(file, "hots:\n");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("PATCHBAY_CONFIG_FILE", file.toString())))
                .hasMessageContaining("unknown setting 'hots'");
    }

    @Test
    void aKeyGivenTwiceInAYamlFileIsRefusedNamingIt() throws IOException {
        Path file = dir.resolve("patchbay.yaml");
        Files.writeString(file, """
                port: 7000
                database:
                  url: jdbc:postgresql://db/patchbay
                  password: Sup3rS3cret
                database:
                  pool_size: 4
                """);
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("PATCHBAY_CONFIG_FILE", file.toString())))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactly(
                        "config file " + file.toAbsolutePath() + ": the key 'database' is given twice (line 5, "
                                + "column 9); give each setting once (a repeated block would replace the earlier one)"));

        Files.writeString(file, "database:\n  url: jdbc:sqlite:a.db\n  url: jdbc:sqlite:b.db\n");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("PATCHBAY_CONFIG_FILE", file.toString())))
                .hasMessageContaining(": the key 'database.url' is given twice (line 3,");
    }

    @Test
    void aYamlSyntaxErrorNamesTheLineAndColumnButNeverQuotesTheLine() throws IOException {
        Path file = dir.resolve("patchbay.yaml");
        Files.writeString(file, "port: 7000\ndatabase:\n  password: \"Sup3rS3cret\n");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("PATCHBAY_CONFIG_FILE", file.toString())))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.problems()).containsExactly("config file " + file.toAbsolutePath()
                            + ": is not valid YAML (line 4, column 1): while scanning a quoted scalar: found "
                            + "unexpected end of stream");
                    assertThat(e.getMessage()).doesNotContain("Sup3rS3cret");
                });

        Files.writeString(file, "database:\n  password: Sup3r: S3cret\n");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("PATCHBAY_CONFIG_FILE", file.toString())))
                .hasMessageContaining(": is not valid YAML (line 2, column")
                .hasMessageNotContaining("S3cret");
    }

    @Test
    void valuesTheJdkCannotTakeAreConfigurationProblemsNamingTheSetting() throws IOException {
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("PATCHBAY_SHUTDOWN_TIMEOUT", "200000000000000000m")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactly(
                        "environment variable PATCHBAY_SHUTDOWN_TIMEOUT: must be a positive duration up to 1 hour "
                                + "with a unit: ms, s or m (e.g. 10s), got '200000000000000000m'"));

        Path properties = dir.resolve("patchbay.properties");
        Files.writeString(properties, "data_dir=C:\\users\\pb\n");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("PATCHBAY_CONFIG_FILE", properties.toString())))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactly(
                        "config file " + properties.toAbsolutePath() + ": is not a valid properties file (Malformed "
                                + "\\uxxxx encoding.); a backslash starts an escape there: write C:\\\\users\\\\pb or "
                                + "C:/users/pb"));

        Path yaml = dir.resolve("patchbay.yaml");
        Files.writeString(yaml, "data_dir: \"a\\0b\"\nlog:\n  dir: \"l\\0g\"\n");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("PATCHBAY_CONFIG_FILE", yaml.toString())))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .anySatisfy(p -> assertThat(p).startsWith("config file " + yaml.toAbsolutePath()
                                + ": data_dir: is not a usable path: Nul character not allowed"))
                        .anySatisfy(p -> assertThat(p).startsWith("config file " + yaml.toAbsolutePath()
                                + ": log.dir: is not a usable path: Nul character not allowed")));
    }

    @Test
    void aPropertiesFileUsesTheSameKeys() throws IOException {
        Path file = dir.resolve("patchbay.properties");
        Files.writeString(file, "data_dir=/var/lib/patchbay\nconnectors.dir=/opt/connectors\nkeyset.generate=true\n"
                + "database.pool_size=8\n");
        ServerConfig config = ConfigLoader.load(Map.of("PATCHBAY_CONFIG_FILE", file.toString()));
        assertThat(config.logging()).as("logs beside the data").containsExactlyEntriesOf(Map.of("PATCHBAY_LOG_DIR",
                Path.of("/var/lib/patchbay", "logs").toString()));
        assertThat(config.dataDir()).isEqualTo(Path.of("/var/lib/patchbay"));
        assertThat(config.connectorsDir()).isEqualTo(Path.of("/opt/connectors"));
        assertThat(config.databasePoolSize()).isEqualTo(8);
        assertThat(config.keyset()).isEqualTo(KeysetSource.file(Path.of("/var/lib/patchbay/keyset.json")));
    }

    @Test
    void fileMistakesNameTheFileAndTheKey() throws IOException {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, "port: 99999\ndatabse:\n  url: x\nconnector:\n  toggl:\n    base_url: [1, 2]\n"
                + "log:\n  level: chatty\ncors:\n  allowed_origins:\n    - {host: a}\n");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("PATCHBAY_CONFIG_FILE", file.toString())))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .anySatisfy(p -> assertThat(p).isEqualTo("config file " + file.toAbsolutePath() + ": port: "
                                + "must be a whole number from 0 to 65535, got '99999'"))
                        .anySatisfy(p -> assertThat(p).contains("unknown setting 'databse.url'"))
                        .anySatisfy(p -> assertThat(p).contains("connector.toggl.base_url must be a single value"))
                        .anySatisfy(p -> assertThat(p).contains("cors.allowed_origins must be a comma-separated value "
                                + "or a list of values"))
                        .anySatisfy(p -> assertThat(p).isEqualTo("config file " + file.toAbsolutePath()
                                + ": log.level: must be one of [TRACE, DEBUG, INFO, WARN, ERROR, OFF] (in any case), "
                                + "got 'chatty'")));

        assertThatThrownBy(() -> ConfigLoader.load(Map.of("PATCHBAY_CONFIG_FILE", dir.resolve("none.yaml").toString())))
                .hasMessageContaining("does not exist");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("PATCHBAY_CONFIG_FILE", file.toString() + ".txt")))
                .hasMessageContaining("does not exist");
    }

    @Test
    void aKeysetGivenAsJsonIsNeverWrittenAndItsValueNeverShown() {
        ServerConfig config = ConfigLoader.load(Map.of("PATCHBAY_KEYSET_JSON", "{\"primaryKeyId\":1}"));
        assertThat(config.keyset()).isInstanceOf(KeysetSource.Json.class);
        assertThat(config.generateKeyset()).isFalse();
        assertThat(config.toString()).doesNotContain("primaryKeyId");

        assertThatThrownBy(() -> ConfigLoader.load(Map.of("PATCHBAY_KEYSET_JSON", "{\"primaryKeyId\":1}",
                "PATCHBAY_KEYSET_FILE", "/k.json", "PATCHBAY_KEYSET_GENERATE", "true")))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.problems()).hasSize(2);
                    assertThat(e.getMessage()).doesNotContain("primaryKeyId");
                });
    }

    @Test
    void theEmbeddedConfigOfTestsPointsEverythingIntoItsFolder() {
        ServerConfig config = ServerConfig.embedded(dir, 0);
        assertThat(config.storage().jdbcUrl()).isEqualTo("jdbc:sqlite:" + dir.resolve("patchbay.db"));
        assertThat(config.port()).isZero();
        assertThat(config.connector("toggl").baseUrl()).isEqualTo(Optional.empty());
    }
}
