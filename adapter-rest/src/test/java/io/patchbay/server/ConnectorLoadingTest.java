package io.patchbay.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patchbay.spi.ActionCall;
import io.patchbay.spi.ActionDefinition;
import io.patchbay.spi.ActionResult;
import io.patchbay.spi.AuthMethod;
import io.patchbay.spi.Connector;
import io.patchbay.spi.ConnectorInfo;
import io.patchbay.spi.CredentialField;
import io.patchbay.spi.CredentialSpec;
import io.patchbay.spi.Credentials;
import io.patchbay.spi.ProxyTarget;
import io.patchbay.spi.Verification;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the server adds to the registry's own checks when it loads connectors. */
class ConnectorLoadingTest {
    @TempDir
    Path dataDir;

    @Test
    void theServerCompilesEveryInputSchemaAgainstTheJsonSchemaMetaSchema() {
        // Sound in shape (core's checks pass), but minLength must be a non-negative integer.
        Connector bad = connector("{\"type\":\"object\",\"properties\":{\"q\":{\"type\":\"string\",\"minLength\":\"5\"}}}");
        assertThatThrownBy(() -> PatchbayServer.compileSchemas(bad))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the input schema of action 'search' is not a valid JSON Schema 2020-12")
                .hasMessageContaining("minLength");

        PatchbayServer.compileSchemas(connector("{\"type\":\"object\",\"properties\":{\"q\":{\"type\":\"string\","
                + "\"minLength\":5}},\"required\":[\"q\"],\"additionalProperties\":false}"));
    }

    @Test
    void aBuiltInConnectorWithAMisspeltSettingStopsTheStartNamingIt() {
        ServerConfig config = TestServers.config(dataDir, Map.of(),
                Map.of("PATCHBAY_CONNECTOR_TOGGL_REQUESTS_PER_SECONDS", "5"));
        assertThatThrownBy(() -> PatchbayServer.start(config))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Connectors on the class path could not start")
                .hasMessageContaining("connector 'toggl'")
                .hasMessageContaining("requests_per_seconds");
    }

    @Test
    void theBuiltInConnectorsPassEveryCheck() {
        try (PatchbayServer server = TestServers.start(dataDir, Map.of())) {
            assertThat(server.connectors().rejected()).isEmpty();
            assertThat(server.connectors().loaded()).extracting(l -> l.id()).contains("toggl", "oneflow");
        }
    }

    private static Connector connector(String inputSchema) {
        URI base = URI.create("https://example.invalid");
        return new Connector() {
            @Override
            public ConnectorInfo info() {
                return new ConnectorInfo("probe", "Probe", "Schema probe", "1", base);
            }

            @Override
            public CredentialSpec credentialSpec() {
                return CredentialSpec.of(new AuthMethod("api_token", "API token", true,
                        List.of(CredentialField.secret("api_token", "Token", "Any")), List.of("Any"), List.of()));
            }

            @Override
            public Verification verify(Credentials credentials) {
                throw new UnsupportedOperationException();
            }

            @Override
            public List<ActionDefinition> actions() {
                return List.of(new ActionDefinition("search", "Search", "Searches", inputSchema, "{}", true));
            }

            @Override
            public ActionResult invoke(ActionCall call) {
                throw new UnsupportedOperationException();
            }

            @Override
            public ProxyTarget proxyTarget(Credentials credentials) {
                throw new UnsupportedOperationException();
            }

            @Override
            public URI baseUrl() {
                return base;
            }
        };
    }
}
