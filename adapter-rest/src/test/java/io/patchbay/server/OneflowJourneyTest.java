package io.patchbay.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.connector.oneflow.fake.FakeOneflow;
import io.patchbay.connector.oneflow.fake.RecordedCall;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Linking and using Oneflow accounts over HTTP: the real server, the real SQLite store, the Oneflow fake. */
class OneflowJourneyTest {
    @TempDir
    static Path data;
    static FakeOneflow oneflow;
    static PatchbayServer server;
    static Api api;
    static String key;

    @BeforeAll
    static void start() {
        oneflow = FakeOneflow.start();
        server = TestServers.start(data, Map.of("oneflow", oneflow.baseUrl()));
        api = new Api(server.port());
        key = Tenants.key(api, server.firstAdminKey().orElseThrow(), "acme");
    }

    @AfterAll
    static void stop() {
        server.close();
        oneflow.close();
    }

    @BeforeEach
    void resetFake() {
        oneflow.reset();
    }

    static Map<String, Object> credentials(String token, String email) {
        return Map.of("api_token", token, "user_email", email);
    }

    static Api.Response link(String owner, Map<String, Object> credentials, String workspace) {
        var body = new java.util.LinkedHashMap<String, Object>(Map.of("connector_id", "oneflow",
                "credentials", credentials, "owner_id", owner));
        if (workspace != null) {
            body.put("workspace_id", workspace);
        }
        return api.post("/v1/accounts").token(key).json(body).send();
    }

    @Test
    void theCatalogShowsOneflowsSpecAndSetupGuide() {
        Api.Response connector = api.get("/v1/connectors/oneflow").token(key).send();
        assertThat(connector.status()).isEqualTo(200);
        assertThat(connector.string("display_name")).isEqualTo("Oneflow");
        List<Map<String, Object>> fields = connector.list("auth_methods.0.fields");
        assertThat(fields).extracting(f -> f.get("key")).containsExactly("api_token", "user_email");
        assertThat(fields.get(0).get("type")).isEqualTo("secret");
        assertThat(fields.get(0).get("pattern")).isEqualTo("[A-Za-z0-9-]{40}");
        assertThat(connector.list("auth_methods.0.setup_guide")).isNotEmpty();
        assertThat(connector.strings("actions")).contains("list_templates");
    }

