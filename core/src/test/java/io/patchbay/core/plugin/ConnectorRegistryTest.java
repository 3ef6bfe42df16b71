package io.patchbay.core.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.patchbay.core.LinesLogger;
import io.patchbay.core.LoggedEvents;
import io.patchbay.core.catalog.ConnectorCalls;
import io.patchbay.spi.Connector;
import io.patchbay.spi.ConnectorContext;
import io.patchbay.spi.Credentials;
import io.patchbay.spi.SpiVersion;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Builds throwaway connector jars at test time, drops them into a connectors folder and loads them the way the
 * server does.
 */
class ConnectorRegistryTest {

    @TempDir
    Path temp;

    @Test
    void loadsADroppedInConnectorInItsOwnIsolatedClassLoader() throws Exception {
        Path connectors = temp.resolve("connectors");
        buildConnectorJar(connectors.resolve("echo"), "echo", SpiVersion.CURRENT);

        try (ConnectorRegistry registry = load(connectors)) {
            ConnectorRegistry.Loaded echo = registry.find("echo").orElseThrow();
            assertThat(echo.source().kind()).isEqualTo(ConnectorSource.Kind.DIRECTORY);
            assertThat(echo.version()).isEqualTo("9.9.9");
            assertThat(registry.rejected()).isEmpty();
            // The connector reports what it could see from inside its loader.
            assertThat(echo.connector().info().description())
                    .contains("spi=visible")
                    .contains("host=hidden");
            assertThat(echo.connector().getClass().getClassLoader()).isInstanceOf(ConnectorClassLoader.class);
            assertThat(echo.connector().credentialSpec().defaultMethod().id()).isEqualTo("api_token");
        }
    }

    @Test
    void refusesAJarBuiltForAnotherSpiMajorVersionNamingBothVersions() throws Exception {
        Path connectors = temp.resolve("connectors");
        buildConnectorJar(connectors.resolve("future"), "future", "2.0");
        buildConnectorJar(connectors.resolve("echo"), "echo", SpiVersion.CURRENT);

        try (ConnectorRegistry registry = load(connectors)) {
            assertThat(registry.find("future")).isEmpty();
            assertThat(registry.find("echo")).as("a refused folder does not stop the others").isPresent();
            assertThat(registry.rejected()).singleElement().satisfies(r -> {
                assertThat(r.source().folder()).contains(connectors.resolve("future"));
                assertThat(r.reason()).contains("SPI 2.0").contains("SPI " + SpiVersion.CURRENT);
            });
        }
    }

    @Test
    void refusesANewerMinorVersionAndAFolderWithoutDescriptor() throws Exception {
        Path connectors = temp.resolve("connectors");
        buildConnectorJar(connectors.resolve("newer"), "newer", SpiVersion.MAJOR + "." + (SpiVersion.MINOR + 1));
        Files.createDirectories(connectors.resolve("empty"));

        try (ConnectorRegistry registry = load(connectors)) {
            assertThat(registry.find("newer")).isEmpty();
            assertThat(registry.rejected()).extracting(ConnectorRegistry.Rejected::reason)
                    .anySatisfy(r -> assertThat(r).contains("no .jar files"))
                    .anySatisfy(r -> assertThat(r).contains("needs SPI " + SpiVersion.MAJOR + "." + (SpiVersion.MINOR + 1)));
        }
    }

    @Test
    void refusesAFolderWhoseDefinitionIsInvalidNamingTheReasonAndKeepsTheOthers() throws Exception {
        Path connectors = temp.resolve("connectors");
        buildConnectorJar(connectors.resolve("dupfield"), "dupfield", SpiVersion.CURRENT,
                "CredentialSpec.of(new AuthMethod(\"api_token\", \"API token\", true, List.of("
                        + "CredentialField.secret(\"api_token\", \"Token\", \"t\"), "
                        + "CredentialField.text(\"api_token\", \"Again\", \"dup\")), List.of(), List.of()))");
        buildConnectorJar(connectors.resolve("echo"), "echo", SpiVersion.CURRENT);

        try (ConnectorRegistry registry = load(connectors)) {
            assertThat(registry.find("dupfield")).isEmpty();
            assertThat(registry.find("echo")).isPresent();
            assertThat(registry.rejected()).singleElement().satisfies(r -> {
                assertThat(r.source().folder()).contains(connectors.resolve("dupfield"));
                assertThat(r.reason()).contains("connector 'dupfield'").contains("invalid definition")
                        .contains("repeats field api_token");
            });
        }
    }

    @Test
    void duplicateIdsInTwoFoldersKeepTheFirstByName() throws Exception {
        Path connectors = temp.resolve("connectors");
        buildConnectorJar(connectors.resolve("a-echo"), "echo", SpiVersion.CURRENT);
        buildConnectorJar(connectors.resolve("b-echo"), "echo", SpiVersion.CURRENT);

        try (ConnectorRegistry registry = load(connectors)) {
            assertThat(registry.find("echo").orElseThrow().source().folder()).contains(connectors.resolve("a-echo"));
        }
    }

