package io.patchbay.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.connector.toggl.fake.FakeRequest;
import io.patchbay.connector.toggl.fake.FakeToggl;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Toggl journeys over HTTP: the real server and SQLite store, the Toggl fake. Each test links in a tenant of
 * its own, since one Toggl user and workspace links once per tenant.
 */
class TogglJourneyTest extends ServerWithFakeTogglTest {
    static final String STUDIO = Long.toString(FakeToggl.WS_STUDIO);
    static final String LABS = Long.toString(FakeToggl.WS_LABS);
    static final String GLOBEX = Long.toString(FakeToggl.WS_GLOBEX);

    @Override
    String tenantPrefix() {
        return "toggl-";
    }

    static Map<String, Object> token(FakeToggl.User user) {
        return Map.of("api_token", user.apiToken());
    }

    Api.Response link(String owner, String team, Map<String, Object> credentials, String workspace,
                      String visibility) {
        Map<String, Object> body = new LinkedHashMap<>(Map.of("connector_id", "toggl", "credentials", credentials,
                "owner_id", owner));
        if (team != null) {
            body.put("team_id", team);
        }
        if (workspace != null) {
            body.put("workspace_id", workspace);
        }
        if (visibility != null) {
            body.put("visibility", visibility);
        }
        return api.post("/v1/accounts").token(key).json(body).send();
    }

    String linked(String owner, String team, FakeToggl.User user, String workspace) {
        Api.Response response = link(owner, team, token(user), workspace, null);
        assertThat(response.status()).as(response.toString()).isEqualTo(201);
        return response.string("account.id");
    }

    @Test
    void oneTokenWithSeveralWorkspacesNeedsAChoiceAndLinksEachWorkspaceOnce() {
        Api.Response choose = link("u-alice", null, token(FakeToggl.ALICE), null, null);
        assertThat(choose.status()).isEqualTo(422);
        assertThat(choose.string("code")).isEqualTo("workspace_required");
        assertThat(choose.list("workspaces")).extracting(w -> w.get("id")).containsExactlyInAnyOrder(STUDIO, LABS, GLOBEX);
        assertThat(choose.list("workspaces")).filteredOn(w -> w.get("id").equals(GLOBEX))
                .singleElement().satisfies(w -> {
                    assertThat(w.get("admin")).isEqualTo(false);
                    assertThat(((List<?>) w.get("notices"))).isNotEmpty();
                });
        assertThat(choose.body()).doesNotContain(FakeToggl.ALICE.apiToken());

        Api.Response studio = link("u-alice", null, token(FakeToggl.ALICE), STUDIO, null);
        assertThat(studio.status()).as(studio.toString()).isEqualTo(201);
        assertThat(studio.string("account.workspace_name")).isNotBlank();
        assertThat(studio.string("account.workspace_role")).isNotBlank();
        assertThat(studio.string("account.provider_user_id")).isEqualTo(Long.toString(FakeToggl.ALICE.id()));
        assertThat(studio.string("account.secret_hint")).isEqualTo(FakeToggl.ALICE.apiToken().substring(28));
        assertThat(studio.list("warnings")).isEmpty();
        assertThat(toggl.requests("GET", "/api/v9/me")).allSatisfy(r ->
                assertThat(r.basicAuth()).contains(List.of(FakeToggl.ALICE.apiToken(), "api_token")));

        Api.Response labs = link("u-alice", null, token(FakeToggl.ALICE), LABS, null);
        assertThat(labs.status()).as("the same token links a second workspace").isEqualTo(201);
        assertThat(labs.string("account.id")).isNotEqualTo(studio.string("account.id"));

        Api.Response again = link("u-alice", null, token(FakeToggl.ALICE), STUDIO, null);
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.string("code")).isEqualTo("duplicate_account");
        assertThat(again.string("existing_account_id")).isEqualTo(studio.string("account.id"));

        Api.Response nowhere = link("u-alice", null, token(FakeToggl.ALICE), "999", null);
        assertThat(nowhere.status()).isEqualTo(422);
        assertThat(nowhere.errorFields()).containsExactly("workspace_id");

