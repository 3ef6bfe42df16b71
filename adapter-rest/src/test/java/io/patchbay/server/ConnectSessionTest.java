package io.patchbay.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.connector.oneflow.fake.FakeOneflow;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Connect sessions: what a session token may do, for whom, for how long, and how often in edit mode. */
class ConnectSessionTest {
    @TempDir
    static Path data;
    static FakeOneflow oneflow;
    static TestClock clock = new TestClock();
    static PatchbayServer server;
    static Api api;
    static String admin;
    static int tenants;
    /** Each test links in a tenant of its own: one provider account and workspace links once per tenant. */
    String key;

    static final Map<String, Object> CREDENTIALS = Map.of("api_token", FakeOneflow.TOKEN,
            "user_email", FakeOneflow.ADMIN_EMAIL);
    static final String SALES = Long.toString(FakeOneflow.WORKSPACE_SALES);
    static final String HR = Long.toString(FakeOneflow.WORKSPACE_HR);

    @BeforeAll
    static void start() {
        oneflow = FakeOneflow.start();
        server = TestServers.start(data, Map.of("oneflow", oneflow.baseUrl()), clock);
        api = new Api(server.port());
        admin = server.firstAdminKey().orElseThrow();
    }

    @BeforeEach
    void tenant() {
        key = Tenants.key(api, admin, "tenant-" + ++tenants);
    }

    @AfterAll
    static void stop() {
        server.close();
        oneflow.close();
    }

    Api.Response createSession(Map<String, Object> body) {
        return api.post("/v1/connect-sessions").token(key).json(body).send();
    }

    String linkSession(String owner) {
        Api.Response created = createSession(Map.of("owner_id", owner, "team_id", "team-1",
                "allowed_connectors", List.of("oneflow"), "label", "Linked from the app"));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return created.string("token");
    }

    Api.Response link(String token, String workspace, Map<String, Object> extra) {
        Map<String, Object> body = new LinkedHashMap<>(Map.of("connector_id", "oneflow", "credentials", CREDENTIALS,
                "workspace_id", workspace));
        body.putAll(extra);
        return api.post("/v1/accounts").token(token).json(body).send();
    }

    @Test
    void aLinkSessionLinksForItsOwnerAndReadsOnlyItsConnectors() {
        Api.Response created = createSession(Map.of("owner_id", "carol", "team_id", "team-1",
                "allowed_connectors", List.of("oneflow"), "label", "Linked from the app", "expires_in", 600));
        assertThat(created.status()).isEqualTo(201);
        String token = created.string("token");
        assertThat(token).startsWith("pb_cs_");
        assertThat(created.string("mode")).isEqualTo("link");
        assertThat(created.string("connect_url")).isEqualTo("/connect#session=" + token);

        Api.Response catalog = api.get("/v1/connectors").token(token).send();
        assertThat(catalog.list("data")).extracting(c -> c.get("id")).containsExactly("oneflow");

        Api.Response check = api.post("/v1/connectors/oneflow/check").token(token)
                .json(Map.of("credentials", CREDENTIALS)).send();
        assertThat(check.status()).as(check.toString()).isEqualTo(200);
        assertThat(check.string("identity.email")).isEqualTo(FakeOneflow.ADMIN_EMAIL);
        assertThat(check.list("workspaces")).hasSizeGreaterThan(1);

        Api.Response linked = link(token, SALES, Map.of());
        assertThat(linked.status()).as(linked.toString()).isEqualTo(201);
        assertThat(linked.string("account.owner_id")).isEqualTo("carol");
        assertThat(linked.string("account.team_id")).isEqualTo("team-1");
        assertThat(linked.string("account.label")).isEqualTo("Linked from the app");

        Api.Response foreignOwner = link(token, HR, Map.of("owner_id", "mallory"));
        assertThat(foreignOwner.status()).isEqualTo(422);
        assertThat(foreignOwner.errorFields()).containsExactly("owner_id");

        Api.Response again = link(token, HR, Map.of());
        assertThat(again.status()).as("a link session links several accounts until it expires").isEqualTo(201);
    }

