package io.patchbay.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.patchbay.spi.ConnectorContext;
import io.patchbay.spi.ConnectorFactory;
import io.patchbay.spi.Credentials;
import io.patchbay.testkit.ProbeConnector.Flaw;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The kit's checks fail a connector that breaks their rule and pass one that keeps it. Each check is run on the
 * probe connector directly, as JUnit would run it on a connector's test.
 */
class ConformanceKitTest {
    private static HttpServer provider;

    /** The probe's provider: 200 for the good token, 401 for any other. */
    @BeforeAll
    static void startProvider() throws IOException {
        provider = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        provider.createContext("/", exchange -> {
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            exchange.sendResponseHeaders(("Bearer " + ProbeConnector.GOOD_TOKEN).equals(auth) ? 200 : 401, -1);
            exchange.close();
        });
        provider.start();
    }

    @AfterAll
    static void stopProvider() {
        provider.stop(0);
    }

    /** The kit, as a connector's test would extend it, around the probe with one flaw. */
    static final class ProbeKit extends ConnectorConformanceTest {
        private final Flaw flaw;

        ProbeKit(Flaw flaw) {
            this.flaw = flaw;
        }

        @Override
        protected ConnectorFactory factory() {
            return new ProbeConnector.Factory(flaw);
        }

        @Override
        protected ConnectorContext context() {
            return ConnectorContext.defaults("probe").withBaseUrl(URI.create("http://127.0.0.1:"
                    + provider.getAddress().getPort())).withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(5));
        }

        @Override
        protected Credentials validCredentials() {
            return new Credentials("api_token", Map.of("api_token", ProbeConnector.GOOD_TOKEN));
        }

        @Override
        protected Credentials rejectedCredentials() {
            return new Credentials("api_token", Map.of("api_token", ProbeConnector.BAD_TOKEN));
        }

        @Override
        protected List<MalformedCase> malformedCredentials() {
            return List.of(new MalformedCase("missing token", new Credentials("api_token", Map.of()), "api_token"));
        }

        /** Long enough for the probe's real HTTP client, short enough for a test that waits it out. */
        @Override
        Duration kitHold() {
            return Duration.ofSeconds(4);
        }

        void check(Runnable check) {
            createConnector();
            try {
                check.run();
            } finally {
                closeConnector();
            }
        }
    }

    @Test
    void aConnectorThatKeepsTheRulesPassesTheNewChecks() {
        ProbeKit kit = new ProbeKit(Flaw.NONE);
        assertThatCode(() -> kit.check(kit::callsGoToTheOverriddenBaseUrl)).doesNotThrowAnyException();
        assertThatCode(() -> kit.check(kit::theCallTimeoutOfTheContextBoundsACall)).doesNotThrowAnyException();
        assertThatCode(() -> kit.check(kit::noCredentialReachesTheLogger)).doesNotThrowAnyException();
        assertThatCode(() -> kit.check(kit::actionSchemasAreValidJsonSchemas)).doesNotThrowAnyException();
        assertThatCode(() -> kit.check(kit::theProxyTargetStaysOnTheBaseUrl)).doesNotThrowAnyException();
        assertThatCode(() -> kit.check(kit::validCredentialsVerifyToAnIdentityAndWorkspaces))
                .as("the probe's provider works").doesNotThrowAnyException();
    }

    @Test
    void aConnectorThatIgnoresTheBaseUrlOverrideFails() {
        ProbeKit kit = new ProbeKit(Flaw.IGNORES_BASE_URL);
        assertThatCode(() -> kit.check(kit::baseUrlFollowsTheContextOverride))
                .as("what the connector reports is not enough to know").doesNotThrowAnyException();
        assertThatThrownBy(() -> kit.check(kit::callsGoToTheOverriddenBaseUrl)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("base-URL override");
    }

    @Test
    void aConnectorWhoseProxyTargetLeavesItsBaseUrlFails() {
        ProbeKit kit = new ProbeKit(Flaw.PROXY_ELSEWHERE);
        assertThatThrownBy(() -> kit.check(kit::theProxyTargetStaysOnTheBaseUrl)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("with context(), proxyTarget()'s base URL http://127.0.0.1:9/")
                .hasMessageContaining("http://127.0.0.1:" + provider.getAddress().getPort());
    }

    @Test
    void aConnectorThatLogsItsTokenFails() {
        ProbeKit kit = new ProbeKit(Flaw.LOGS_TOKEN);
        assertThatThrownBy(() -> kit.check(kit::noCredentialReachesTheLogger)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("ConnectorContext.logger()");
    }

    @Test
    void aConnectorThatIgnoresTheCallTimeoutFails() {
        ProbeKit kit = new ProbeKit(Flaw.IGNORES_CALL_TIMEOUT);
        assertThatThrownBy(() -> kit.check(kit::theCallTimeoutOfTheContextBoundsACall))
                .isInstanceOf(AssertionError.class).hasMessageContaining("callTimeout()");
    }

    @ParameterizedTest
    @EnumSource(value = Flaw.class, names = {"INPUT_NOT_AN_OBJECT", "UNKNOWN_TYPE", "REQUIRED_NOT_A_PROPERTY",
            "INVALID_JSON"})
    void aConnectorWithAnInvalidInputSchemaFails(Flaw flaw) {
        ProbeKit kit = new ProbeKit(flaw);
        assertThatThrownBy(() -> kit.check(kit::actionSchemasAreValidJsonSchemas)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("input schema of whoami");
    }

    @Test
    void theSchemaCheckNamesWhereAndWhy() {
        assertThat(SchemaCheck.inputProblems("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"int\"}}}"))
                .isNotEmpty().allSatisfy(problem -> assertThat(problem).startsWith("#/properties/a/type: "))
                .anySatisfy(problem -> assertThat(problem).contains("enumeration"));
        assertThat(SchemaCheck.inputProblems("{\"type\":\"object\",\"required\":[\"b\"],\"properties\":{\"a\":true}}"))
                .singleElement().asString().startsWith("#/required: 'b' is not among the properties");
        assertThat(SchemaCheck.inputProblems("[1,2]")).first().asString().contains("\"type\":\"object\"");
        assertThat(SchemaCheck.problems("{\"type\":\"object\"} x")).singleElement().asString()
                .startsWith("not valid JSON");
        assertThat(SchemaCheck.inputProblems("{\"type\":\"object\",\"properties\":{\"type\":{\"enum\":[\"x\"]},"
                + "\"id\":{\"type\":[\"integer\",\"null\"]}},\"oneOf\":[{\"required\":[\"type\"]},{\"required\":[\"id\"]}]}"))
                .as("a property named type, a type list, and required in combinator branches").isEmpty();
        // Valid against the meta-schema, but a host cannot build it: the reference leads nowhere.
        assertThat(SchemaCheck.inputProblems("{\"type\":\"object\",\"properties\":{\"a\":{\"$ref\":\"#/$defs/nothing\"}}}"))
                .singleElement().asString().isEqualTo("a host cannot use it: Reference /$defs/nothing cannot be resolved");
        assertThat(SchemaCheck.inputProblems("{\"type\":\"object\",\"properties\":{\"a\":{\"$ref\":\"#/$defs/n\"}},"
                + "\"$defs\":{\"n\":{\"type\":\"integer\"}}}")).as("a reference that resolves").isEmpty();
    }
}
