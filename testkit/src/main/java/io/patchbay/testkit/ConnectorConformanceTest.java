package io.patchbay.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.syntax.ArchRuleDefinition;
import io.patchbay.spi.ActionDefinition;
import io.patchbay.spi.AuthMethod;
import io.patchbay.spi.Connector;
import io.patchbay.spi.ConnectorContext;
import io.patchbay.spi.ConnectorException;
import io.patchbay.spi.ConnectorFactory;
import io.patchbay.spi.CredentialField;
import io.patchbay.spi.Credentials;
import io.patchbay.spi.FieldError;
import io.patchbay.spi.InvalidCredentials;
import io.patchbay.spi.ProviderUnavailable;
import io.patchbay.spi.ProxyTarget;
import io.patchbay.spi.SpiVersion;
import io.patchbay.spi.Verification;
import io.patchbay.spi.Workspace;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every connector must do. A connector's test extends this class, points {@link #context()} at its fake
 * provider and supplies credentials; the kit checks the spec, the offline format check, the live check and that
 * secrets never leak into {@code toString()} or exception messages.
 *
 * <p>Some checks need no fake: the kit opens its own stand-in provider on 127.0.0.1 and gives the connector a copy
 * of {@link #context()} pointing there (same path), with its own logger or a short call timeout. They prove that
 * calls go to the overridden base URL, that the call timeout bounds a call, and that no credential reaches the
 * context's logger. Action schemas are read as JSON and their {@code type} and {@code required} members checked.
 */
public abstract class ConnectorConformanceTest {

    /** Credentials that should fail the format check, and the field the error must name. */
    public record MalformedCase(String description, Credentials credentials, String expectedField) {
    }

    protected Connector connector;

    /** The factory under test. */
    protected abstract ConnectorFactory factory();

    /** A context whose base URL points at the fake provider. */
    protected abstract ConnectorContext context();

    /** Well-formed credentials the fake provider accepts. */
    protected abstract Credentials validCredentials();

    /** Well-formed credentials the fake provider rejects (e.g. a wrong token). */
    protected abstract Credentials rejectedCredentials();

    /** At least one malformed case per auth method. */
    protected abstract List<MalformedCase> malformedCredentials();

    @BeforeEach
    void createConnector() {
        connector = factory().create(context());
    }

    @AfterEach
    void closeConnector() {
        if (connector != null) {
            connector.close();
        }
    }

    @Test
    void factoryIdMatchesConnectorInfo() {
        assertThat(factory().id()).as("a connector id, as hosts accept it").matches("[a-z][a-z0-9-]{0,63}");
        assertThat(connector.info().id()).isEqualTo(factory().id());
        assertThat(connector.info().displayName()).isNotBlank();
        assertThat(connector.info().description()).isNotBlank();
    }

    @Test
    void factoryIsRegisteredForServiceLoader() {
        List<String> found = new ArrayList<>();
        ServiceLoader.load(ConnectorFactory.class, factory().getClass().getClassLoader())
                .forEach(f -> found.add(f.getClass().getName()));
        assertThat(found).contains(factory().getClass().getName());
    }

    @Test
    void dropInDescriptorNamesThisConnectorAndSpi() throws IOException {
        List<Properties> descriptors = new ArrayList<>();
        for (URL url : Collections.list(factory().getClass().getClassLoader().getResources(SpiVersion.DESCRIPTOR_PATH))) {
            Properties properties = new Properties();
            try (InputStream in = url.openStream()) {
                properties.load(in);
            }
            if (factory().id().equals(properties.getProperty("id"))) {
                descriptors.add(properties);
            }
        }
        assertThat(descriptors).as("descriptor %s with id=%s", SpiVersion.DESCRIPTOR_PATH, factory().id()).hasSize(1);
        Properties descriptor = descriptors.get(0);
        assertThat(descriptor.getProperty("version")).isNotBlank().doesNotContain("${");
        // As a host reads it: MAJOR.MINOR, the host's major, no newer minor than the SPI the kit was built with.
        assertThat(descriptor.getProperty("spi-version")).as("spi-version").matches("\\d+\\.\\d+");
        String[] spi = descriptor.getProperty("spi-version").split("\\.");
        assertThat(Integer.parseInt(spi[0])).as("spi-version's major").isEqualTo(SpiVersion.MAJOR);
        assertThat(Integer.parseInt(spi[1])).as("spi-version's minor").isLessThanOrEqualTo(SpiVersion.MINOR);
        assertThat(connector.info().version()).as("the connector reports the version its descriptor declares")
                .isEqualTo(descriptor.getProperty("version"));
    }

    @Test
    void connectorCodeUsesOnlyTheSpiOfPatchbay() {
        String connectorPackage = factory().getClass().getPackageName();
        JavaClasses classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(connectorPackage);
        ArchRuleDefinition.noClasses().that().resideInAPackage(connectorPackage + "..")
                .should().dependOnClassesThat(JavaClass.Predicates.resideInAPackage("io.patchbay..")
                        .and(DescribedPredicate.not(JavaClass.Predicates.resideInAnyPackage("io.patchbay.spi..",
                                "io.patchbay.connector.support..", connectorPackage + ".."))))
                .because("a drop-in connector shares only io.patchbay.spi with the host (the connector support"
                        + " library is bundled with the connector, not shared)")
                .check(classes);
    }

    @Test
    void baseUrlFollowsTheContextOverride() {
        assertThat(context().baseUrlOverride()).as("the test context must point at a fake server").isPresent();
        assertThat(connector.baseUrl()).isEqualTo(context().baseUrlOverride().get());
    }

    @Test
    void credentialSpecIsWellFormed() {
        List<AuthMethod> methods = connector.credentialSpec().authMethods();
        assertThat(methods.stream().filter(AuthMethod::recommended).count()).isLessThanOrEqualTo(1);
        for (AuthMethod method : methods) {
            assertThat(method.id()).as("an auth method id, as hosts accept it").matches("[a-z][a-z0-9_]{0,63}");
            assertThat(method.label()).isNotBlank();
            assertThat(method.setupGuide()).as("setup guide of %s", method.id()).isNotEmpty();
            assertThat(method.fields()).as("a secret field in %s", method.id()).anyMatch(CredentialField::isSecret);
            for (CredentialField field : method.fields()) {
                assertThat(field.label()).as("label of %s", field.key()).isNotBlank();
                assertThat(field.help()).as("help of %s", field.key()).isNotBlank();
                field.pattern().ifPresent(regex -> {
                    assertThat(field.example()).as("example of patterned field %s", field.key()).isPresent();
                    assertThat(Pattern.compile(regex).matcher(field.example().get()).matches())
                            .as("example of %s matches its own pattern", field.key()).isTrue();
                    assertThat(field.patternHint()).as("pattern hint of %s", field.key()).isPresent();
                });
            }
        }
    }

    @Test
    void validCredentialsPassTheFormatCheck() {
        assertThat(connector.checkFormat(validCredentials())).isEmpty();
        assertThat(connector.checkFormat(rejectedCredentials()))
                .as("rejected credentials must be well formed, so the provider is what rejects them").isEmpty();
    }

    @Test
    void everyMissingRequiredFieldIsNamed() {
        for (AuthMethod method : connector.credentialSpec().authMethods()) {
            List<FieldError> errors = connector.checkFormat(new Credentials(method.id(), Map.of()));
            Set<String> required = new HashSet<>();
            method.fields().stream().filter(CredentialField::required).forEach(f -> required.add(f.key()));
            assertThat(errors).extracting(FieldError::field).containsExactlyInAnyOrderElementsOf(required);
            assertThat(errors).extracting(FieldError::code).containsOnly("required");
        }
    }

    @Test
    void unknownAuthMethodIsRejected() {
        assertThat(connector.checkFormat(new Credentials("no_such_method", Map.of("x", "y"))))
                .extracting(FieldError::field).containsExactly("auth_method");
    }

    @Test
    void malformedCredentialsAreRejectedPerFieldWithoutEchoingTheValue() {
        List<MalformedCase> cases = malformedCredentials();
        Set<String> methodsCovered = new HashSet<>();
        cases.forEach(c -> methodsCovered.add(c.credentials().authMethod()));
        assertThat(methodsCovered).as("malformed cases cover every auth method")
                .containsAll(connector.credentialSpec().authMethods().stream().map(AuthMethod::id).toList());
        for (MalformedCase c : cases) {
            List<FieldError> errors = connector.checkFormat(c.credentials());
            assertThat(errors).as(c.description()).extracting(FieldError::field).contains(c.expectedField());
            for (FieldError error : errors) {
                for (String value : secretValues(c.credentials())) {
                    assertThat(error.message()).as("error message of %s", c.description()).doesNotContain(value);
                }
            }
        }
    }

    @Test
    void validCredentialsVerifyToAnIdentityAndWorkspaces() {
        Verification verification = connector.verify(validCredentials());
        assertThat(verification.identity().id()).isNotBlank();
        assertThat(verification.identity().displayName()).isNotBlank();
        Set<String> ids = new HashSet<>();
        for (Workspace workspace : verification.workspaces()) {
            assertThat(ids.add(workspace.id())).as("workspace ids are unique: %s", workspace.id()).isTrue();
            assertThat(workspace.name()).isNotBlank();
            assertThat(workspace.role()).isNotBlank();
        }
        assertThat(verification.toString()).doesNotContain(secretValues(validCredentials()));
    }

    @Test
    void rejectedCredentialsFailAsInvalidCredentials() {
        assertThatThrownBy(() -> connector.verify(rejectedCredentials()))
                .isInstanceOf(InvalidCredentials.class)
                .satisfies(e -> assertThat(fullText(e)).doesNotContain(secretValues(rejectedCredentials())));
    }

    @Test
    void secretsNeverAppearInToString() {
        for (Credentials credentials : List.of(validCredentials(), rejectedCredentials())) {
            List<String> secrets = secretValues(credentials);
            assertThat(secrets).as("credentials carry a secret").isNotEmpty();
            assertThat(credentials.toString()).doesNotContain(secrets);
            ProxyTarget target = connector.proxyTarget(credentials);
            assertThat(target.headers()).as("proxy target authenticates").isNotEmpty();
            assertThat(target.toString()).doesNotContain(secrets);
        }
    }

    /** A header declared not secret is not masked in answers: it must not carry a secret credential value. */
    @Test
    void proxyHeadersDeclaredNotSecretCarryNoSecret() {
        for (Credentials credentials : List.of(validCredentials(), rejectedCredentials())) {
            ProxyTarget target = connector.proxyTarget(credentials);
            target.headers().forEach((name, value) -> {
                if (target.nonSecretHeaders().contains(name.toLowerCase(Locale.ROOT))) {
                    assertThat(value).as(name).doesNotContain(secretValues(credentials));
                }
            });
        }
    }

    @Test
    void connectorFailuresDoNotCarrySecrets() {
        for (ActionDefinition action : connector.actions()) {
            if (!action.readOnly()) {
                continue;
            }
            try {
                connector.invoke(new io.patchbay.spi.ActionCall(action.name(), rejectedCredentials(),
                        java.util.Optional.empty(), Map.of()));
            } catch (ConnectorException | IllegalArgumentException e) {
                assertThat(fullText(e)).as(action.name()).doesNotContain(secretValues(rejectedCredentials()));
            }
        }
    }

    @Test
    void actionsAreWellFormed() {
        List<ActionDefinition> actions = connector.actions();
        assertThat(actions).isNotEmpty();
        assertThat(actions).extracting(ActionDefinition::name).doesNotHaveDuplicates();
        for (ActionDefinition action : actions) {
            assertThat(action.title()).as(action.name()).isNotBlank();
            assertThat(action.description()).as(action.name()).isNotBlank();
            assertThat(action.inputSchema().strip()).as("input schema of %s", action.name())
                    .startsWith("{").endsWith("}").contains("\"type\"");
            assertThat(action.outputSchema().strip()).as("output schema of %s", action.name())
                    .startsWith("{").endsWith("}").contains("\"type\"");
        }
    }

    /** The kit's stand-in answers this to every call: the credentials are refused, so nothing goes further. */
    private static final int KIT_STATUS = 401;
    /** The call timeout the kit gives a connector, and how long its stand-in holds a call back to test it. */
    static final Duration KIT_CALL_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration KIT_HOLD = Duration.ofSeconds(15);

    /**
     * How long the stand-in holds a call back: well past common client defaults (OkHttp reads for 10 s), so only a
     * connector that applies the context's call timeout gives up first. The kit's own tests shorten it.
     */
    Duration kitHold() {
        return KIT_HOLD;
    }

    private Connector connectorFor(ConnectorContext kitContext) {
        return factory().create(kitContext);
    }

    private ConnectorContext pointedAt(KitServer server) {
        URI override = context().baseUrlOverride()
                .orElseThrow(() -> new AssertionError("the test context must point at a fake server"));
        return context().withBaseUrl(server.baseUrl(override));
    }

    @Test
    void callsGoToTheOverriddenBaseUrl() {
        try (KitServer server = new KitServer(KIT_STATUS, Duration.ZERO);
             Connector kitConnector = connectorFor(pointedAt(server))) {
            URI base = server.baseUrl(context().baseUrlOverride().orElseThrow());
            try {
                kitConnector.verify(validCredentials());
            } catch (RuntimeException expected) {
                // The stand-in refuses everything: only where the call went matters here.
            }
            assertThat(server.seen()).as("verify sent its calls to the base-URL override %s, not elsewhere", base)
                    .isNotEmpty();
            String path = base.getPath() == null ? "" : base.getPath().replaceAll("/+$", "");
            assertThat(server.seen()).as("calls stay below the override's path '%s'", path)
                    .allSatisfy(seen -> assertThat(seen.path()).startsWith(path + "/"));
        }
    }

    /**
     * The host sends an account's credentials only to the connector's own base URL: a proxy target on another scheme,
     * host or port is refused (502 {@code connector_proxy_target_invalid}), with the test's context and with an
     * override alike.
     */
    @Test
    void theProxyTargetStaysOnTheBaseUrl() {
        assertProxyTargetOn(connector, connector.baseUrl(), "context()");
        try (KitServer server = new KitServer(KIT_STATUS, Duration.ZERO);
             Connector kitConnector = connectorFor(pointedAt(server))) {
            assertProxyTargetOn(kitConnector, server.baseUrl(context().baseUrlOverride().orElseThrow()),
                    "the kit's base-URL override");
        }
    }

    private void assertProxyTargetOn(Connector target, URI base, String with) {
        URI proxy = target.proxyTarget(validCredentials()).baseUrl();
        assertThat(origin(proxy)).as("with %s, proxyTarget()'s base URL %s has the scheme, host and port of the "
                + "connector's base URL %s (a host refuses a target elsewhere)", with, proxy, base)
                .isEqualTo(origin(base));
    }

    /** Scheme, host and port, a default port spelt out, as the host compares them. */
    private static String origin(URI url) {
        String scheme = String.valueOf(url.getScheme()).toLowerCase(Locale.ROOT);
        int port = url.getPort() >= 0 ? url.getPort() : scheme.equals("https") ? 443 : 80;
        return scheme + "://" + String.valueOf(url.getHost()).toLowerCase(Locale.ROOT) + ":" + port;
    }

    @Test
    void theCallTimeoutOfTheContextBoundsACall() {
        try (KitServer server = new KitServer(KIT_STATUS, kitHold());
             Connector kitConnector = connectorFor(pointedAt(server).withTimeouts(KIT_CALL_TIMEOUT,
                     KIT_CALL_TIMEOUT))) {
            Throwable thrown = catchThrowable(() -> kitConnector.verify(validCredentials()));
            assertThat(server.seen()).as("the call reached the kit's stand-in").isNotEmpty();
            assertThat(server.answered()).as("the connector waited past its call timeout of %s for an answer the "
                    + "stand-in held back for %s: it must use ConnectorContext.callTimeout()", KIT_CALL_TIMEOUT,
                    kitHold()).isZero();
            assertThat(thrown).as("a call that runs out of time is ProviderUnavailable with code %s",
                    ProviderUnavailable.TIMEOUT).isInstanceOfSatisfying(ProviderUnavailable.class,
                    e -> assertThat(e.code()).isEqualTo(ProviderUnavailable.TIMEOUT));
        }
    }

    @Test
    void noCredentialReachesTheLogger() {
        RecordingLogger log = new RecordingLogger();
        List<String> secrets = new ArrayList<>();
        for (Credentials credentials : List.of(validCredentials(), rejectedCredentials())) {
            secrets.addAll(secretValues(credentials));
            secrets.addAll(secretHeaderValues(connector.proxyTarget(credentials)));
        }
        try (Connector logged = connectorFor(context().withLogger(log))) {
            exercise(logged);
        }
        // A provider that fails makes a connector log retries and failures: the paths most likely to show a token.
        try (KitServer failing = new KitServer(503, Duration.ZERO);
             Connector logged = connectorFor(pointedAt(failing).withLogger(log))) {
            exercise(logged);
        }
        assertThat(log.text()).as("what the connector logged through ConnectorContext.logger()")
                .doesNotContain(secrets);
    }

    private void exercise(Connector target) {
        for (Credentials credentials : List.of(validCredentials(), rejectedCredentials())) {
            catchThrowable(() -> target.checkFormat(credentials));
            catchThrowable(() -> target.verify(credentials));
            catchThrowable(() -> target.proxyTarget(credentials));
            for (ActionDefinition action : target.actions()) {
                if (action.readOnly()) {
                    catchThrowable(() -> target.invoke(new io.patchbay.spi.ActionCall(action.name(), credentials,
                            java.util.Optional.empty(), Map.of())));
                }
            }
        }
    }

    /** The secret header values, and the credential part of one written as {@code <scheme> <credential>}. */
    private static List<String> secretHeaderValues(ProxyTarget target) {
        List<String> values = new ArrayList<>();
        target.headers().forEach((name, value) -> {
            if (!target.nonSecretHeaders().contains(name.toLowerCase(Locale.ROOT))) {
                values.add(value);
                int space = value.lastIndexOf(' ');
                if (space > 0 && value.length() - space > 8) {
                    values.add(value.substring(space + 1));
                }
            }
        });
        return values;
    }

    @Test
    void actionSchemasAreValidJsonSchemas() {
        for (ActionDefinition action : connector.actions()) {
            assertThat(SchemaCheck.inputProblems(action.inputSchema())).as("input schema of %s", action.name())
                    .isEmpty();
            assertThat(SchemaCheck.problems(action.outputSchema())).as("output schema of %s", action.name())
                    .isEmpty();
        }
    }

    /** The values of the secret fields of these credentials. */
    protected final List<String> secretValues(Credentials credentials) {
        Set<String> keys = connector.credentialSpec().secretKeys(credentials.authMethod());
        return credentials.values().entrySet().stream()
                .filter(e -> keys.contains(e.getKey()))
                .map(Map.Entry::getValue)
                .toList();
    }

    private static String fullText(Throwable e) {
        StringWriter out = new StringWriter();
        e.printStackTrace(new PrintWriter(out));
        return out.toString();
    }
}