    @Test
    void ownerOrTeamHeadersNamingSomeoneElseThanTheSessionAreRefusedNotIgnored() {
        String token = linkSession("carol");
        Map<String, Object> body = Map.of("connector_id", "oneflow", "credentials", CREDENTIALS,
                "workspace_id", SALES);

        Api.Response otherOwner = api.post("/v1/accounts").token(token).header("Patchbay-Owner-Id", "mallory")
                .json(body).send();
        assertThat(otherOwner.status()).as(otherOwner.toString()).isEqualTo(400);
        assertThat(otherOwner.string("errors.0.field")).isEqualTo("Patchbay-Owner-Id");
        assertThat(otherOwner.string("errors.0.code")).isEqualTo("owner_mismatch");
        Api.Response otherTeam = api.get("/v1/connectors").token(token).header("Patchbay-Owner-Id", "carol")
                .header("Patchbay-Team-Id", "team-2").send();
        assertThat(otherTeam.status()).as(otherTeam.toString()).isEqualTo(400);
        assertThat(otherTeam.errorFields()).containsExactly("Patchbay-Team-Id");
        assertThat(api.get("/v1/accounts").token(key).send().list("data")).as("nothing linked").isEmpty();

        Api.Response sameOwner = api.post("/v1/accounts").token(token).header("Patchbay-Owner-Id", "carol")
                .header("Patchbay-Team-Id", "team-1").json(body).send();
        assertThat(sameOwner.status()).as("headers that agree with the session change nothing: " + sameOwner)
                .isEqualTo(201);
        assertThat(sameOwner.string("account.owner_id")).isEqualTo("carol");
    }

    @Test
    void aSessionForAnotherOwnerOrTeamThanTheHeadersIsRefused() {
        Map<String, Object> body = Map.of("owner_id", "carol", "team_id", "team-2",
                "allowed_connectors", List.of("oneflow"));

        Api.Response otherTeam = api.post("/v1/connect-sessions").token(key).header("Patchbay-Owner-Id", "carol")
                .header("Patchbay-Team-Id", "team-1").json(body).send();
        assertThat(otherTeam.status()).as(otherTeam.toString()).isEqualTo(422);
        assertThat(otherTeam.errorFields()).containsExactly("team_id");
        assertThat(otherTeam.string("errors.0.code")).isEqualTo("owner_mismatch");
        Api.Response otherOwner = api.post("/v1/connect-sessions").token(key).header("Patchbay-Owner-Id", "dave")
                .header("Patchbay-Team-Id", "team-2").json(body).send();
        assertThat(otherOwner.errorFields()).containsExactly("owner_id");

        assertThat(api.post("/v1/connect-sessions").token(key).header("Patchbay-Owner-Id", "carol")
                .header("Patchbay-Team-Id", "team-2").json(body).send().status()).isEqualTo(201);
    }

    @Test
    void revokingTheKeyThatCreatedASessionEndsTheSession() {
        Api.Response creator = api.post("/v1/admin/tenants/tenant-" + tenants + "/api-keys").token(admin)
                .json(Map.of("name", "session maker")).send();
        String creatorId = creator.string("id");
        Api.Response created = api.post("/v1/connect-sessions").token(creator.string("key"))
                .json(Map.of("owner_id", "gus", "allowed_connectors", List.of("oneflow"))).send();
        String token = created.string("token");
        assertThat(api.get("/v1/connectors").token(token).send().status()).isEqualTo(200);

        assertThat(api.delete("/v1/admin/tenants/tenant-" + tenants + "/api-keys/" + creatorId).token(admin).send()
                .status()).isEqualTo(200);

        Api.Response revoked = api.get("/v1/connectors").token(token).send();
        assertThat(revoked.status()).isEqualTo(401);
        assertThat(revoked.string("code")).isEqualTo("session_revoked");
        Api.Response link = link(token, SALES, Map.of());
        assertThat(link.status()).isEqualTo(401);
        assertThat(api.post("/v1/connect-sessions").token(key)
                .json(Map.of("owner_id", "gus", "allowed_connectors", List.of("oneflow"))).send().status())
                .as("sessions of the tenant's other keys are not affected").isEqualTo(201);
    }

