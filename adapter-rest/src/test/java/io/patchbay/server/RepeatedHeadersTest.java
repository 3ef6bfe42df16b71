package io.patchbay.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.connector.toggl.fake.FakeToggl;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The headers that decide who acts ({@code Authorization}, {@code Patchbay-Owner-Id}, {@code Patchbay-Team-Id})
 * are refused when sent twice, on the API server and on the proxy alike: read first-wins, a gateway appending its
 * own value after a client's would act as the client chose.
 */
class RepeatedHeadersTest extends ServerWithFakeTogglTest {
    private String accountId;

    @Override
    String tenantPrefix() {
        return "repeated-";
    }

    @BeforeEach
    void link() {
        Api.Response linked = api.post("/v1/accounts").token(key).json(Map.of("connector_id", "toggl",
                "owner_id", "alice", "team_id", "team-1", "workspace_id", Long.toString(FakeToggl.WS_STUDIO),
                "credentials", Map.of("api_token", FakeToggl.ALICE.apiToken()))).send();
        assertThat(linked.status()).as(linked.toString()).isEqualTo(201);
        accountId = linked.string("account.id");
    }

    static void assertRepeated(Api.Response response, String header) {
        assertThat(response.status()).as(response.toString()).isEqualTo(400);
        assertThat(response.string("code")).isEqualTo("invalid_request");
        assertThat(response.errorFields()).containsExactly(header);
        assertThat(response.string("errors.0.code")).isEqualTo("repeated");
    }

    /** Requests for alice's private account, with a second owner after hers; the API routes and the proxy. */
    private List<Api.Call> callsActingForAlice() {
        return List.of(api.get("/v1/accounts"), api.get("/v1/accounts/" + accountId),
                api.patch("/v1/accounts/" + accountId).json(Map.of("label", "renamed")),
                api.get("/v1/connectors"), api.get("/v1/accounts/" + accountId + "/proxy/api/v9/me"));
    }

    @Test
    void aRepeatedOwnerOrTeamHeaderIsRefusedOnEveryRouteTheProxyIncluded() {
        toggl.clearRequests();
        for (Api.Call call : callsActingForAlice()) {
            assertRepeated(call.token(key).owner("alice").headerAgain("Patchbay-Owner-Id", "mallory").send(),
                    "Patchbay-Owner-Id");
        }
        for (Api.Call call : callsActingForAlice()) {
            assertRepeated(call.token(key).owner("alice").header("Patchbay-Team-Id", "team-1")
                    .headerAgain("Patchbay-Team-Id", "team-2").send(), "Patchbay-Team-Id");
        }
        assertThat(toggl.requests()).as("nothing reached the provider").isEmpty();
        Api.Response unchanged = api.get("/v1/accounts/" + accountId).token(key).send();
        assertThat(unchanged.at("version")).isEqualTo(0.0);

        Api.Response once = api.get("/v1/accounts/" + accountId).token(key).owner("alice").send();
        assertThat(once.status()).as("sent once, the header works").isEqualTo(200);
    }

    @Test
    void aRepeatedAuthorizationIsRefusedForKeysAndSessions() {
        for (Api.Call call : callsActingForAlice()) {
            assertRepeated(call.token(key).headerAgain("Authorization", "Bearer " + key).send(), "Authorization");
        }
        Api.Response session = api.post("/v1/connect-sessions").token(key)
                .json(Map.of("owner_id", "alice", "allowed_connectors", List.of("toggl"))).send();
        String token = session.string("token");
        assertRepeated(api.get("/v1/connectors").token(token).headerAgain("Authorization", "Bearer " + key).send(),
                "Authorization");
        assertRepeated(api.get("/v1/connectors").token(token).owner("alice")
                .headerAgain("Patchbay-Owner-Id", "alice").send(), "Patchbay-Owner-Id");
    }
}