    @Test
    void theClassPathWinsOverAFolderWithTheSameId() throws Exception {
        Path connectors = temp.resolve("connectors");
        buildConnectorJar(connectors.resolve("shadow"), ClassPathEchoFactory.ID, SpiVersion.CURRENT);

        try (ConnectorRegistry registry = load(connectors)) {
            ConnectorRegistry.Loaded winner = registry.find(ClassPathEchoFactory.ID).orElseThrow();
            assertThat(winner.source().kind()).isEqualTo(ConnectorSource.Kind.CLASS_PATH);
            assertThat(winner.connector().info().description()).isEqualTo("Loaded from the class path");
            assertThat(registry.rejected()).isEmpty();
        }
    }

    @Test
    void aMissingConnectorsDirectoryLeavesTheClassPathConnectors() {
        try (ConnectorRegistry registry = load(temp.resolve("absent"))) {
            assertThat(registry.rejected()).isEmpty();
            assertThat(registry.loaded()).extracting(ConnectorRegistry.Loaded::id)
                    .containsExactly(ClassPathEchoFactory.ID, ClassPathPickyFactory.ID);
            assertThat(registry.loaded()).allMatch(l -> l.source().kind() == ConnectorSource.Kind.CLASS_PATH);
        }
    }

    @Test
    void eachConnectorGetsItsOwnContext() {
        try (ConnectorRegistry registry = ConnectorRegistry.load(getClass().getClassLoader(), Optional.empty(),
                id -> ConnectorContext.defaults(id).withBaseUrl(java.net.URI.create("http://127.0.0.1:9/" + id)))) {
            assertThat(registry.find(ClassPathEchoFactory.ID).orElseThrow().connector().baseUrl())
                    .hasToString("http://127.0.0.1:9/" + ClassPathEchoFactory.ID);
        }
    }

    @Test
    void oneClassPathConnectorWithABadSettingIsRefusedAndTheOthersLoad() {
        try (ConnectorRegistry registry = ConnectorRegistry.load(getClass().getClassLoader(), Optional.empty(),
                id -> ConnectorContext.defaults(id).withSettings(Map.of("sped", "3")))) {
            assertThat(registry.find(ClassPathEchoFactory.ID)).isPresent();
            assertThat(registry.find(ClassPathPickyFactory.ID)).isEmpty();
            assertThat(registry.rejected()).singleElement().satisfies(r -> {
                assertThat(r.source().kind()).isEqualTo(ConnectorSource.Kind.CLASS_PATH);
                assertThat(r.reason()).contains("connector 'classpath-picky'").contains("[sped]");
                assertThat(r.connectorId()).contains(ClassPathPickyFactory.ID);
            });
        }
    }

    @Test
    void aBaseUrlSettingIsTheBaseUrlOverrideForEveryConnector() {
        try (ConnectorRegistry registry = ConnectorRegistry.load(getClass().getClassLoader(), Optional.empty(),
                id -> ConnectorContext.defaults(id).withSettings(Map.of("BASE-URL", "http://127.0.0.1:9/" + id,
                        "speed", "3")))) {
            assertThat(registry.rejected()).as("the picky connector never sees base_url as a setting").isEmpty();
            assertThat(registry.find(ClassPathPickyFactory.ID).orElseThrow().connector().baseUrl())
                    .hasToString("http://127.0.0.1:9/" + ClassPathPickyFactory.ID);
        }
        try (ConnectorRegistry registry = ConnectorRegistry.load(getClass().getClassLoader(), Optional.empty(),
                id -> ConnectorContext.defaults(id).withSettings(Map.of("base_url", "not a url")))) {
            assertThat(registry.loaded()).isEmpty();
            assertThat(registry.rejected()).extracting(ConnectorRegistry.Rejected::reason)
                    .allSatisfy(r -> assertThat(r).contains("setting base_url"));
        }
    }

    @Test
    void refusesAnEmptyAuthMethodIdABadConnectorIdAndAnActionNameUsedTwice() throws Exception {
        Path connectors = temp.resolve("connectors");
        buildConnectorJar(connectors.resolve("noauthid"), "noauthid", SpiVersion.CURRENT,
                "CredentialSpec.of(new AuthMethod(\"\", \"API token\", true, List.of("
                        + "CredentialField.secret(\"api_token\", \"Token\", \"t\")), List.of(), List.of()))");
        buildConnectorJar(connectors.resolve("badid"), "Bad_Id", SpiVersion.CURRENT);
        buildConnectorJar(connectors.resolve("twice"), "twice", SpiVersion.CURRENT, "spec",
                actions("list_things", "list_things"), "");

        try (ConnectorRegistry registry = load(connectors)) {
            assertThat(registry.loaded()).extracting(ConnectorRegistry.Loaded::id)
                    .containsExactly(ClassPathEchoFactory.ID, ClassPathPickyFactory.ID);
            assertThat(registry.rejected()).extracting(ConnectorRegistry.Rejected::reason)
                    .anySatisfy(r -> assertThat(r).contains("connector 'noauthid'")
                            .contains("auth method with the id ''"))
                    .anySatisfy(r -> assertThat(r).contains("has the id 'Bad_Id'"))
                    .anySatisfy(r -> assertThat(r).contains("connector 'twice'")
                            .contains("defines action 'list_things' twice"));
        }
    }