        Api.Response list = api.get("/v1/accounts?connector_id=toggl&owner_id=u-alice&limit=1").token(key).send();
        assertThat(list.list("data")).hasSize(1);
        String cursor = list.string("next_cursor");
        Api.Response second = api.get("/v1/accounts?connector_id=toggl&owner_id=u-alice&limit=1&cursor=" + cursor)
                .token(key).send();
        assertThat(second.list("data")).hasSize(1);
        assertThat(second.at("next_cursor")).isNull();
        assertThat(List.of(list.list("data").get(0).get("id"), second.list("data").get(0).get("id")))
                .containsExactlyInAnyOrder(studio.string("account.id"), labs.string("account.id"));
    }

    @Test
    void aWrongTokenNamesTheTokenFieldAndAMalformedOneNeverReachesToggl() {
        Api.Response wrong = link("u-alice", null, Map.of("api_token", FakeToggl.UNKNOWN_TOKEN), null, null);
        assertThat(wrong.status()).isEqualTo(422);
        assertThat(wrong.errorFields()).containsExactly("credentials.api_token");
        assertThat(wrong.body()).doesNotContain(FakeToggl.UNKNOWN_TOKEN);

        toggl.clearRequests();
        Api.Response malformed = link("u-alice", null, Map.of("api_token", "NOT-A-TOKEN"), null, null);
        assertThat(malformed.status()).isEqualTo(422);
        assertThat(malformed.errorFields()).containsExactly("credentials.api_token");
        assertThat(malformed.list("errors").get(0).get("code")).isEqualTo("pattern");
        Api.Response unknownField = link("u-alice", null, Map.of("api_token", FakeToggl.ALICE.apiToken(),
                "passwrd", "x"), null, null);
        assertThat(unknownField.errorFields()).containsExactly("credentials.passwrd");
        Api.Response unknownMethod = api.post("/v1/accounts").token(key).json(Map.of("connector_id", "toggl",
                "owner_id", "u", "auth_method", "oauth", "credentials", Map.of("x", "y"))).send();
        assertThat(unknownMethod.errorFields()).containsExactly("auth_method");
        assertThat(toggl.requests()).isEmpty();

        Api.Response missing = api.post("/v1/accounts").token(key).json(Map.of("credentials", "abc",
                "visibility", 3)).send();
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.errorFields()).containsExactlyInAnyOrder("connector_id", "credentials", "visibility");
    }

    @Test
    void aMemberIsWarnedThatTheyAreNoWorkspaceAdmin() {
        Api.Response check = api.post("/v1/connectors/toggl/check").token(key)
                .json(Map.of("credentials", token(FakeToggl.BOB))).send();
        assertThat(check.status()).isEqualTo(200);
        assertThat(check.string("identity.email")).isEqualTo(FakeToggl.BOB.email());
        assertThat(check.list("workspaces")).singleElement().satisfies(w -> assertThat(w.get("admin")).isEqualTo(false));
        assertThat(api.get("/v1/accounts").token(key).send().list("data")).as("a check saves nothing").isEmpty();

        Api.Response linked = link("u-bob", null, token(FakeToggl.BOB), null, null);
        assertThat(linked.status()).isEqualTo(201);
        assertThat(linked.string("account.workspace_id")).isEqualTo(STUDIO);
        assertThat(linked.list("warnings")).extracting(w -> w.get("code")).containsExactly("not_workspace_admin");
        assertThat(linked.list("warnings").get(0).get("severity")).isEqualTo("warning");
    }

    @Test
    void renamingIsConditionalAndVisibilityDecidesWhoElseSeesTheAccount() {
        String id = linked("u-carol", "design", FakeToggl.CAROL, null);
        String path = "/v1/accounts/" + id;

        Api.Response read = api.get(path).token(key).send();
        assertThat(read.header("ETag")).hasValue("\"0\"");
        Api.Response renamed = api.patch(path).token(key).header("If-Match", "\"0\"")
                .json(Map.of("label", "Carol's Globex")).send();
        assertThat(renamed.status()).isEqualTo(200);
        assertThat(renamed.string("label")).isEqualTo("Carol's Globex");
        assertThat(renamed.header("ETag")).hasValue("\"1\"");
        Api.Response stale = api.patch(path).token(key).header("If-Match", "\"0\"").json(Map.of("label", "late")).send();
        assertThat(stale.status()).isEqualTo(412);
        assertThat(stale.string("code")).isEqualTo("stale_version");
        Api.Response blank = api.patch(path).token(key).json(Map.of("label", "  ")).send();
        assertThat(blank.status()).isEqualTo(422);
        assertThat(blank.errorFields()).containsExactly("label");

        // Private: a teammate does not see it, and cannot tell it exists.
        assertThat(api.get(path).token(key).owner("u-dan").header("Patchbay-Team-Id", "design").send().status())
                .isEqualTo(404);
        assertThat(api.get(path).token(key).owner("u-carol").send().status()).isEqualTo(200);

        Api.Response shared = api.patch(path).token(key).owner("u-carol").json(Map.of("visibility", "team")).send();
        assertThat(shared.status()).as(shared.toString()).isEqualTo(200);
        assertThat(shared.string("visibility")).isEqualTo("team");

        Api.Response teammate = api.get(path).token(key).owner("u-dan").header("Patchbay-Team-Id", "design").send();
        assertThat(teammate.status()).isEqualTo(200);
        assertThat(api.get("/v1/accounts").token(key).owner("u-dan").header("Patchbay-Team-Id", "design").send()
                .list("data")).extracting(a -> a.get("id")).containsExactly(id);
        assertThat(api.get(path).token(key).owner("u-eve").header("Patchbay-Team-Id", "sales").send().status())
                .isEqualTo(404);
        assertThat(api.get("/v1/accounts").token(key).owner("u-eve").send().list("data")).isEmpty();

        Api.Response notOwner = api.patch(path).token(key).owner("u-dan").header("Patchbay-Team-Id", "design")
                .json(Map.of("label", "mine now")).send();
        assertThat(notOwner.status()).isEqualTo(403);
        assertThat(notOwner.string("code")).isEqualTo("not_account_owner");
        assertThat(api.delete(path).token(key).owner("u-dan").header("Patchbay-Team-Id", "design").send().status())
                .isEqualTo(403);
        // Verifying records a status and a new version: the owner's to do, not a teammate's or the whole tenant's.
        Api.Response teammateVerify = api.post(path + "/verify").token(key).owner("u-dan")
                .header("Patchbay-Team-Id", "design").send();
        assertThat(teammateVerify.status()).isEqualTo(403);
        assertThat(teammateVerify.string("code")).isEqualTo("not_account_owner");
        assertThat(api.patch(path).token(key).owner("u-carol").json(Map.of("visibility", "tenant")).send().status())
                .isEqualTo(200);
        assertThat(api.post(path + "/verify").token(key).owner("u-eve").send().status()).isEqualTo(403);
        assertThat(api.get(path).token(key).send().header("ETag")).as("no verify was stored").hasValue("\"3\"");
        assertThat(api.post(path + "/verify").token(key).owner("u-carol").send().status()).isEqualTo(200);

        Api.Response teamless = link("u-zed", null, token(FakeToggl.BOB), null, "team");
        assertThat(teamless.status()).isEqualTo(422);
        assertThat(teamless.errorFields()).containsExactly("visibility");
    }

    @Test
    void anEndUserIdInAHeaderIsReadAsUtf8LikeTheSameIdInABody() {
        String id = linked("josé", null, FakeToggl.BOB, null);

        Api.Response mine = api.sendBytes("GET", "/v1/accounts", Map.of("Authorization", "Bearer " + key,
                "Patchbay-Owner-Id", "josé"), StandardCharsets.UTF_8);
        assertThat(mine.status()).as(mine.toString()).isEqualTo(200);
        assertThat(mine.list("data")).extracting(a -> a.get("id")).containsExactly(id);
        assertThat(mine.list("data").get(0).get("owner_id")).isEqualTo("josé");

        Api.Response latin1 = api.sendBytes("GET", "/v1/accounts", Map.of("Authorization", "Bearer " + key,
                "Patchbay-Owner-Id", "josé"), StandardCharsets.ISO_8859_1);
        assertThat(latin1.status()).as(latin1.toString()).isEqualTo(400);
        assertThat(latin1.errorFields()).containsExactly("Patchbay-Owner-Id");
        assertThat(latin1.string("errors.0.message")).contains("UTF-8");
    }

    @Test
    void aDuplicateNamesTheExistingAccountOnlyToWhoMaySeeIt() {
        String id = linked("u-carol", null, FakeToggl.CAROL, null);

        Api.Response other = api.post("/v1/accounts").token(key).owner("u-mallory")
                .json(Map.of("connector_id", "toggl", "credentials", token(FakeToggl.CAROL))).send();
        assertThat(other.status()).as(other.toString()).isEqualTo(409);
        assertThat(other.string("code")).isEqualTo("duplicate_account");
        assertThat(other.json()).doesNotContainKey("existing_account_id");
        assertThat(other.body()).doesNotContain(id);

        Api.Response tenantWide = link("u-carol", null, token(FakeToggl.CAROL), null, null);
        assertThat(tenantWide.status()).isEqualTo(409);
        assertThat(tenantWide.string("existing_account_id")).isEqualTo(id);
    }

    @Test
    void aRefusedChangeLeavesTheAccountAsItWas() {
        String path = "/v1/accounts/" + linked("u-bob", null, FakeToggl.BOB, null);

        Api.Response refused = api.patch(path).token(key)
                .json(Map.of("label", "renamed by a refused request", "visibility", "team")).send();
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.errorFields()).containsExactly("visibility");
        Api.Response after = api.get(path).token(key).send();
        assertThat(after.string("label")).isNotEqualTo("renamed by a refused request");
        assertThat(after.header("ETag")).hasValue("\"0\"");

        Api.Response both = api.patch(path).token(key).header("If-Match", "\"0\"")
                .json(Map.of("label", "Bob's", "visibility", "tenant")).send();
        assertThat(both.status()).as(both.toString()).isEqualTo(200);
        assertThat(both.string("label")).isEqualTo("Bob's");
        assertThat(both.string("visibility")).isEqualTo("tenant");
        assertThat(both.header("ETag")).as("one change, one version").hasValue("\"1\"");
    }

    @Test
    void rotationKeepsTheAccountAndRefusesAnotherUsersCredentials() {
        String id = linked("u-alice", null, FakeToggl.ALICE, STUDIO);
        String path = "/v1/accounts/" + id + "/credentials";

        Api.Response otherUser = api.put(path).token(key).json(Map.of("credentials", token(FakeToggl.CAROL))).send();
        assertThat(otherUser.status()).isEqualTo(422);
        assertThat(otherUser.string("code")).isEqualTo("identity_mismatch");

        Api.Response rotated = api.put(path).token(key).json(Map.of("auth_method", "email_password",
                "credentials", Map.of("email", FakeToggl.ALICE.email(), "password", FakeToggl.ALICE.password())))
                .send();
        assertThat(rotated.status()).as(rotated.toString()).isEqualTo(200);
        assertThat(rotated.string("account.id")).isEqualTo(id);
        assertThat(rotated.string("account.auth_method")).isEqualTo("email_password");
        assertThat(rotated.string("account.secret_hint")).as("no part of a password is shown").isEmpty();
        assertThat(rotated.body()).doesNotContain(FakeToggl.ALICE.password()).doesNotContain("tery");

        toggl.clearRequests();
        Api.Response action = api.post("/v1/accounts/" + id + "/actions/list_projects").token(key).send();
        assertThat(action.status()).as(action.toString()).isEqualTo(200);
        FakeRequest sent = toggl.requests().get(0);
        assertThat(sent.path()).contains("/workspaces/" + STUDIO + "/projects");
        assertThat(sent.basicAuth()).as("the new credentials are used")
                .contains(List.of(FakeToggl.ALICE.email(), FakeToggl.ALICE.password()));

        Api.Response verified = api.post("/v1/accounts/" + id + "/verify").token(key).send();
        assertThat(verified.status()).isEqualTo(200);
        assertThat(verified.string("status")).isEqualTo("active");
        assertThat(verified.string("last_verified_at")).isNotBlank();
        assertThat(api.post("/v1/accounts/" + id + "/verify").token(key).json(Map.of()).send().status()).isEqualTo(200);
        Api.Response withMembers = api.post("/v1/accounts/" + id + "/verify").token(key).json(Map.of("force", true))
                .send();
        assertThat(withMembers.status()).isEqualTo(400);
        assertThat(withMembers.errorFields()).containsExactly("force");
        assertThat(api.post("/v1/accounts/" + id + "/verify?force=1").token(key).send().errorFields())
                .containsExactly("force");
    }

    @Test
    void anActionAndTheProxyUseTheAccountWithoutEverShowingItsToken() {
        String id = linked("u-alice", null, FakeToggl.ALICE, STUDIO);

        toggl.clearRequests();
        Api.Response projects = api.post("/v1/accounts/" + id + "/actions/list_projects").token(key)
                .json(Map.of("status", "both")).send();
        assertThat(projects.status()).as(projects.toString()).isEqualTo(200);
        assertThat(projects.list("output.projects")).isNotEmpty();
        FakeRequest sent = toggl.requests().get(0);
        assertThat(sent.path()).isEqualTo("/api/v9/workspaces/" + STUDIO + "/projects");
        assertThat(sent.basicAuth()).contains(List.of(FakeToggl.ALICE.apiToken(), "api_token"));

        Api.Response badInput = api.post("/v1/accounts/" + id + "/actions/list_projects").token(key)
                .json(Map.of("status", "deleted", "colour", "red")).send();
        assertThat(badInput.status()).isEqualTo(422);
        assertThat(badInput.errorFields()).contains("status", "colour");

        toggl.clearRequests();
        Api.Response me = api.get("/v1/accounts/" + id + "/proxy/api/v9/me").token(key)
                .header("Cookie", "session=ours").header("Accept", "application/json").send();
        assertThat(me.status()).isEqualTo(200);
        assertThat(me.body()).contains("\"email\":\"" + FakeToggl.ALICE.email() + "\"")
                .contains("\"api_token\":\"[REDACTED]\"")
                .doesNotContain(FakeToggl.ALICE.apiToken());
        assertThat(me.header("Set-Cookie")).isEmpty();
        FakeRequest proxied = toggl.lastRequest();
        assertThat(proxied.path()).isEqualTo("/api/v9/me");
        assertThat(proxied.basicAuth()).contains(List.of(FakeToggl.ALICE.apiToken(), "api_token"));
        assertThat(proxied.header("Cookie")).isNull();
        assertThat(proxied.header("Accept")).isEqualTo("application/json");
        assertThat(proxied.header("Patchbay-Owner-Id")).isNull();

        Api.Response created = api.post("/v1/accounts/" + id + "/proxy/api/v9/workspaces/" + STUDIO + "/clients")
                .token(key).json(Map.of("name", "Proxy Client Ltd")).send();
        assertThat(created.status()).as(created.toString()).isEqualTo(200);
        assertThat(toggl.lastRequest().jsonObject()).containsEntry("name", "Proxy Client Ltd");

        Api.Response refused = api.get("/v1/accounts/" + id + "/proxy/api/v9/me").token(key).send();
        assertThat(refused.status()).isEqualTo(200);
        toggl.clearRequests();
        for (String bad : List.of("..%2f..%2fetc", "%2e%2e/%2e%2e/admin", "api/%2E%2E/%2E%2E/x",
                "https:%2F%2Fevil.example/steal", "http://evil.example/", "api//v9/me", "api%5c..%5cx")) {
            Api.Response response = api.get("/v1/accounts/" + id + "/proxy/" + bad).token(key).send();
            assertThat(response.status()).as(bad + " -> " + response).isBetween(400, 404);
            assertThat(response.status()).as(bad).isNotEqualTo(200);
        }
        assertThat(toggl.requests()).as("nothing left the base URL, nothing was sent").isEmpty();
    }

    @Test
    void proxiedRequestsKeepToTheUsersPaceAndWithinItAre429WithoutReachingToggl() throws Exception {
        try (FakeToggl own = FakeToggl.start();
             PatchbayServer paced = PatchbayServer.start(TestServers.config(
                     java.nio.file.Files.createDirectories(data.resolve("paced")), Map.of("toggl", own.baseUrl()),
                     Map.of("PATCHBAY_CONNECTOR_TOGGL_REQUESTS_PER_SECOND", "0.5")))) {
            Api pacedApi = new Api(paced.port());
            String tenant = Tenants.key(pacedApi, paced.firstAdminKey().orElseThrow(), "paced");
            Api.Response linked = pacedApi.post("/v1/accounts").token(tenant).json(Map.of("connector_id", "toggl",
                    "credentials", token(FakeToggl.ALICE), "owner_id", "u-alice", "workspace_id", STUDIO)).send();
            assertThat(linked.status()).as(linked.toString()).isEqualTo(201);
            String me = "/v1/accounts/" + linked.string("account.id") + "/proxy/api/v9/me";
            int sent = own.requests().size();

            // The link's last request has just taken the token's turn; the next one is 2 s after it.
            Api.Response early = pacedApi.get(me).token(tenant).send();
            assertThat(early.status()).as(early.toString()).isEqualTo(429);
            assertThat(early.string("code")).isEqualTo("client_rate_limited");
            assertThat(early.string("title")).as("Patchbay refused it; Toggl was not asked")
                    .isEqualTo("Rate limited to the provider's pace");
            long wait = Long.parseLong(early.header("Retry-After").orElseThrow());
            assertThat(wait).isBetween(1L, 2L);
            assertThat(own.requests()).as("the refused request did not reach Toggl").hasSize(sent);

            Thread.sleep(wait * 1000);
            Api.Response due = pacedApi.get(me).token(tenant).send();
            assertThat(due.status()).as(due.toString()).isEqualTo(200);
            Api.Response next = pacedApi.get(me).token(tenant).send();
            assertThat(next.status()).as(next.toString()).isEqualTo(429);
            assertThat(next.header("Retry-After")).contains("2");
            assertThat(own.requests()).hasSize(sent + 1);
        }
    }

    @Test
    void theProxyNeverHandsOutTheApiTokenOfAnAccountLinkedByEmailAndPasswordNorResetsIt() {
        Api.Response byPassword = api.post("/v1/accounts").token(key).json(Map.of("connector_id", "toggl",
                "auth_method", "email_password", "owner_id", "u-carol", "credentials", Map.of("email",
                        FakeToggl.CAROL.email(), "password", FakeToggl.CAROL.password()))).send();
        assertThat(byPassword.status()).as(byPassword.toString()).isEqualTo(201);
        assertThat(byPassword.string("account.auth_method")).isEqualTo("email_password");
        String proxy = "/v1/accounts/" + byPassword.string("account.id") + "/proxy/";
        String token = toggl.apiToken(FakeToggl.CAROL);

        Api.Response me = api.get(proxy + "api/v9/me").token(key).send();
        assertThat(me.status()).isEqualTo(200);
        assertThat(me.body()).contains("\"email\":\"" + FakeToggl.CAROL.email() + "\"")
                .contains("\"api_token\":\"[REDACTED]\"")
                .doesNotContain(token);

        toggl.clearRequests();
        for (String spelling : List.of("api/v9/me/reset_token", "api/v9/me/reset_token/", "API/v9/Me/RESET_TOKEN",
                "api/v9/me/%72eset_token")) {
            Api.Response reset = api.post(proxy + spelling).token(key).send();
            assertThat(reset.status()).as(spelling).isEqualTo(403);
            assertThat(reset.string("code")).isEqualTo("proxy_route_blocked");
            assertThat(reset.string("detail")).contains("POST api/v9/me/reset_token")
                    .contains("PUT /v1/accounts/{account_id}/credentials");
        }
        assertThat(toggl.requests()).as("nothing was sent to Toggl").isEmpty();
        assertThat(toggl.apiToken(FakeToggl.CAROL)).isEqualTo(token);
        assertThat(api.get(proxy + "api/v9/me/reset_token").token(key).send().status())
                .as("only the method that resets is blocked").isNotEqualTo(403);
    }

    @Test
    void theProxyMasksWebhookSecretsAndFeedLinksAndRefusesRoutesThatMintCredentials() {
        String proxy = "/v1/accounts/" + linked("u-alice", null, FakeToggl.ALICE, STUDIO) + "/proxy/";
        toggl.probeCallbacks(false);
        Api.Response created = api.post(proxy + "webhooks/api/v1/subscriptions/" + STUDIO).token(key)
                .json(Map.of("url_callback", "https://hooks.example/toggl", "description", "ours",
                        "event_filters", List.of(Map.of("entity", "*", "action", "*")),
                        "secret", "caller-chosen-secret-1")).send();
        assertThat(created.status()).as(created.toString()).isEqualTo(200);
        String secret = (String) toggl.webhookSubscriptions(FakeToggl.WS_STUDIO).get(0).get("secret");

        Api.Response listed = api.get(proxy + "webhooks/api/v1/subscriptions/" + STUDIO).token(key).send();
        assertThat(listed.status()).isEqualTo(200);
        assertThat(listed.body()).contains("\"secret\":\"[REDACTED]\"").doesNotContain(secret)
                .contains("\"url_callback\":\"https://hooks.example/toggl\"");

        Api.Response workspaces = api.get(proxy + "api/v9/me/workspaces").token(key).send();
        assertThat(workspaces.status()).isEqualTo(200);
        assertThat(workspaces.body()).contains("\"ical_url\":\"[REDACTED]\"").doesNotContain("/ical/workspace_user/");

        toggl.clearRequests();
        for (String route : List.of("POST api/v9/desktop_login_tokens", "GET api/v9/desktop_login",
                "HEAD api/v9/desktop_login", "POST api/v9/workspaces/" + STUDIO + "/ical/reset",
                "POST api/v9/workspaces/" + LABS + "/ical/reset/", "POST api/v9/Workspaces/" + STUDIO + "/ical/%72eset")) {
            String[] parts = route.split(" ");
            Api.Response refused = api.method(parts[0], proxy + parts[1]).token(key).send();
            assertThat(refused.status()).as(route).isEqualTo(403);
            if (!parts[0].equals("HEAD")) { // a HEAD answer has no body
                assertThat(refused.string("code")).isEqualTo("proxy_route_blocked");
                assertThat(refused.string("detail")).contains("not available through the proxy: it ");
            }
        }
        assertThat(toggl.requests()).as("nothing was sent to Toggl").isEmpty();
    }

    @Test
    void inputTheConnectorRefusesItselfIsInvalidInputNotAProviderRejection() {
        String id = linked("u-alice", null, FakeToggl.ALICE, STUDIO);
        toggl.clearRequests();
        Map<String, Map<String, Object>> refused = new LinkedHashMap<>();
        // What no schema can say (values compared with each other) the connector refuses itself.
        refused.put("stop", Map.of("start", "2026-12-01T12:00:00Z", "stop", "2026-12-01T11:00:00Z"));
        refused.put("start", Map.of("start", "2026-02-31T10:00:00Z", "duration", 60));
        for (Map.Entry<String, Map<String, Object>> c : refused.entrySet()) {
            Api.Response response = api.post("/v1/accounts/" + id + "/actions/create_time_entry").token(key)
                    .json(c.getValue()).send();
            assertThat(response.status()).as(response.toString()).isEqualTo(422);
            assertThat(response.string("code")).isEqualTo("invalid_input");
            assertThat(response.string("title")).isEqualTo("Invalid input");
            assertThat(response.json()).doesNotContainKey("provider_status");
            assertThat(response.errorFields()).containsExactly(c.getKey());
        }
        Api.Response backwards = api.post("/v1/accounts/" + id + "/actions/list_time_entries").token(key)
                .json(Map.of("start", "2026-12-02T00:00:00Z", "end", "2026-12-01T00:00:00Z")).send();
        assertThat(backwards.status()).as(backwards.toString()).isEqualTo(422);
        assertThat(backwards.json()).doesNotContainKey("provider_status");
        assertThat(backwards.errorFields()).containsExactly("end");
        assertThat(toggl.requests()).as("nothing reached Toggl").isEmpty();
    }

    @Test
    void theActionRoutesRefuseQueryParametersTheyWouldIgnore() {
        String id = linked("u-alice", null, FakeToggl.ALICE, STUDIO);
        Api.Response all = api.get("/v1/connectors/toggl/actions").token(key).send();
        assertThat(all.status()).isEqualTo(200);
        assertThat(all.json()).containsEntry("next_cursor", null);
        assertThat(all.list("data")).hasSizeGreaterThan(1);

        for (String path : List.of("/v1/connectors/toggl/actions?foo=bar", "/v1/connectors/toggl/actions?limit=1",
                "/v1/connectors?limit=1", "/v1/connectors/toggl?foo=bar")) {
            Api.Response refused = api.get(path).token(key).send();
            assertThat(refused.status()).as(path + " -> " + refused).isEqualTo(400);
            assertThat(refused.string("code")).isEqualTo("invalid_request");
            assertThat(refused.errorFields()).containsExactly(path.substring(path.indexOf('?') + 1, path.indexOf('=')));
        }

        toggl.clearRequests();
        Api.Response invoked = api.post("/v1/accounts/" + id + "/actions/list_tags?foo=1").token(key).send();
        assertThat(invoked.status()).as(invoked.toString()).isEqualTo(400);
        assertThat(invoked.errorFields()).containsExactly("foo");
        assertThat(toggl.requests()).isEmpty();
    }

    @Test
    void disconnectingErasesTheAccount() {
        String id = linked("u-alice", null, FakeToggl.ALICE, LABS);
        assertThat(api.delete("/v1/accounts/" + id).token(key).send().status()).isEqualTo(204);
        assertThat(api.get("/v1/accounts/" + id).token(key).send().status()).isEqualTo(404);
        assertThat(api.get("/v1/accounts/" + id + "/proxy/api/v9/me").token(key).send().status()).isEqualTo(404);
        assertThat(api.delete("/v1/accounts/" + id).token(key).send().status()).isEqualTo(404);
        Api.Response relinked = link("u-alice", null, token(FakeToggl.ALICE), LABS, null);
        assertThat(relinked.status()).as("the same workspace can be linked again").isEqualTo(201);
    }

    @Test
    void providerQuotaAnswersAreRateLimitProblemsWithRetryAfter() {
        String id = linked("u-alice", null, FakeToggl.ALICE, STUDIO);
        toggl.quota(0, 0);
        Api.Response limited = api.post("/v1/accounts/" + id + "/actions/list_projects").token(key).send();
        assertThat(limited.status()).as(limited.toString()).isEqualTo(429);
        assertThat(limited.header("Retry-After")).isPresent();
        assertThat(limited.at("quota_exhausted")).isEqualTo(true);
    }

    @Test
    void whoMayChangeTheAccountIsDecidedBeforeItsVersionAndTheRequestsValues() {
        String id = link("u-carol", null, token(FakeToggl.ALICE), STUDIO, "tenant").string("account.id");
        String path = "/v1/accounts/" + id;
        Map<String, Object> badCredentials = Map.of("credentials", Map.of("api_token", "x"));
        // A stale If-Match or a bad value from someone who sees the account but does not own it: 403, no ETag.
        List<Api.Call> byNonOwner = List.of(
                api.patch(path).json(Map.of("label", "mine now")).header("If-Match", "\"7\""),
                api.patch(path).json(Map.of("label", " ")),
                api.patch(path).json(Map.of("visibility", "everyone")),
                api.delete(path).header("If-Match", "\"7\""),
                api.post(path + "/verify").header("If-Match", "\"7\""),
                api.put(path + "/credentials").json(Map.of("credentials", token(FakeToggl.ALICE)))
                        .header("If-Match", "\"7\""),
                api.put(path + "/credentials").json(badCredentials));
        for (Api.Call call : byNonOwner) {
            Api.Response refused = call.token(key).owner("u-eve").send();
            assertThat(refused.status()).as(refused.toString()).isEqualTo(403);
            assertThat(refused.string("code")).isEqualTo("not_account_owner");
            assertThat(refused.header("ETag")).isEmpty();
        }
        // The owner: the precondition comes before the values.
        for (Api.Call call : List.of(api.patch(path).json(Map.of("label", " ")).header("If-Match", "\"7\""),
                api.put(path + "/credentials").json(badCredentials).header("If-Match", "\"7\""))) {
            Api.Response stale = call.token(key).owner("u-carol").send();
            assertThat(stale.status()).as(stale.toString()).isEqualTo(412);
            assertThat(stale.header("ETag")).hasValue("\"0\"");
        }
        Api.Response badLabel = api.patch(path).token(key).owner("u-carol").header("If-Match", "\"0\"")
                .json(Map.of("label", " ")).send();
        assertThat(badLabel.status()).as(badLabel.toString()).isEqualTo(422);
        assertThat(badLabel.errorFields()).containsExactly("label");
        assertThat(api.get(path).token(key).send().header("ETag")).as("nothing changed").hasValue("\"0\"");
    }
}