    @Test
    void labelsAreCountedInCharactersAndMustBeWholeUnicodeText() {
        String emoji = "\uD83D\uDE00".repeat(150); // 150 characters, 300 UTF-16 units
        Api.Response wide = createSession(Map.of("owner_id", "finn", "allowed_connectors", List.of("oneflow"),
                "label", emoji));
        assertThat(wide.status()).as(wide.toString()).isEqualTo(201);
        assertThat(wide.string("label")).isEqualTo(emoji);

        Api.Response tooLong = createSession(Map.of("owner_id", "finn", "allowed_connectors", List.of("oneflow"),
                "label", "\uD83D\uDE00".repeat(201)));
        assertThat(tooLong.status()).isEqualTo(422);
        assertThat(tooLong.errorFields()).containsExactly("label");

        Api.Response unpaired = api.post("/v1/connect-sessions").token(key)
                .raw("{\"owner_id\":\"finn\",\"allowed_connectors\":[\"oneflow\"],\"label\":\"a\\ud800b\"}").send();
        assertThat(unpaired.status()).as(unpaired.toString()).isEqualTo(400);
        assertThat(unpaired.errorFields()).containsExactly("label");
    }

    @Test
    void whomAnAccountIsSharedWithIsTheBackendsDecisionNotTheBrowsers() {
        Api.Response created = createSession(Map.of("owner_id", "erin", "allowed_connectors", List.of("oneflow")));
        String teamless = created.string("token");

        Api.Response tenantWide = link(teamless, SALES, Map.of("visibility", "tenant", "label", "Company Oneflow"));
        assertThat(tenantWide.status()).as(tenantWide.toString()).isEqualTo(403);
        assertThat(tenantWide.string("code")).isEqualTo("session_not_allowed");
        Api.Response ownTeam = link(teamless, SALES, Map.of("team_id", "any-team", "visibility", "team"));
        assertThat(ownTeam.status()).as(ownTeam.toString()).isEqualTo(403);
        assertThat(ownTeam.string("detail")).contains("team_id is set by the backend");
        assertThat(api.get("/v1/accounts").token(key).send().list("data")).as("nothing linked").isEmpty();

        Api.Response sharedWithItsTeam = link(linkSession("erin"), SALES, Map.of("visibility", "team"));
        assertThat(sharedWithItsTeam.status()).as(sharedWithItsTeam.toString()).isEqualTo(201);
        assertThat(sharedWithItsTeam.string("account.visibility")).isEqualTo("team");
        assertThat(sharedWithItsTeam.string("account.team_id")).isEqualTo("team-1");
    }

    @Test
    void aSessionTokenCannotUseTheRestOfTheApi() {
        String token = linkSession("dora");
        String accountId = link(token, SALES, Map.of("label", "dora sales")).string("account.id");
        String base = "/v1/accounts/" + accountId;
        List<Api.Call> refused = List.of(
                api.get("/v1/accounts"),
                api.patch(base).json(Map.of("label", "x")),
                api.delete(base),
                api.post(base + "/verify"),
                api.post(base + "/actions/list_templates").json(Map.of()),
                api.get(base + "/proxy/contracts"),
                api.post("/v1/connect-sessions").json(Map.of("owner_id", "dora", "allowed_connectors", List.of("oneflow"))),
                api.get("/v1/admin/tenants/default/api-keys"));
        for (Api.Call call : refused) {
            Api.Response response = call.token(token).send();
            assertThat(response.status()).as(response.toString()).isEqualTo(403);
            assertThat(response.string("code")).isEqualTo("session_not_allowed");
            assertThat(response.string("detail")).as(response.toString())
                    .startsWith("A link-mode connect session may only link new accounts").contains("API key");
        }
        for (Api.Call call : List.of(api.get(base), api.put(base + "/credentials").json(Map.of("credentials",
                CREDENTIALS)))) {
            Api.Response response = call.token(token).send();
            assertThat(response.status()).as(response.toString()).isEqualTo(403);
            assertThat(response.string("code")).isEqualTo("session_not_for_account");
            assertThat(response.string("detail")).contains("needs an edit-mode session");
        }

        Api.Response otherConnector = api.post("/v1/accounts").token(token).json(Map.of("connector_id", "toggl",
                "credentials", Map.of("api_token", "x"))).send();
        assertThat(otherConnector.status()).isEqualTo(403);
        assertThat(otherConnector.string("code")).isEqualTo("connector_not_allowed");
    }