    @Test
    void anActionSchemaTheHostsJsonParserRefusesRefusesTheConnectorNamingTheAction() throws Exception {
        Path connectors = temp.resolve("connectors");
        buildConnectorJar(connectors.resolve("badinput"), "badinput", SpiVersion.CURRENT, "spec",
                "List.of(new ActionDefinition(\"list_things\", \"T\", \"D\", \"{\\\"type\\\": object}\", \"{}\", true))",
                "");
        buildConnectorJar(connectors.resolve("badoutput"), "badoutput", SpiVersion.CURRENT, "spec",
                "List.of(new ActionDefinition(\"get_thing\", \"T\", \"D\", \"{}\", \"{} x\", true))", "");
        buildConnectorJar(connectors.resolve("echo"), "echo", SpiVersion.CURRENT, "spec",
                "List.of(new ActionDefinition(\"list_things\", \"T\", \"D\", \"{}\", \"true\", true))", "");
        // The host's parser (the server's is Moshi): here, one that knows these three texts.
        Map<String, String> problems = Map.of("{\"type\": object}", "unexpected 'o' at $.type", "{} x",
                "more text at $");

        try (ConnectorRegistry registry = ConnectorRegistry.load(ConnectorRegistryTest.class.getClassLoader(),
                Optional.of(connectors), ConnectorContext::defaults,
                schema -> Optional.ofNullable(problems.get(schema)))) {
            assertThat(registry.find("echo")).as("schemas the host reads load").isPresent();
            assertThat(registry.rejected()).extracting(ConnectorRegistry.Rejected::reason).containsExactlyInAnyOrder(
                    "connector 'badinput' from folder " + connectors.resolve("badinput") + " declares an input "
                            + "schema for action 'list_things' that is not JSON: unexpected 'o' at $.type",
                    "connector 'badoutput' from folder " + connectors.resolve("badoutput") + " declares an output "
                            + "schema for action 'get_thing' that is not JSON: more text at $");
        }
    }

    @Test
    void aFailingFactoryConstructorIsRefusedOnceWithItsCause() throws Exception {
        Path connectors = temp.resolve("connectors");
        buildConnectorJar(connectors.resolve("broken"), "broken", SpiVersion.CURRENT, "spec", "List.of()",
                "public EchoFactory() { throw new IllegalStateException(\"licence file missing\"); }");
        LoggedEvents events = LoggedEvents.of(ConnectorRegistry.class);
        try (ConnectorRegistry registry = load(connectors)) {
            assertThat(registry.rejected()).singleElement().satisfies(r -> {
                assertThat(r.reason()).contains("licence file missing");
                assertThat(r.connectorId()).as("its descriptor's id, though its factory never told it")
                        .contains("broken");
            });
            List<ILoggingEvent> refusals = events.list().stream().filter(e -> e.getLevel() == Level.ERROR).toList();
            assertThat(refusals).singleElement().satisfies(e -> {
                assertThat(e.getFormattedMessage()).contains("folder " + connectors.resolve("broken"))
                        .contains("licence file missing");
                assertThat(e.getThrowableProxy()).as("the cause is logged").isNotNull();
                assertThat(e.getThrowableProxy().getMessage()).isEqualTo("licence file missing");
            });
        } finally {
            events.close();
        }
    }

    @Test
    void aConnectorWhoseCreateThrowsAnErrorIsRefusedWithOneErrorLineAndTheOthersLoad() throws Exception {
        Path connectors = temp.resolve("connectors");
        buildConnectorJar(connectors.resolve("asserts"), "asserts", SpiVersion.CURRENT, "spec", "List.of()", "",
                "if (context != null) throw new AssertionError(\"token cache not primed\");");
        buildConnectorJar(connectors.resolve("services"), "services", SpiVersion.CURRENT, "spec", "List.of()", "",
                "if (context != null) throw new java.util.ServiceConfigurationError(\"no JSON provider\");");
        buildConnectorJar(connectors.resolve("recurses"), "recurses", SpiVersion.CURRENT, "spec", "List.of()",
                "private static int deeper(int n) { return deeper(n + 1) + 1; }",
                "if (context != null) deeper(0);");
        buildConnectorJar(connectors.resolve("spec-fails"), "spec-fails", SpiVersion.CURRENT,
                "((CredentialSpec) (Object) fail())", "List.of()",
                "static Object fail() { throw new AssertionError(\"no spec\"); }", "");
        buildConnectorJar(connectors.resolve("echo"), "echo", SpiVersion.CURRENT);
        LoggedEvents events = LoggedEvents.of(ConnectorRegistry.class);
        try (ConnectorRegistry registry = load(connectors)) {
            assertThat(registry.find("echo")).isPresent();
            assertThat(registry.rejected()).extracting(ConnectorRegistry.Rejected::reason).hasSize(4)
                    .anySatisfy(r -> assertThat(r).contains("connector 'asserts'").contains("failed to start")
                            .contains("java.lang.AssertionError: token cache not primed"))
                    .anySatisfy(r -> assertThat(r).contains("connector 'services'")
                            .contains("java.util.ServiceConfigurationError: no JSON provider"))
                    .anySatisfy(r -> assertThat(r).contains("connector 'recurses'")
                            .contains("java.lang.StackOverflowError"))
                    .anySatisfy(r -> assertThat(r).contains("connector 'spec-fails'").contains("invalid definition")
                            .contains("java.lang.AssertionError: no spec"));
            assertThat(events.list().stream().filter(e -> e.getLevel() == Level.ERROR)).hasSize(4);
        } finally {
            events.close();
        }
    }

