package io.patchbay.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.connector.oneflow.fake.FakeOneflow;
import io.patchbay.connector.toggl.fake.FakeToggl;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the journeys (successes and failures, Toggl and Oneflow, keys and sessions) with every log event captured,
 * then scans the logs and every answer for the tokens in play: provider tokens and passwords, API keys and
 * connect session tokens. Only the one answer that creates a key or session may show it.
 */
class SecretsNeverLeakTest {
    @TempDir
    Path data;

    @Test
    void noTokenReachesTheLogsOrAnyOtherAnswer() {
        List<String> secrets = new ArrayList<>(List.of(
                FakeToggl.ALICE.apiToken(), FakeToggl.ALICE.password(), FakeToggl.BOB.apiToken(),
                FakeToggl.UNKNOWN_TOKEN, FakeOneflow.TOKEN, FakeOneflow.REVOKED_TOKEN,
                // The Authorization header the Toggl connector builds from Alice's token.
                Base64.getEncoder().encodeToString((FakeToggl.ALICE.apiToken() + ":api_token")
                        .getBytes(StandardCharsets.UTF_8))));
        List<String> issued = new ArrayList<>();
        Api api;
        try (LogCapture logs = new LogCapture();
             FakeToggl toggl = FakeToggl.start();
             FakeOneflow oneflow = FakeOneflow.start()) {
            PatchbayServer server = TestServers.start(data, Map.of("toggl", toggl.baseUrl(),
                    "oneflow", oneflow.baseUrl()));
            try {
                api = new Api(server.port());
                String admin = server.firstAdminKey().orElseThrow();
                issued.add(admin);
                String key = Tenants.key(api, admin, "acme");
                issued.add(key);
                journeys(api, key, issued, toggl, oneflow);
            } finally {
                server.close();
            }
            List<String> lines = logs.lines();
            assertThat(lines).as("the journeys were logged").hasSizeGreaterThan(40);
            assertThat(String.join("\n", lines)).contains("POST /v1/accounts 201").contains("Created API key");
            List<String> all = new ArrayList<>(secrets);
            all.addAll(issued);
            for (String line : lines) {
                for (String secret : all) {
                    assertThat(line).as("a log line").doesNotContain(secret);
                }
            }
        }

        for (Api.Response response : api.responses()) {
            String text = response.body() + " " + response.headers().map();
            for (String secret : secrets) {
                assertThat(text).as("an answer").doesNotContain(secret);
            }
            long shown = issued.stream().filter(text::contains).count();
            boolean creation = response.status() == 201 && (response.body().contains("\"key\":\"pb_sk_")
                    || response.body().contains("\"token\":\"pb_cs_"));
            assertThat(shown).as("an API key or session token appears only in its own creation answer: " + text)
                    .isEqualTo(creation ? 1 : 0);
        }
    }

    private static void journeys(Api api, String key, List<String> issued, FakeToggl toggl, FakeOneflow oneflow) {
        Map<String, Object> alice = Map.of("api_token", FakeToggl.ALICE.apiToken());
        api.post("/v1/connectors/toggl/check").token(key).json(Map.of("credentials", alice)).send();
        api.post("/v1/accounts").token(key).json(Map.of("connector_id", "toggl", "owner_id", "u1",
                "credentials", alice)).send();
        String toggleAccount = api.post("/v1/accounts").token(key).json(Map.of("connector_id", "toggl",
                "owner_id", "u1", "workspace_id", Long.toString(FakeToggl.WS_STUDIO), "credentials", alice)).send()
                .string("account.id");
        api.post("/v1/accounts").token(key).json(Map.of("connector_id", "toggl", "owner_id", "u1",
                "credentials", Map.of("api_token", FakeToggl.UNKNOWN_TOKEN))).send();
        api.post("/v1/accounts").token(key).json(Map.of("connector_id", "toggl", "owner_id", "u1",
                "credentials", Map.of("api_token", FakeToggl.ALICE.apiToken() + " "))).send();
        api.post("/v1/accounts").token(key).raw("{\"connector_id\":\"toggl\",\"credentials\":{\"api_token\":\""
                + FakeToggl.ALICE.apiToken() + "\"").send();
        api.post("/v1/accounts").token(key).json(Map.of("connector_id", "toggl", "owner_id", "u2",
                "credentials", Map.of("api_token", FakeToggl.BOB.apiToken()))).send();
        api.post("/v1/accounts/" + toggleAccount + "/actions/list_projects").token(key).send();
        api.post("/v1/accounts/" + toggleAccount + "/actions/list_projects").token(key)
                .json(Map.of("workspace_id", FakeToggl.ALICE.apiToken())).send();
        api.get("/v1/accounts/" + toggleAccount + "/proxy/api/v9/me").token(key).send();
        api.put("/v1/accounts/" + toggleAccount + "/credentials").token(key).json(Map.of("auth_method",
                "email_password", "credentials", Map.of("email", FakeToggl.ALICE.email(),
                        "password", FakeToggl.ALICE.password()))).send();
        api.put("/v1/accounts/" + toggleAccount + "/credentials").token(key).json(Map.of("credentials",
                Map.of("api_token", FakeToggl.BOB.apiToken()))).send();
        api.post("/v1/accounts/" + toggleAccount + "/verify").token(key).send();
        toggl.quota(0, 0);
        api.post("/v1/accounts/" + toggleAccount + "/actions/list_projects").token(key).send();

        Api.Response session = api.post("/v1/connect-sessions").token(key).json(Map.of("owner_id", "u3",
                "allowed_connectors", List.of("oneflow"))).send();
        String sessionToken = session.string("token");
        issued.add(sessionToken);
        Map<String, Object> oneflowCredentials = Map.of("api_token", FakeOneflow.TOKEN,
                "user_email", FakeOneflow.ADMIN_EMAIL);
        api.post("/v1/connectors/oneflow/check").token(sessionToken).json(Map.of("credentials", oneflowCredentials))
                .send();
        String oneflowAccount = api.post("/v1/accounts").token(sessionToken).json(Map.of("connector_id", "oneflow",
                "workspace_id", Long.toString(FakeOneflow.WORKSPACE_SALES), "credentials", oneflowCredentials))
                .send().string("account.id");
        api.get("/v1/accounts").token(sessionToken).send();
        api.post("/v1/accounts").token(sessionToken).json(Map.of("connector_id", "oneflow", "credentials",
                Map.of("api_token", FakeOneflow.REVOKED_TOKEN, "user_email", FakeOneflow.ADMIN_EMAIL))).send();
        api.post("/v1/accounts/" + oneflowAccount + "/actions/list_templates").token(key).send();
        api.get("/v1/accounts/" + oneflowAccount + "/proxy/contracts").token(key).send();
        oneflow.failNext(500, 10);
        api.get("/v1/accounts/" + oneflowAccount + "/proxy/contracts").token(key).send();
        api.post("/v1/accounts/" + oneflowAccount + "/verify").token(key).send();
        api.delete("/v1/accounts/" + oneflowAccount).token(key).send();
        api.get("/v1/accounts").token("pb_sk_" + "0".repeat(32)).send();
    }

    @Test
    void theFirstAdminKeyIsPrintedToStandardOutputAndNotLogged() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (LogCapture logs = new LogCapture()) {
            Main.printOnce(new PrintStream(out, true, StandardCharsets.UTF_8), "pb_sk_printedonce0000000000000000000",
                    8080);
            assertThat(logs.lines()).noneMatch(l -> l.contains("pb_sk_printedonce"));
        }
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("pb_sk_printedonce0000000000000000000");
    }
}