    @Test
    void anExpiredSessionIsRefusedWithItsOwnCode() {
        String token = linkSession("erin");
        clock.advance(Duration.ofMinutes(16));
        Api.Response expired = link(token, SALES, Map.of());
        assertThat(expired.status()).isEqualTo(401);
        assertThat(expired.string("code")).isEqualTo("session_expired");
        assertThat(expired.header("WWW-Authenticate")).isPresent();

        Api.Response unknown = link("pb_cs_" + "a".repeat(32), SALES, Map.of());
        assertThat(unknown.status()).isEqualTo(401);
        assertThat(unknown.string("code")).isEqualTo("invalid_session_token");
    }

    @Test
    void sessionsExpiredForADayAreRemovedWhenTheNextOneIsMade() {
        String lateClick = linkSession("fay");
        String stale = linkSession("fay");
        clock.advance(Duration.ofHours(2));
        assertThat(link(lateClick, SALES, Map.of()).string("code")).as("kept a day after expiring")
                .isEqualTo("session_expired");
        clock.advance(Duration.ofDays(1));

        String fresh = linkSession("gus");

        assertThat(link(stale, SALES, Map.of()).string("code")).as("removed").isEqualTo("invalid_session_token");
        assertThat(api.get("/v1/connectors").token(fresh).send().status()).isEqualTo(200);
    }

    @Test
    void anEditSessionReplacesOneAccountsCredentialsOnce() {
        Api.Response linked = api.post("/v1/accounts").token(key).json(Map.of("connector_id", "oneflow",
                "owner_id", "frank", "workspace_id", SALES, "credentials", CREDENTIALS, "label", "frank")).send();
        String accountId = linked.string("account.id");

        Api.Response other = createSession(Map.of("owner_id", "grace", "account_id", accountId));
        assertThat(other.status()).as("grace cannot even see frank's private account").isEqualTo(404);

        Api.Response created = createSession(Map.of("owner_id", "frank", "account_id", accountId));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.string("mode")).isEqualTo("edit");
        assertThat(created.strings("allowed_connectors")).containsExactly("oneflow");
        String token = created.string("token");

        Api.Response newLink = link(token, HR, Map.of());
        assertThat(newLink.status()).isEqualTo(403);
        assertThat(newLink.string("code")).isEqualTo("session_edit_mode");
        // Closed whatever the body says: no other refusal comes first.
        for (Map<String, Object> extra : List.<Map<String, Object>>of(Map.of("visibility", "tenant"),
                Map.of("owner_id", "grace"), Map.of("team_id", "t1"))) {
            Api.Response refused = link(token, HR, extra);
            assertThat(refused.status()).as(extra + ": " + refused).isEqualTo(403);
            assertThat(refused.string("code")).isEqualTo("session_edit_mode");
        }

        Api.Response read = api.get("/v1/accounts/" + accountId).token(token).send();
        assertThat(read.status()).as("the page names the account it re-keys").isEqualTo(200);
        assertThat(read.string("label")).isEqualTo("frank");
        assertThat(read.string("connector_id")).isEqualTo("oneflow");
        assertThat(read.toString()).doesNotContain(FakeOneflow.TOKEN);
        String othersAccount = api.post("/v1/accounts").token(key).json(Map.of("connector_id", "oneflow",
                "owner_id", "frank", "workspace_id", HR, "credentials", CREDENTIALS)).send().string("account.id");
        Api.Response notThisOne = api.get("/v1/accounts/" + othersAccount).token(token).send();
        assertThat(notThisOne.status()).isEqualTo(403);
        assertThat(notThisOne.string("code")).isEqualTo("session_not_for_account");
        // Routes only an API key may call say what an edit session may do, not that it could link accounts.
        for (Api.Call call : List.of(api.patch("/v1/accounts/" + accountId).json(Map.of("label", "x")),
                api.post("/v1/accounts/" + accountId + "/verify"), api.get("/v1/accounts"),
                api.get("/v1/accounts/" + accountId + "/proxy/contracts"))) {
            Api.Response keyOnly = call.token(token).send();
            assertThat(keyOnly.status()).as(keyOnly.toString()).isEqualTo(403);
            assertThat(keyOnly.string("code")).isEqualTo("session_not_allowed");
            assertThat(keyOnly.string("detail")).as(keyOnly.toString()).doesNotContain("link")
                    .contains("edit-mode connect session may only read account " + accountId);
        }