    @Test
    void aFolderWhoseFactoryTellsANullIdOrFailsToTellItIsRefusedAndTheOthersLoad() throws Exception {
        Path connectors = temp.resolve("connectors");
        buildConnectorJar(connectors.resolve("nullid"), "nullid", SpiVersion.CURRENT, "spec", "List.of()",
                "public String id() { return null; }");
        buildConnectorJar(connectors.resolve("idfails"), "idfails", SpiVersion.CURRENT, "spec", "List.of()",
                "public String id() { throw new IllegalStateException(\"id boom\"); }");
        buildConnectorJar(connectors.resolve("echo"), "echo", SpiVersion.CURRENT);

        try (ConnectorRegistry registry = load(connectors)) {
            assertThat(registry.find("echo")).isPresent();
            assertThat(registry.rejected()).extracting(r -> r.source().folder().orElseThrow(), ConnectorRegistry.Rejected::reason)
                    .containsExactlyInAnyOrder(
                            tuple(connectors.resolve("idfails"), "connector factory "
                                    + "test.connector.idfails.EchoFactory from folder " + connectors.resolve("idfails")
                                    + " failed to tell its id: java.lang.IllegalStateException: id boom"),
                            tuple(connectors.resolve("nullid"), "connector factory "
                                    + "test.connector.nullid.EchoFactory from folder " + connectors.resolve("nullid")
                                    + " has the id null; a connector id is 1 to 64 lower-case letters, digits or "
                                    + "'-', starting with a letter"));
        }
    }

    @Test
    void aFolderWithMoreFactoriesThanItsDescriptorNamesLoadsThatOneAndWarnsAboutTheOthers() throws Exception {
        Path connectors = temp.resolve("connectors");
        buildConnectorJar(connectors.resolve("first"), "first", SpiVersion.CURRENT);
        buildConnectorJar(temp.resolve("elsewhere").resolve("second"), "second", SpiVersion.CURRENT);
        // The second connector's jar, without its own descriptor, beside the first: one folder, two factories.
        copyWithoutDescriptor(temp.resolve("elsewhere").resolve("second").resolve("second.jar"),
                connectors.resolve("first").resolve("second.jar"));
        LoggedEvents events = LoggedEvents.of(ConnectorRegistry.class);
        try (ConnectorRegistry registry = load(connectors)) {
            assertThat(registry.find("first")).isPresent();
            assertThat(registry.find("second")).isEmpty();
            assertThat(registry.rejected()).isEmpty();
            assertThat(events.list()).filteredOn(e -> e.getLevel() == Level.WARN).singleElement()
                    .extracting(ILoggingEvent::getFormattedMessage).isEqualTo("Folder " + connectors.resolve("first")
                            + " also provides connectors ['second'], which are not loaded: a folder loads the "
                            + "connector its descriptor names ('first'); give each connector a folder of its own");
        } finally {
            events.close();
        }
    }

    @Test
    void aBrokenOtherFactoryInAFolderIsWarnedAboutAndTheDeclaredOneLoads() throws Exception {
        Path connectors = temp.resolve("connectors");
        buildConnectorJar(connectors.resolve("first"), "first", SpiVersion.CURRENT);
        buildConnectorJar(temp.resolve("elsewhere").resolve("badid"), "badid", SpiVersion.CURRENT, "spec", "List.of()",
                "public String id() { return \"Not_An_Id\"; }");
        copyWithoutDescriptor(temp.resolve("elsewhere").resolve("badid").resolve("badid.jar"),
                connectors.resolve("first").resolve("badid.jar"));

        try (ConnectorRegistry registry = load(connectors)) {
            assertThat(registry.find("first")).isPresent();
            assertThat(registry.rejected()).isEmpty();
        }
    }

