package io.patchbay.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.server.ScriptedUpstream.Reply;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A provider that echoes an account's password back, in the forms its writers give it: what the API answers an
 * action with shows none of them, as the proxy's answers show none.
 */
class ProviderEchoesTest {
    private static final String PASSWORD = "Sup3r\"Secret/é&pass";

    @TempDir
    Path dir;

    @Test
    void anActionsOutputAndItsFailuresShowNoFormOfThePassword() throws Exception {
        String encoded = URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8);
        try (ScriptedUpstream upstream = new ScriptedUpstream();
             PatchbayServer server = PatchbayServer.start(TestServers.config(dir, Map.of("toggl",
                     upstream.baseUrl())))) {
            Api api = new Api(server.port());
            String key = Tenants.key(api, server.firstAdminKey().orElseThrow(), "echoes");
            Api.Response linked = api.post("/v1/accounts").token(key).json(Map.of("connector_id", "toggl",
                    "owner_id", "u1", "auth_method", "email_password", "credentials",
                    Map.of("email", "edge@example.com", "password", PASSWORD))).send();
            assertThat(linked.status()).as(linked.toString()).isEqualTo(201);
            String tags = "/v1/accounts/" + linked.string("account.id") + "/actions/list_tags";

            upstream.script(r -> Reply.ok("[{\"id\":1,\"workspace_id\":2001,\"name\":\"tag " + PASSWORD.replace(
                    "\"", "\\\"") + "\"},{\"id\":2,\"workspace_id\":2001,\"name\":\"next ?p=" + encoded + "\"}]"));
            Api.Response listed = api.post(tags).token(key).json(Map.of()).send();
            assertThat(listed.status()).as(listed.toString()).isEqualTo(200);
            assertThat(listed.body()).contains("tag [REDACTED]", "next ?p=[REDACTED]").doesNotContain("Sup3r");

            upstream.script(r -> new Reply(400, Map.of("Content-Type", "application/json"),
                    "{\"error\":\"no tags for Sup3r\\\"Secret\\/\\u00e9&pass or " + encoded + "\"}", 0, false));
            Api.Response refused = api.post(tags).token(key).json(Map.of()).send();
            assertThat(refused.status()).as(refused.toString()).isGreaterThanOrEqualTo(400);
            assertThat(refused.body()).contains("no tags for").doesNotContain("Sup3r");
        }
    }
}