        Api.Response wrong = api.put("/v1/accounts/" + accountId + "/credentials").token(token)
                .json(Map.of("credentials", Map.of("api_token", FakeOneflow.OTHER_ACCOUNT_TOKEN,
                        "user_email", FakeOneflow.OTHER_ACCOUNT_EMAIL))).send();
        assertThat(wrong.status()).as(wrong.toString()).isEqualTo(422);
        assertThat(wrong.string("code")).isEqualTo("identity_mismatch");

        Api.Response rotated = api.put("/v1/accounts/" + accountId + "/credentials").token(token)
                .json(Map.of("credentials", CREDENTIALS)).send();
        assertThat(rotated.status()).as("a failed attempt does not spend the session").isEqualTo(200);
        assertThat(rotated.at("account.version")).isEqualTo(1.0);

        Api.Response reused = api.put("/v1/accounts/" + accountId + "/credentials").token(token)
                .json(Map.of("credentials", CREDENTIALS)).send();
        assertThat(reused.status()).isEqualTo(401);
        assertThat(reused.string("code")).isEqualTo("session_used");
    }

    @Test
    void twoRequestsRacingWithOneEditSessionChangeTheAccountOnce() throws Exception {
        String accountId = api.post("/v1/accounts").token(key).json(Map.of("connector_id", "oneflow",
                "owner_id", "hana", "workspace_id", SALES, "credentials", CREDENTIALS)).send().string("account.id");
        String token = createSession(Map.of("owner_id", "hana", "account_id", accountId)).string("token");
        // Both verifications would overlap: the provider answers each only after a while.
        oneflow.delayNext(Duration.ofMillis(700), 4);

        List<CompletableFuture<Api.Response>> racing = List.of(1, 2).stream()
                .map(i -> CompletableFuture.supplyAsync(() -> api.put("/v1/accounts/" + accountId + "/credentials")
                        .token(token).json(Map.of("credentials", CREDENTIALS)).send()))
                .toList();

        List<Integer> statuses = new ArrayList<>();
        for (CompletableFuture<Api.Response> r : racing) {
            statuses.add(r.get(30, TimeUnit.SECONDS).status());
        }
        assertThat(statuses).as("the other is told to wait its turn, not that the session is used")
                .containsExactlyInAnyOrder(200, 409);
        assertThat(api.get("/v1/accounts/" + accountId).token(key).send().at("version")).isEqualTo(1.0);
        assertThat(api.put("/v1/accounts/" + accountId + "/credentials").token(token)
                .json(Map.of("credentials", CREDENTIALS)).send().string("code")).isEqualTo("session_used");
    }

    @Test
    void whileAnAttemptIsCheckedTheSessionReadsAndAnotherAttemptIsToldToWaitNotThatItIsUsed() throws Exception {
        String accountId = api.post("/v1/accounts").token(key).json(Map.of("connector_id", "oneflow",
                "owner_id", "ines", "workspace_id", SALES, "credentials", CREDENTIALS)).send().string("account.id");
        Api.Response created = createSession(Map.of("owner_id", "ines", "account_id", accountId));
        String token = created.string("token");
        String sessionId = created.string("id");
        oneflow.clearRequests();
        oneflow.delayNext(Duration.ofMillis(1500), 1);
        // A token the provider rejects, answered slowly.
        CompletableFuture<Api.Response> bad = CompletableFuture.supplyAsync(() -> api.put("/v1/accounts/"
                + accountId + "/credentials").token(token).json(Map.of("credentials", Map.of("api_token",
                FakeOneflow.REVOKED_TOKEN, "user_email", FakeOneflow.ADMIN_EMAIL))).send());
        awaitProviderAsked();

        Api.Response read = api.get("/v1/accounts/" + accountId).token(token).send();
        assertThat(read.status()).as("reading goes on meanwhile: " + read).isEqualTo(200);
        Api.Response catalog = api.get("/v1/connectors").token(token).send();
        assertThat(catalog.status()).as(catalog.toString()).isEqualTo(200);
        assertThat(storedSession(sessionId)).as("claimed, not used").startsWith("used_at=null claimed_until=")
                .doesNotEndWith("claimed_until=null");
        Api.Response busy = api.put("/v1/accounts/" + accountId + "/credentials").token(token)
                .json(Map.of("credentials", CREDENTIALS)).send();
        assertThat(busy.status()).as(busy.toString()).isEqualTo(409);
        assertThat(busy.string("code")).isEqualTo("session_busy");
        assertThat(busy.header("Retry-After")).contains("2");
        assertThat(busy.at("retry_after_seconds")).isEqualTo(2.0);
        assertThat(busy.string("detail")).contains("in progress").contains("try again");

        Api.Response failed = bad.get(30, TimeUnit.SECONDS);
        assertThat(failed.status()).as(failed.toString()).isEqualTo(422);
        assertThat(storedSession(sessionId)).isEqualTo("used_at=null claimed_until=null");
        assertThat(api.get("/v1/accounts/" + accountId).token(key).send().at("version")).isEqualTo(0.0);

        Api.Response rotated = api.put("/v1/accounts/" + accountId + "/credentials").token(token)
                .json(Map.of("credentials", CREDENTIALS)).send();
        assertThat(rotated.status()).as("the failed attempt left the session whole: " + rotated).isEqualTo(200);
        assertThat(storedSession(sessionId)).startsWith("used_at=").endsWith("claimed_until=null")
                .doesNotStartWith("used_at=null");
        Api.Response reused = api.get("/v1/accounts/" + accountId).token(token).send();
        assertThat(reused.status()).isEqualTo(401);
        assertThat(reused.string("code")).isEqualTo("session_used");
        assertThat(reused.string("detail")).contains("replaced the credentials");
    }

    @Test
    void anAttemptWhoseServerDiedHoldsTheSessionOnlyUntilItsCallDeadlinePassed() {
        String accountId = api.post("/v1/accounts").token(key).json(Map.of("connector_id", "oneflow",
                "owner_id", "jon", "workspace_id", SALES, "credentials", CREDENTIALS)).send().string("account.id");
        Api.Response created = createSession(Map.of("owner_id", "jon", "account_id", accountId,
                "expires_in", 1800));
        String token = created.string("token");
        // What a server that died while checking the provider leaves: a claim, with no one left to release it.
        Instant claimedUntil = clock.instant().plus(Duration.ofSeconds(36));
        updateSession("UPDATE connect_session SET claimed_until = " + nanos(claimedUntil) + " WHERE id = '"
                + created.string("id") + "'");

        Api.Response held = api.put("/v1/accounts/" + accountId + "/credentials").token(token)
                .json(Map.of("credentials", CREDENTIALS)).send();
        assertThat(held.status()).as(held.toString()).isEqualTo(409);
        assertThat(held.string("code")).isEqualTo("session_busy");

        clock.advance(Duration.ofSeconds(37));
        Api.Response rotated = api.put("/v1/accounts/" + accountId + "/credentials").token(token)
                .json(Map.of("credentials", CREDENTIALS)).send();
        assertThat(rotated.status()).as("the dead attempt's claim ended: " + rotated).isEqualTo(200);
        assertThat(storedSession(created.string("id"))).doesNotStartWith("used_at=null")
                .endsWith("claimed_until=null");
    }

    @Test
    void anAttemptWhoseClaimLapsedAndWasTakenOverStoresNothing() throws Exception {
        String accountId = api.post("/v1/accounts").token(key).json(Map.of("connector_id", "oneflow",
                "owner_id", "kim", "workspace_id", SALES, "credentials", CREDENTIALS)).send().string("account.id");
        Api.Response created = createSession(Map.of("owner_id", "kim", "account_id", accountId,
                "expires_in", 1800));
        String token = created.string("token");
        oneflow.clearRequests();
        oneflow.delayNext(Duration.ofMillis(1500), 1);
        CompletableFuture<Api.Response> first = CompletableFuture.supplyAsync(() -> api.put("/v1/accounts/"
                + accountId + "/credentials").token(token).json(Map.of("credentials", CREDENTIALS)).send());
        awaitProviderAsked();
        // The first attempt's hold lapses while it waits (as on a stalled database, or seen from an instance whose
        // clock runs a lease ahead); a second attempt takes the session over and is slower still.
        clock.advance(Duration.ofSeconds(36));
        oneflow.delayNext(Duration.ofMillis(3000), 1);
        CompletableFuture<Api.Response> second = CompletableFuture.supplyAsync(() -> api.put("/v1/accounts/"
                + accountId + "/credentials").token(token).json(Map.of("credentials", CREDENTIALS)).send());

        Api.Response lost = first.get(30, TimeUnit.SECONDS);
        assertThat(lost.status()).as("the first attempt no longer holds the session: " + lost).isEqualTo(409);
        assertThat(lost.string("code")).isEqualTo("session_busy");
        assertThat(lost.string("detail")).contains("took it over").contains("nothing was changed");
        assertThat(api.get("/v1/accounts/" + accountId).token(key).send().at("version")).isEqualTo(0.0);

        Api.Response rotated = second.get(30, TimeUnit.SECONDS);
        assertThat(rotated.status()).as("the attempt holding the session changes the account: " + rotated)
                .isEqualTo(200);
        assertThat(api.get("/v1/accounts/" + accountId).token(key).send().at("version")).isEqualTo(1.0);
        assertThat(storedSession(created.string("id"))).doesNotStartWith("used_at=null")
                .endsWith("claimed_until=null");
    }

    @Test
    void anAttemptWhoseCredentialsCannotBeStoredGivesTheSessionBack() throws Exception {
        String accountId = api.post("/v1/accounts").token(key).json(Map.of("connector_id", "oneflow",
                "owner_id", "lea", "workspace_id", SALES, "credentials", CREDENTIALS)).send().string("account.id");
        Api.Response created = createSession(Map.of("owner_id", "lea", "account_id", accountId));
        String token = created.string("token");
        oneflow.clearRequests();
        oneflow.delayNext(Duration.ofMillis(1500), 1);
        CompletableFuture<Api.Response> attempt = CompletableFuture.supplyAsync(() -> api.put("/v1/accounts/"
                + accountId + "/credentials").token(token).json(Map.of("credentials", CREDENTIALS)).send());
        awaitProviderAsked();
        // The account changes while the provider is asked: the session was spent, then the store refuses the change.
        assertThat(api.patch("/v1/accounts/" + accountId).token(key).json(Map.of("label", "Renamed meanwhile"))
                .send().status()).isEqualTo(200);

        Api.Response stale = attempt.get(30, TimeUnit.SECONDS);
        assertThat(stale.status()).as(stale.toString()).isEqualTo(409);
        assertThat(stale.string("code")).isEqualTo("stale_version");
        assertThat(storedSession(created.string("id"))).as("given back").isEqualTo("used_at=null claimed_until=null");

        Api.Response rotated = api.put("/v1/accounts/" + accountId + "/credentials").token(token)
                .json(Map.of("credentials", CREDENTIALS)).send();
        assertThat(rotated.status()).as(rotated.toString()).isEqualTo(200);
        assertThat(rotated.at("account.version")).isEqualTo(2.0);
    }

    private static void awaitProviderAsked() throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (oneflow.requests().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(oneflow.requests()).as("the provider was asked").isNotEmpty();
    }

    /** The session's row as stored: whether it is used, and claimed. */
    private static String storedSession(String id) {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("patchbay.db"));
             ResultSet rs = connection.createStatement().executeQuery("SELECT used_at, claimed_until FROM "
                     + "connect_session WHERE id = '" + id + "'")) {
            assertThat(rs.next()).as("session " + id + " stored").isTrue();
            return "used_at=" + rs.getObject("used_at") + " claimed_until=" + rs.getObject("claimed_until");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void updateSession(String sql) {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("patchbay.db"))) {
            assertThat(connection.createStatement().executeUpdate(sql)).isEqualTo(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long nanos(Instant at) {
        return at.getEpochSecond() * 1_000_000_000L + at.getNano();
    }

    @Test
    void sessionCreationNamesEveryBadField() {
        Api.Response bad = createSession(Map.of("allowed_connectors", List.of("oneflow", "nope"),
                "expires_in", 3600, "label", " "));
        assertThat(bad.status()).isEqualTo(422);
        assertThat(bad.errorFields()).containsExactlyInAnyOrder("owner_id", "allowed_connectors[1]", "expires_in",
                "label");

        Api.Response none = createSession(Map.of("owner_id", "x"));
        assertThat(none.errorFields()).containsExactly("allowed_connectors");

        Api.Response shape = createSession(Map.of("owner_id", 7, "allowed_connectors", "oneflow", "ttl", 5));
        assertThat(shape.status()).isEqualTo(400);
        assertThat(shape.errorFields()).containsExactlyInAnyOrder("owner_id", "allowed_connectors", "ttl");
    }

    @Test
    void anEditSessionNeedsAKeyThatMayReadAndChangeAccountsItselfAndRevealsNoAccountWithout() {
        String tenant = "tenant-" + tenants;
        Api.Response linked = api.post("/v1/accounts").token(key).json(Map.of("connector_id", "oneflow",
                "owner_id", "heidi", "workspace_id", SALES, "credentials", CREDENTIALS)).send();
        String accountId = linked.string("account.id");
        String sessionsOnly = Tenants.key(api, admin, tenant, List.of("connect_sessions:write"));
        String writeOnly = Tenants.key(api, admin, tenant, List.of("connect_sessions:write", "accounts:write"));
        String readOnly = Tenants.key(api, admin, tenant, List.of("connect_sessions:write", "accounts:read"));
        String both = Tenants.key(api, admin, tenant, List.of("connect_sessions:write", "accounts:read",
                "accounts:write"));

        // The same answer for the owner's account, another owner's and an id that does not exist.
        Map<String, String> missing = Map.of(sessionsOnly, "accounts:read", writeOnly, "accounts:read",
                readOnly, "accounts:write");
        missing.forEach((limited, scope) -> {
            for (Map<String, Object> body : List.of(Map.<String, Object>of("owner_id", "heidi", "account_id", accountId),
                    Map.<String, Object>of("owner_id", "ivan", "account_id", accountId),
                    Map.<String, Object>of("owner_id", "heidi", "account_id", "acc_0000000000000000000000000"))) {
                Api.Response refused = api.post("/v1/connect-sessions").token(limited).json(body).send();
                assertThat(refused.status()).as(refused.toString()).isEqualTo(403);
                assertThat(refused.string("code")).isEqualTo("insufficient_scope");
                assertThat(refused.string("required_scope")).isEqualTo(scope);
                assertThat(refused.string("detail")).contains("edit-mode").doesNotContain(accountId);
            }
        });

        Api.Response linkMode = api.post("/v1/connect-sessions").token(sessionsOnly)
                .json(Map.of("owner_id", "heidi", "allowed_connectors", List.of("oneflow"))).send();
        assertThat(linkMode.status()).as("linking new accounts needs no account scope").isEqualTo(201);
        Api.Response edit = api.post("/v1/connect-sessions").token(both)
                .json(Map.of("owner_id", "heidi", "account_id", accountId)).send();
        assertThat(edit.status()).as(edit.toString()).isEqualTo(201);
        assertThat(edit.string("mode")).isEqualTo("edit");
    }
}