    @Test
    void aConnectorWhoseStartNeverReturnsIsRefusedAfterItsCallTimeoutAndTheOthersLoad() throws Exception {
        Path connectors = temp.resolve("connectors");
        buildConnectorJar(connectors.resolve("hangs"), "hangs", SpiVersion.CURRENT, "spec", "List.of()", "",
                "if (context != null) { try { Thread.sleep(Long.MAX_VALUE); } catch (InterruptedException e) { "
                        + "throw new IllegalStateException(\"interrupted\"); } }");
        buildConnectorJar(connectors.resolve("echo"), "echo", SpiVersion.CURRENT);

        long started = System.nanoTime();
        ConnectorRegistry registry = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> ConnectorRegistry.load(
                ConnectorRegistryTest.class.getClassLoader(), Optional.of(connectors), id -> id.equals("hangs")
                        ? ConnectorContext.defaults(id).withTimeouts(Duration.ofMillis(500), Duration.ofMillis(500))
                        : ConnectorContext.defaults(id)));
        try (registry) {
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("a short call timeout is not the limit")
                    .isGreaterThanOrEqualTo(ConnectorRegistry.MIN_START_TIME);
            assertThat(registry.find("echo")).isPresent();
            assertThat(registry.rejected()).singleElement().satisfies(r -> {
                assertThat(r.connectorId()).contains("hangs");
                assertThat(r.reason()).isEqualTo("connector 'hangs' from folder " + connectors.resolve("hangs")
                        + " did not start within 10000 ms (its call timeout, at least 10 s): its factory's create(), "
                        + "or its info(), credentialSpec() or actions(), did not return");
            });
        }
    }

    @Test
    void jarsDirectlyInTheConnectorsFolderAreNamedInOneWarningSayingWhatIsExpected() throws Exception {
        Path ownFolder = temp.resolve("echo");
        buildConnectorJar(ownFolder, "echo", SpiVersion.CURRENT);
        Path loose = Files.createDirectories(temp.resolve("connectors"));
        try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(loose.resolve("okio.jar")))) {
            put(jar, "okio/Okio.class", new byte[] {1});
        }
        LoggedEvents events = LoggedEvents.of(ConnectorRegistry.class);
        try {
            try (ConnectorRegistry registry = load(ownFolder)) {
                assertThat(registry.find("echo")).isEmpty();
            }
            try (ConnectorRegistry registry = load(loose)) {
                assertThat(registry.rejected()).isEmpty();
            }
            assertThat(events.list().stream().filter(e -> e.getLevel() == Level.WARN)
                    .map(ILoggingEvent::getFormattedMessage)).containsExactly(
                    "Connectors folder " + ownFolder + " is the folder of connector 'echo' itself ([echo.jar]), which "
                            + "is not loaded: the connectors folder holds one subfolder per connector, so set it to "
                            + temp.toAbsolutePath(),
                    "Connectors folder " + loose + " holds [okio.jar] directly, which is not loaded: each drop-in "
                            + "connector goes in a subfolder of its own with all its jars (" + loose + "/<connector>/)");
        } finally {
            events.close();
        }
    }

    @Test
    void aConnectorJarLyingBesideConnectorFoldersIsToldToMoveIntoAFolderOfItsOwn() throws Exception {
        Path connectors = temp.resolve("connectors");
        buildConnectorJar(connectors.resolve("echo"), "echo", SpiVersion.CURRENT);
        buildConnectorJar(temp.resolve("acme-build"), "acme", SpiVersion.CURRENT);
        Files.copy(temp.resolve("acme-build").resolve("acme.jar"), connectors.resolve("loose-acme.jar"));
        LoggedEvents events = LoggedEvents.of(ConnectorRegistry.class);
        try (ConnectorRegistry registry = load(connectors)) {
            assertThat(registry.find("echo")).as("the folder is right for the others").isPresent();
            assertThat(events.list().stream().filter(e -> e.getLevel() == Level.WARN)
                    .map(ILoggingEvent::getFormattedMessage)).containsExactly("Connectors folder " + connectors
                    + " holds [loose-acme.jar] directly, which is not loaded: move loose-acme.jar into "
                    + connectors.resolve("acme") + "/ (with the jars connector 'acme' needs), as each drop-in "
                    + "connector has a subfolder of its own");
        } finally {
            events.close();
        }
    }

    @Test
    void aDefinitionTheHostCannotShowFaithfullyIsRefusedNamingWhy() throws Exception {
        Path connectors = temp.resolve("connectors");
        buildConnectorJar(connectors.resolve("nolabel"), "nolabel", SpiVersion.CURRENT,
                "CredentialSpec.of(new AuthMethod(\"api_token\", \"API token\", true, List.of("
                        + "CredentialField.secret(\"api_token\", \" \", \"The token\")), List.of(), List.of()))");
        // The descriptor says 1.0.0, the connector's info() 9.9.9: the log and the API would disagree.
        buildConnectorJar(temp.resolve("build"), "versions", SpiVersion.CURRENT);
        Path versions = Files.createDirectories(connectors.resolve("versions"));
        copyWithoutDescriptor(temp.resolve("build").resolve("versions.jar"), versions.resolve("versions.jar"));
        descriptorJar(versions.resolve("descriptor.jar"), "id=versions\nversion=1.0.0\nspi-version="
                + SpiVersion.CURRENT);
        descriptorJar(Files.createDirectories(connectors.resolve("nosvc")).resolve("nosvc.jar"),
                "id=nosvc\nversion=1\nspi-version=" + SpiVersion.CURRENT);
        buildConnectorJar(connectors.resolve("twice"), "twice", SpiVersion.CURRENT);
        Files.copy(connectors.resolve("twice").resolve("twice.jar"), connectors.resolve("twice").resolve("again.jar"));

        try (ConnectorRegistry registry = load(connectors)) {
            assertThat(registry.loaded()).extracting(ConnectorRegistry.Loaded::id).containsOnly("classpath-echo",
                    "classpath-picky");
            assertThat(registry.rejected()).extracting(ConnectorRegistry.Rejected::reason).containsExactlyInAnyOrder(
                    "connector 'nolabel' from folder " + connectors.resolve("nolabel") + " has a blank label for "
                            + "credential field 'api_token' of auth method 'api_token'",
                    "connector 'versions' from folder " + versions + " declares version 1.0.0 in its "
                            + SpiVersion.DESCRIPTOR_PATH + " but its info() reports 9.9.9; they must be the same",
                    "folder " + connectors.resolve("nosvc") + " declares connector 'nosvc' but none of its jars "
                            + "registers a factory in META-INF/services/io.patchbay.spi.ConnectorFactory",
                    "expected exactly one " + SpiVersion.DESCRIPTOR_PATH + " among the jars of "
                            + connectors.resolve("twice") + ", found 2, in [again.jar, twice.jar]");
        }
    }

    private static void descriptorJar(Path file, String descriptor) throws IOException {
        try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(file))) {
            put(jar, SpiVersion.DESCRIPTOR_PATH, descriptor.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void aHostThatGivesAConnectorNoContextRefusesThatConnectorAlone() throws Exception {
        Path connectors = temp.resolve("connectors");
        buildConnectorJar(connectors.resolve("echo"), "echo", SpiVersion.CURRENT);
        buildConnectorJar(connectors.resolve("other"), "other", SpiVersion.CURRENT);

        try (ConnectorRegistry registry = ConnectorRegistry.load(getClass().getClassLoader(), Optional.of(connectors),
                id -> switch (id) {
                    case "echo" -> null;
                    case "other" -> throw new IllegalStateException("no settings for other");
                    default -> ConnectorContext.defaults(id);
                })) {
            assertThat(registry.find(ClassPathEchoFactory.ID)).as("the class path's still load").isPresent();
            assertThat(registry.rejected()).extracting(ConnectorRegistry.Rejected::connectorId,
                    ConnectorRegistry.Rejected::reason).containsExactlyInAnyOrder(
                    tuple(Optional.of("echo"), "the host gave connector 'echo' from folder "
                            + connectors.resolve("echo") + " no context (null)"),
                    tuple(Optional.of("other"), "the host could not give connector 'other' from folder "
                            + connectors.resolve("other") + " its context: java.lang.IllegalStateException: no "
                            + "settings for other"));
        }
    }

    @Test
    void aConnectorsFolderThatIsMissingOrAFileIsWarnedAboutNotTakenAsEmpty() throws Exception {
        Path missing = temp.resolve("conectors");
        Path file = Files.writeString(temp.resolve("connectors.txt"), "not a folder");
        LoggedEvents events = LoggedEvents.of(ConnectorRegistry.class);
        try {
            for (Path folder : List.of(missing, file)) {
                try (ConnectorRegistry registry = load(folder)) {
                    assertThat(registry.rejected()).isEmpty();
                }
            }
            assertThat(events.list().stream().filter(e -> e.getLevel() == Level.WARN)
                    .map(ILoggingEvent::getFormattedMessage)).containsExactly(
                    "Connectors folder " + missing.toAbsolutePath() + " does not exist, so no drop-in connector is "
                            + "loaded: create it with one subfolder per connector, or pass no folder",
                    "Connectors folder " + file.toAbsolutePath() + " is not a folder, so no drop-in connector is "
                            + "loaded: create it with one subfolder per connector, or pass no folder");
        } finally {
            events.close();
        }
    }

    @Test
    void aDroppedInConnectorRunsWithItsOwnLoaderAsTheContextClassLoader() throws Exception {
        Path connectors = temp.resolve("connectors");
        // create() refuses to start when the context loader reaches the host's classes.
        buildConnectorJar(connectors.resolve("echo"), "echo", SpiVersion.CURRENT, "spec", "List.of()",
                "private static boolean visibleTo(String name, ClassLoader loader) { try { Class.forName(name, false, "
                        + "loader); return true; } catch (ClassNotFoundException e) { return false; } }",
                "if (visibleTo(\"io.patchbay.core.Hub\", Thread.currentThread().getContextClassLoader())) "
                        + "throw new IllegalStateException(\"host classes reachable\");");
        ClassLoader callers = Thread.currentThread().getContextClassLoader();
        try (ConnectorRegistry registry = load(connectors);
             ConnectorCalls calls = new ConnectorCalls(java.time.Duration.ofSeconds(5), 1)) {
            assertThat(registry.rejected()).isEmpty();
            Connector echo = registry.find("echo").orElseThrow().connector();
            assertThat(Thread.currentThread().getContextClassLoader()).as("restored after create()").isSameAs(callers);

            ClassLoader during = calls.call(echo, new Credentials("api_token", Map.of("api_token", "t0ken-value")),
                    "verify", () -> Thread.currentThread().getContextClassLoader());
            assertThat(during).isSameAs(echo.getClass().getClassLoader()).isInstanceOf(ConnectorClassLoader.class);
            ClassLoader after = calls.call("echo", "proxy GET", () -> Thread.currentThread().getContextClassLoader());
            assertThat(after).as("the pool's thread is given back as it was").isNotInstanceOf(ConnectorClassLoader.class);
        }
    }

    @Test
    void whatAConnectorLogsDuringACallHasThatCallsSecretsMasked() {
        String token = "1971800d4d82861d8f2c1651fea4d212";
        LinesLogger host = new LinesLogger();
        try (ConnectorRegistry registry = ConnectorRegistry.load(getClass().getClassLoader(), Optional.empty(),
                id -> ConnectorContext.defaults(id).withLogger(host));
             ConnectorCalls calls = new ConnectorCalls(java.time.Duration.ofSeconds(5), 1)) {
            Connector echo = registry.find(ClassPathEchoFactory.ID).orElseThrow().connector();
            System.Logger connectorLogger = ClassPathEchoFactory.lastContext.logger();

            calls.call(echo, new Credentials("api_token", Map.of("api_token", token)), "verify", () -> {
                connectorLogger.log(System.Logger.Level.DEBUG, "GET /me with token " + token);
                return "answered";
            });
            connectorLogger.log(System.Logger.Level.INFO, "between calls");
        }

        assertThat(host.lines).containsExactly("GET /me with token [REDACTED]", "between calls");
    }

    @Test
    void aFolderWhoseDescriptorCannotBeReadIsRefusedAndTheOthersLoad() throws Exception {
        Path connectors = temp.resolve("connectors");
        buildConnectorJar(connectors.resolve("echo"), "echo", SpiVersion.CURRENT);
        Path bad = Files.createDirectories(connectors.resolve("bad"));
        try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(bad.resolve("bad.jar")))) {
            put(jar, SpiVersion.DESCRIPTOR_PATH, "id=bad\nversion=1\nspi-version=1.0\nnote=\\u00zz\n"
                    .getBytes(StandardCharsets.UTF_8));
        }

        try (ConnectorRegistry registry = load(connectors)) {
            assertThat(registry.find("echo")).isPresent();
            assertThat(registry.rejected()).singleElement().satisfies(r -> assertThat(r.reason())
                    .contains(bad.resolve("bad.jar").toString()).contains("cannot be read").contains("Malformed"));
        }
    }

    @Test
    void aConnectorThatFailsToCloseDoesNotKeepTheOthersOrTheClassLoadersOpen() throws Exception {
        Path connectors = temp.resolve("connectors");
        buildConnectorJar(connectors.resolve("a-boom"), "a-boom", SpiVersion.CURRENT,
                "spec; } public void close() { throw new IllegalStateException(\"boom\")", "List.of()", "");
        buildConnectorJar(connectors.resolve("b-echo"), "b-echo", SpiVersion.CURRENT);
        ConnectorRegistry registry = load(connectors);
        ClassLoader loader = registry.find("b-echo").orElseThrow().connector().getClass().getClassLoader();
        assertThat(loader.getResource(SpiVersion.DESCRIPTOR_PATH)).isNotNull();

        registry.close();

        assertThat(loader.getResource(SpiVersion.DESCRIPTOR_PATH)).as("b-echo's class loader is closed").isNull();
    }

    /** A {@code List.of(...)} expression of actions with these names. */
    private static String actions(String... names) {
        return Arrays.stream(names).map(name -> "new ActionDefinition(\"" + name + "\", \"T\", \"D\", \"{}\", "
                + "\"{}\", true)").collect(Collectors.joining(", ", "List.of(", ")"));
    }

    private static ConnectorRegistry load(Path connectors) {
        return ConnectorRegistry.load(ConnectorRegistryTest.class.getClassLoader(), Optional.of(connectors),
                ConnectorContext::defaults);
    }

    /** Compiles a tiny connector against the SPI and packs it with its service file and descriptor. */
    private void buildConnectorJar(Path folder, String id, String spiVersion) throws IOException, URISyntaxException {
        buildConnectorJar(folder, id, spiVersion, "spec");
    }

    /** As above, with {@code credentialSpec()} answering {@code specExpression}, evaluated on each call. */
    private void buildConnectorJar(Path folder, String id, String spiVersion, String specExpression)
            throws IOException, URISyntaxException {
        buildConnectorJar(folder, id, spiVersion, specExpression, "List.of()", "");
    }

    /**
     * As above, with {@code actions()} answering {@code actionsExpression} and {@code factoryMembers} added to the
     * factory class (a constructor, say).
     */
    private void buildConnectorJar(Path folder, String id, String spiVersion, String specExpression,
                                   String actionsExpression, String factoryMembers)
            throws IOException, URISyntaxException {
        buildConnectorJar(folder, id, spiVersion, specExpression, actionsExpression, factoryMembers, "");
    }

    /** As above, with {@code createFirst} the first statements of {@code create()}; {@code factoryMembers} may
     * declare {@code id()}. */
    private void buildConnectorJar(Path folder, String id, String spiVersion, String specExpression,
                                   String actionsExpression, String factoryMembers, String createFirst)
            throws IOException, URISyntaxException {
        String pkg = "test.connector." + id.replace('-', '_');
        String className = pkg + ".EchoFactory";
        Path src = temp.resolve("src-" + folder.getFileName()).resolve(pkg.replace('.', '/'));
        Files.createDirectories(src);
        Files.writeString(src.resolve("EchoFactory.java"), """
                package %s;

                import io.patchbay.spi.*;
                import java.net.URI;
                import java.util.*;

                public final class EchoFactory implements ConnectorFactory {
                    %s

                    %s

                    public Connector create(ConnectorContext context) {
                        %s
                        String spi = visible("io.patchbay.spi.Connector") ? "spi=visible" : "spi=hidden";
                        String host = visible("io.patchbay.core.Hub") ? "host=visible" : "host=hidden";
                        ConnectorInfo info = new ConnectorInfo(id(), "Echo", spi + " " + host, "9.9.9",
                                URI.create("https://example.invalid"));
                        CredentialSpec spec = CredentialSpec.of(new AuthMethod("api_token", "API token", true,
                                List.of(CredentialField.secret("api_token", "Token", "Any value")),
                                List.of("Type anything"), List.of()));
                        return new Connector() {
                            public ConnectorInfo info() { return info; }
                            public CredentialSpec credentialSpec() { return %s; }
                            public Verification verify(Credentials c) {
                                return new Verification(new ProviderIdentity("u1", Optional.empty(), "Echo user",
                                        Optional.empty(), Map.of()), List.of(), List.of());
                            }
                            public List<ActionDefinition> actions() { return %s; }
                            public ActionResult invoke(ActionCall call) { return new ActionResult(Map.of()); }
                            public ProxyTarget proxyTarget(Credentials c) {
                                return new ProxyTarget(baseUrl(), Map.of(), Set.of());
                            }
                            public URI baseUrl() { return URI.create("https://example.invalid"); }
                        };
                    }

                    private static boolean visible(String name) {
                        try {
                            Class.forName(name, false, EchoFactory.class.getClassLoader());
                            return true;
                        } catch (ClassNotFoundException e) {
                            return false;
                        }
                    }
                }
                """.formatted(pkg, factoryMembers,
                // factoryMembers may tell the id itself (a null one, say); the descriptor keeps the folder's id.
                factoryMembers.contains("String id()") ? "" : "public String id() { return \"" + id + "\"; }",
                createFirst, specExpression, actionsExpression));

        Path classes = temp.resolve("classes-" + folder.getFileName());
        Files.createDirectories(classes);
        Path spiClasses = Paths.get(io.patchbay.spi.Connector.class.getProtectionDomain().getCodeSource()
                .getLocation().toURI());
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        int status = compiler.run(null, null, null, "--release", "17", "-classpath", spiClasses.toString(),
                "-d", classes.toString(), src.resolve("EchoFactory.java").toString());
        assertThat(status).as("test connector compiles").isZero();

        Files.createDirectories(folder);
        try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(folder.resolve(id + ".jar")))) {
            try (Stream<Path> files = Files.walk(classes)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    put(jar, classes.relativize(file).toString().replace('\\', '/'), Files.readAllBytes(file));
                }
            }
            put(jar, "META-INF/services/io.patchbay.spi.ConnectorFactory",
                    (className + "\n").getBytes(StandardCharsets.UTF_8));
            put(jar, SpiVersion.DESCRIPTOR_PATH, String.join("\n", List.of(
                    "id=" + id, "version=9.9.9", "spi-version=" + spiVersion)).getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Copies a connector jar leaving its descriptor out, as a second jar of another connector's folder. */
    private static void copyWithoutDescriptor(Path from, Path to) throws IOException {
        try (java.util.jar.JarFile in = new java.util.jar.JarFile(from.toFile());
             JarOutputStream out = new JarOutputStream(Files.newOutputStream(to))) {
            for (JarEntry entry : java.util.Collections.list(in.entries())) {
                if (!entry.getName().equals(SpiVersion.DESCRIPTOR_PATH)) {
                    put(out, entry.getName(), in.getInputStream(entry).readAllBytes());
                }
            }
        }
    }

    private static void put(JarOutputStream jar, String name, byte[] bytes) throws IOException {
        jar.putNextEntry(new JarEntry(name));
        OutputStream out = jar;
        out.write(bytes);
        jar.closeEntry();
    }
}