    @Test
    void linkingPicksAWorkspaceThenUsesTheAccountForAnActionAndTheProxy() {
        Api.Response choose = link("alice", credentials(FakeOneflow.TOKEN, FakeOneflow.ADMIN_EMAIL), null);
        assertThat(choose.status()).isEqualTo(422);
        assertThat(choose.string("code")).isEqualTo("workspace_required");
        assertThat(choose.list("workspaces")).extracting(w -> w.get("id"))
                .contains(Long.toString(FakeOneflow.WORKSPACE_SALES), Long.toString(FakeOneflow.WORKSPACE_HR));
        assertThat(choose.errorFields()).containsExactly("workspace_id");

        Api.Response linked = link("alice", credentials(FakeOneflow.TOKEN, FakeOneflow.ADMIN_EMAIL),
                Long.toString(FakeOneflow.WORKSPACE_SALES));
        assertThat(linked.status()).as(linked.toString()).isEqualTo(201);
        String id = linked.string("account.id");
        assertThat(id).startsWith("acc_");
        assertThat(linked.header("Location")).hasValue("/v1/accounts/" + id);
        assertThat(linked.string("account.provider_email")).isEqualTo(FakeOneflow.ADMIN_EMAIL);
        assertThat(linked.string("account.provider_user_id")).isEqualTo(Long.toString(FakeOneflow.ADMIN_USER_ID));
        assertThat(linked.string("account.workspace_id")).isEqualTo(Long.toString(FakeOneflow.WORKSPACE_SALES));
        assertThat(linked.string("account.secret_hint")).isEqualTo(FakeOneflow.TOKEN.substring(36));
        assertThat(linked.body()).doesNotContain(FakeOneflow.TOKEN);
        assertThat(oneflow.requests("GET", "/ping")).isNotEmpty()
                .allSatisfy(c -> assertThat(c.header("x-oneflow-api-token")).isEqualTo(FakeOneflow.TOKEN));

        oneflow.clearRequests();
        Api.Response action = api.post("/v1/accounts/" + id + "/actions/list_templates").token(key)
                .json(Map.of("limit", 5)).send();
        assertThat(action.status()).as(action.toString()).isEqualTo(200);
        assertThat(action.string("action")).isEqualTo("list_templates");
        assertThat(action.list("output.templates")).isNotEmpty();
        RecordedCall templates = oneflow.requests("GET", "/templates").get(0);
        assertThat(templates.query("filter[workspace_ids]")).isEqualTo(Long.toString(FakeOneflow.WORKSPACE_SALES));
        assertThat(templates.query("limit")).isEqualTo("5");
        assertThat(templates.header("x-oneflow-api-token")).isEqualTo(FakeOneflow.TOKEN);
        assertThat(templates.header("x-oneflow-user-email")).isEqualTo(FakeOneflow.ADMIN_EMAIL);

        Api.Response invalid = api.post("/v1/accounts/" + id + "/actions/list_templates").token(key)
                .json(Map.of("limit", "ten", "workspace_id", 0)).send();
        assertThat(invalid.status()).isEqualTo(422);
        assertThat(invalid.errorFields()).contains("limit", "workspace_id");

        oneflow.clearRequests();
        // A date that does not exist fails the schema's date-time format before the connector is asked.
        Api.Response badDate = api.post("/v1/accounts/" + id + "/actions/list_contracts").token(key)
                .json(Map.of("published_after", "2024-11-31T00:00:00Z",
                        "data_field", Map.of("custom_id", "a:b", "value", "x"))).send();
        assertThat(badDate.status()).as(badDate.toString()).isEqualTo(422);
        assertThat(badDate.list("errors")).extracting(e -> e.get("field"), e -> e.get("code"))
                .containsExactly(org.assertj.core.groups.Tuple.tuple("published_after", "schema_format"),
                        org.assertj.core.groups.Tuple.tuple("data_field.custom_id", "schema_pattern"));
        // What no schema can say (a field set twice) the connector refuses itself, before asking Oneflow.
        Api.Response refused = api.post("/v1/accounts/" + id + "/actions/create_contract").token(key)
                .json(Map.of("template_id", FakeOneflow.TEMPLATE_NDA, "data_fields", List.of(
                        Map.of("custom_id", "amount", "value", "1"), Map.of("custom_id", "amount", "value", "2"))))
                .send();
        assertThat(refused.status()).as(refused.toString()).isEqualTo(422);
        assertThat(refused.string("title")).isEqualTo("Invalid input");
        assertThat(refused.json()).doesNotContainKey("provider_status");
        assertThat(refused.list("errors")).extracting(e -> e.get("field"), e -> e.get("code"))
                .containsExactly(org.assertj.core.groups.Tuple.tuple("data_fields[1].custom_id", "duplicate"));
        assertThat(oneflow.requests()).isEmpty();

        Api.Response stringId = api.post("/v1/accounts/" + id + "/actions/get_contract").token(key)
                .json(Map.of("contract_id", Long.toString(FakeOneflow.CONTRACT_SIGNED))).send();
        assertThat(stringId.status()).as("ids are JSON integers, as the docs say").isEqualTo(422);
        assertThat(stringId.list("errors").get(0)).containsEntry("field", "contract_id")
                .containsEntry("code", "schema_type");

        Api.Response unknownAction = api.post("/v1/accounts/" + id + "/actions/launch_rockets").token(key).send();
        assertThat(unknownAction.status()).isEqualTo(404);
        assertThat(unknownAction.string("code")).isEqualTo("action_not_found");

        oneflow.clearRequests();
        Api.Response proxied = api.get("/v1/accounts/" + id + "/proxy/contracts/" + FakeOneflow.CONTRACT_SIGNED
                + "?include=parties").token(key).header("X-Trace", "t-1").send();
        assertThat(proxied.status()).isEqualTo(200);
        assertThat(proxied.body()).contains(Long.toString(FakeOneflow.CONTRACT_SIGNED)).doesNotContain(FakeOneflow.TOKEN);
        RecordedCall sent = oneflow.requests().get(0);
        assertThat(sent.path()).isEqualTo("/v1/contracts/" + FakeOneflow.CONTRACT_SIGNED);
        assertThat(sent.query("include")).isEqualTo("parties");
        assertThat(sent.header("x-oneflow-api-token")).isEqualTo(FakeOneflow.TOKEN);
        assertThat(sent.header("x-trace")).isEqualTo("t-1");
        assertThat(sent.header("authorization")).isNull();

        Api.Response missing = api.get("/v1/accounts/" + id + "/proxy/contracts/999999").token(key).send();
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.body()).doesNotContain("urn:patchbay:problem");
    }

    @Test
    void proxiedRequestsSpendTheTokensBudgetAndPastItAre429WithoutReachingOneflow() throws Exception {
        try (FakeOneflow own = FakeOneflow.start();
             PatchbayServer budgeted = PatchbayServer.start(TestServers.config(
                     java.nio.file.Files.createDirectories(data.resolve("budgeted")), Map.of("oneflow", own.baseUrl()),
                     Map.of("PATCHBAY_CONNECTOR_ONEFLOW_RATE_LIMIT_REQUESTS", "8",
                             "PATCHBAY_CONNECTOR_ONEFLOW_RATE_LIMIT_DEFAULT_WAIT_SECONDS", "7")))) {
            Api budgetedApi = new Api(budgeted.port());
            String tenant = Tenants.key(budgetedApi, budgeted.firstAdminKey().orElseThrow(), "budgeted");
            Api.Response linked = budgetedApi.post("/v1/accounts").token(tenant).json(Map.of("connector_id", "oneflow",
                    "credentials", credentials(FakeOneflow.TOKEN, FakeOneflow.ADMIN_EMAIL), "owner_id", "ada",
                    "workspace_id", Long.toString(FakeOneflow.WORKSPACE_SALES))).send();
            assertThat(linked.status()).as(linked.toString()).isEqualTo(201);

            Api.Response answer = null;
            for (int i = 0; i < 10 && (answer == null || answer.status() == 200); i++) {
                answer = budgetedApi.get("/v1/accounts/" + linked.string("account.id") + "/proxy/users").token(tenant)
                        .send();
            }

            assertThat(answer.status()).as(answer.toString()).isEqualTo(429);
            assertThat(answer.string("code")).isEqualTo("rate_limited");
            assertThat(answer.headers().firstValue("Retry-After")).contains("7");
            assertThat(own.requests()).as("linking and proxying spent the budget, and no more reached Oneflow")
                    .hasSize(8);
        }
    }

    @Test
    void theProxyKeepsTheLinkedUsersEmailInAnswers() {
        // A tenant of its own: the user and workspace link once per tenant.
        String own = Tenants.key(api, server.firstAdminKey().orElseThrow(), "acme-proxy");
        Api.Response linked = api.post("/v1/accounts").token(own).json(Map.of("connector_id", "oneflow",
                "credentials", credentials(FakeOneflow.TOKEN, FakeOneflow.ADMIN_EMAIL), "owner_id", "ada",
                "workspace_id", Long.toString(FakeOneflow.WORKSPACE_SALES))).send();
        assertThat(linked.status()).as(linked.toString()).isEqualTo(201);

        Api.Response users = api.get("/v1/accounts/" + linked.string("account.id") + "/proxy/users").token(own)
                .send();

        assertThat(users.status()).isEqualTo(200);
        assertThat(users.body()).contains("\"email\":\"" + FakeOneflow.ADMIN_EMAIL + "\"")
                .doesNotContain("[REDACTED]");
        List<RecordedCall> calls = oneflow.requests("GET", "/users");
        assertThat(calls.get(calls.size() - 1).header("x-oneflow-user-email")).isEqualTo(FakeOneflow.ADMIN_EMAIL);
    }

    @Test
    void aTokenOfThirtyNineCharactersIsRefusedBeforeAnyCallToOneflow() {
        Api.Response refused = link("alice", credentials(FakeOneflow.TOKEN.substring(1), FakeOneflow.ADMIN_EMAIL),
                null);
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.errorFields()).containsExactly("credentials.api_token");
        assertThat(refused.list("errors").get(0).get("code")).isEqualTo("length");
        assertThat(refused.body()).doesNotContain(FakeOneflow.TOKEN.substring(1));
        assertThat(oneflow.requests()).isEmpty();
    }

    @Test
    void anUnknownEmailAndAnInactiveUserNameTheEmailField() {
        Api.Response unknown = link("alice", credentials(FakeOneflow.TOKEN, "nobody@acme.example"), null);
        assertThat(unknown.status()).isEqualTo(422);
        assertThat(unknown.string("code")).isEqualTo("user_not_found");
        assertThat(unknown.errorFields()).containsExactly("credentials.user_email");

        Api.Response inactive = link("alice", credentials(FakeOneflow.TOKEN, FakeOneflow.INACTIVE_EMAIL), null);
        assertThat(inactive.status()).isEqualTo(422);
        assertThat(inactive.string("code")).isEqualTo("user_inactive");
        assertThat(inactive.errorFields()).containsExactly("credentials.user_email");

        Api.Response revoked = link("alice", credentials(FakeOneflow.REVOKED_TOKEN, FakeOneflow.ADMIN_EMAIL), null);
        assertThat(revoked.status()).isEqualTo(422);
        assertThat(revoked.errorFields()).containsExactly("credentials.api_token");
    }

    @Test
    void providerOutagesAndRateLimitsAreTheirOwnProblems() {
        oneflow.failNext(503, 10);
        Api.Response down = link("bob", credentials(FakeOneflow.TOKEN, FakeOneflow.MEMBER_EMAIL), null);
        assertThat(down.status()).as(down.toString()).isEqualTo(502);
        assertThat(down.string("type")).startsWith("urn:patchbay:problem:");

        oneflow.reset();
        oneflow.rateLimitNext(10, 7);
        Api.Response limited = link("bob", credentials(FakeOneflow.TOKEN, FakeOneflow.MEMBER_EMAIL), null);
        assertThat(limited.status()).as(limited.toString()).isEqualTo(429);
        assertThat(limited.header("Retry-After")).isPresent();
    }
}
