package io.patchbay.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.connector.oneflow.fake.FakeOneflow;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The headers that decide who acts ({@code Authorization}, {@code Patchbay-Owner-Id}, {@code Patchbay-Team-Id})
 * are refused when sent twice, on the API server and on the proxy alike: read first-wins, a gateway appending its
 * own value after a client's would act as the client chose.
 */
class RepeatedHeadersTest {
    @TempDir
    static Path data;
    static FakeOneflow oneflow;
    static PatchbayServer server;
    static Api api;
    static String key;
    static String accountId;

    @BeforeAll
    static void start() {
        oneflow = FakeOneflow.start();
        server = TestServers.start(data, Map.of("oneflow", oneflow.baseUrl()));
        api = new Api(server.port());
        key = Tenants.key(api, server.firstAdminKey().orElseThrow(), "acme");
        Api.Response linked = api.post("/v1/accounts").token(key).json(Map.of("connector_id", "oneflow",
                "owner_id", "alice", "team_id", "team-1", "workspace_id", Long.toString(FakeOneflow.WORKSPACE_SALES),
                "credentials", Map.of("api_token", FakeOneflow.TOKEN, "user_email", FakeOneflow.ADMIN_EMAIL)))
                .send();
        assertThat(linked.status()).as(linked.toString()).isEqualTo(201);
        accountId = linked.string("account.id");
    }

    @AfterAll
    static void stop() {
        server.close();
        oneflow.close();
    }

    static void assertRepeated(Api.Response response, String header) {
        assertThat(response.status()).as(response.toString()).isEqualTo(400);
        assertThat(response.string("code")).isEqualTo("invalid_request");
        assertThat(response.errorFields()).containsExactly(header);
        assertThat(response.string("errors.0.code")).isEqualTo("repeated");
    }

    /** Requests for alice's private account, with a second owner after hers; the API routes and the proxy. */
    static List<Api.Call> callsActingForAlice() {
        return List.of(api.get("/v1/accounts"), api.get("/v1/accounts/" + accountId),
                api.patch("/v1/accounts/" + accountId).json(Map.of("label", "renamed")),
                api.get("/v1/connectors"), api.get("/v1/accounts/" + accountId + "/proxy/contracts"));
    }

    @Test
    void aRepeatedOwnerOrTeamHeaderIsRefusedOnEveryRouteTheProxyIncluded() {
        oneflow.clearRequests();
        for (Api.Call call : callsActingForAlice()) {
            assertRepeated(call.token(key).owner("alice").headerAgain("Patchbay-Owner-Id", "mallory").send(),
                    "Patchbay-Owner-Id");
        }
        for (Api.Call call : callsActingForAlice()) {
            assertRepeated(call.token(key).owner("alice").header("Patchbay-Team-Id", "team-1")
                    .headerAgain("Patchbay-Team-Id", "team-2").send(), "Patchbay-Team-Id");
        }
        assertThat(oneflow.requests()).as("nothing reached the provider").isEmpty();
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
                .json(Map.of("owner_id", "alice", "allowed_connectors", List.of("oneflow"))).send();
        String token = session.string("token");
        assertRepeated(api.get("/v1/connectors").token(token).headerAgain("Authorization", "Bearer " + key).send(),
                "Authorization");
        assertRepeated(api.get("/v1/connectors").token(token).owner("alice")
                .headerAgain("Patchbay-Owner-Id", "alice").send(), "Patchbay-Owner-Id");
    }
}
