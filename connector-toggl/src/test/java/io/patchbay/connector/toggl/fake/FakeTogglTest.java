package io.patchbay.connector.toggl.fake;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fake on the wire, with a plain HTTP client: what Toggl's documented answers look like. */
class FakeTogglTest {
    private static final FakeToggl FAKE = FakeToggl.start();
    private static final OkHttpClient HTTP = new OkHttpClient();
    private static final String ALICE = FakeToggl.basic(FakeToggl.ALICE.apiToken(), "api_token");

    record Reply(int status, Map<String, List<String>> headers, String body) {
        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }
    }

    @AfterAll
    static void stop() {
        FAKE.close();
        HTTP.dispatcher().executorService().shutdown();
    }

    @BeforeEach
    void reset() {
        FAKE.reset();
    }

    private static Reply send(String method, String path, String auth, String json) throws IOException {
        Request.Builder builder = new Request.Builder().url(FAKE.baseUrl() + path);
        if (auth != null) {
            builder.header("Authorization", auth);
        }
        builder.method(method, json == null ? null : RequestBody.create(json, MediaType.get("application/json")));
        try (Response response = HTTP.newCall(builder.build()).execute()) {
            return new Reply(response.code(), response.headers().toMultimap(), response.body().string());
        }
    }

    @Test
    void noAuthorizationIs401WithAnEmptyBody() throws IOException {
        Reply reply = send("GET", "/api/v9/me", null, null);

        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.body()).isEmpty();
        assertThat(reply.header("X-Authorization-Missing")).isEqualTo("true");
        assertThat(reply.header("Content-Type")).isNull();
    }

    @Test
    void aWrongTokenOrPasswordIs403WithAJsonString() throws IOException {
        Reply token = send("GET", "/api/v9/me", FakeToggl.basic(FakeToggl.UNKNOWN_TOKEN, "api_token"), null);
        Reply password = send("GET", "/api/v9/me", FakeToggl.basic("alice@example.com", "nope"), null);

        for (Reply reply : List.of(token, password)) {
            assertThat(reply.status()).isEqualTo(403);
            assertThat(reply.body()).isEqualTo("\"Incorrect username and/or password\"");
            assertThat(reply.header("Content-Type")).startsWith("application/json");
        }
        assertThat(send("GET", "/api/v9/me", "Bearer xyz", null).status()).isEqualTo(401);
    }

    @Test
    void meCarriesTheTokenAndQuotaHeadersOnEveryAnswer() throws IOException {
        Reply reply = send("GET", "/api/v9/me", ALICE, null);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body()).contains("\"api_token\":\"" + FakeToggl.ALICE.apiToken() + "\"")
                .contains("\"default_workspace_id\":2001");
        assertThat(reply.header(FakeToggl.QUOTA_REMAINING)).as("30 user-specific calls an hour on every plan")
                .isEqualTo("29");
        assertThat(Long.parseLong(reply.header(FakeToggl.QUOTA_RESETS_IN))).isBetween(3590L, 3600L);
    }

    @Test
    void aPlan402CarriesTheQuotaHeadersLikeEveryAnswerAndALoadBalancerPageDoesNot() throws IOException {
        send("GET", "/api/v9/workspaces/2001/tags", ALICE, null);
        FAKE.enqueue(Fault.premiumRequired());
        FAKE.enqueue(Fault.unavailable());

        Reply plan = send("POST", "/reports/api/v3/workspace/2001/search/time_entries", ALICE, "{}");
        assertThat(plan.status()).isEqualTo(402);
        assertThat(plan.body()).isEqualTo("\"Workspace needs to have this feature enabled\"");
        assertThat(plan.header(FakeToggl.QUOTA_REMAINING)).as("Acme's Premium plan: 600 an hour, one used")
                .isEqualTo("599");
        assertThat(plan.header(FakeToggl.QUOTA_RESETS_IN)).isNotNull();
        assertThat(send("GET", "/api/v9/me", ALICE, null).header(FakeToggl.QUOTA_REMAINING)).isNull();
    }

    @Test
    void aPlan402ThatUsesTheLastRequestOfTheWindowSaysSoInItsHeadersButNotInItsBody() throws IOException {
        FAKE.quota(30, 1);
        String search = "{\"start_date\":\"2025-03-01\",\"end_date\":\"2025-03-02\",\"billable\":true}";

        Reply plan = send("POST", "/reports/api/v3/workspace/2002/search/time_entries", ALICE, search);
        assertThat(plan.status()).isEqualTo(402);
        assertThat(plan.body()).isEqualTo("\"Workspace needs to have this feature enabled\"");
        assertThat(plan.header(FakeToggl.QUOTA_REMAINING)).isEqualTo("0");

        Reply spent = send("POST", "/reports/api/v3/workspace/2002/search/time_entries", ALICE, search);
        assertThat(spent.status()).isEqualTo(402);
        assertThat(spent.body()).startsWith("You have hit your hourly limit for API calls.");
    }

    @Test
    void tasksAreActiveOnesUnlessBothAreAskedFor() throws IOException {
        assertThat(send("GET", "/api/v9/workspaces/2001/tasks", ALICE, null).body())
                .contains("\"name\":\"Design\"").doesNotContain("\"name\":\"Launch\"");
        assertThat(send("GET", "/api/v9/workspaces/2001/tasks?active=false", ALICE, null).body())
                .contains("\"name\":\"Launch\"").doesNotContain("\"name\":\"Design\"");
        assertThat(send("GET", "/api/v9/workspaces/2001/tasks?active=both", ALICE, null).body())
                .contains("\"name\":\"Launch\"").contains("\"name\":\"Design\"")
                .contains("\"total_count\":3");
    }

    @Test
    void theOrganizationQuotaFollowsItsPlanAndTheUserQuotaIsThirtyOnEveryPlan() throws IOException {
        String carol = FakeToggl.basic(FakeToggl.CAROL.apiToken(), "api_token");
        assertThat(send("GET", "/api/v9/workspaces/2003/tags", carol, null).header(FakeToggl.QUOTA_REMAINING))
                .as("Globex is on Starter: 240 an hour").isEqualTo("239");
        for (int i = 0; i < 30; i++) {
            assertThat(send("GET", "/api/v9/me", carol, null).status()).isEqualTo(200);
        }
        Reply spent = send("GET", "/api/v9/me", carol, null);
        assertThat(spent.status()).isEqualTo(402);
        assertThat(spent.body()).startsWith("You have hit your hourly limit for API calls.");
        assertThat(send("GET", "/api/v9/workspaces/2003/tags", carol, null).status())
                .as("the organization's window is a separate one").isEqualTo(200);
    }

    @Test
    void aSpentWindowIs402WithTogglsSentence() throws IOException {
        FAKE.quota(1, 1);
        send("GET", "/api/v9/me", ALICE, null);

        Reply reply = send("GET", "/api/v9/me/workspaces", ALICE, null);
        assertThat(reply.status()).isEqualTo(402);
        assertThat(reply.body()).startsWith("You have hit your hourly limit for API calls. The quota will reset in");
        assertThat(reply.header(FakeToggl.QUOTA_REMAINING)).isEqualTo("0");
        assertThat(send("GET", "/api/v9/workspaces/2001/tags", ALICE, null).status())
                .as("the organization's window is separate").isEqualTo(200);
    }

    @Test
    void thereIsNoWorkspaceWideTimeEntryListing() throws IOException {
        Reply reply = send("GET", "/api/v9/workspaces/2001/time_entries", ALICE, null);

        assertThat(reply.status()).isEqualTo(405);
        assertThat(reply.body()).isEmpty();
    }

    @Test
    void createdEntriesAnswerNullTagsAndZOffsetsWhileListsAnswerEmptyListsAndPlusZero() throws IOException {
        Reply created = send("POST", "/api/v9/workspaces/2001/time_entries", ALICE,
                "{\"created_with\":\"test\",\"workspace_id\":2001,\"start\":\"2025-03-03T09:00:00+01:00\","
                        + "\"duration\":60}");
        assertThat(created.status()).isEqualTo(200);
        assertThat(created.body()).contains("\"start\":\"2025-03-03T08:00:00Z\"").contains("\"tags\":null")
                .doesNotContain("\"pid\"");

        Reply current = send("GET", "/api/v9/me/time_entries/current", ALICE, null);
        assertThat(current.body()).contains("\"stop\":null").contains("\"tags\":[]")
                .containsPattern("\"duration\":-1[0-9]{9}").containsPattern("\"start\":\"[^\"]+\\+00:00\"");
    }

    @Test
    void entryCreationFollowsTheDocumentedRules() throws IOException {
        assertThat(send("POST", "/api/v9/workspaces/2001/time_entries", ALICE,
                "{\"workspace_id\":2001,\"start\":\"2025-03-03T09:00:00Z\"}").body())
                .isEqualTo("\"created_with needs to be provided an a valid string\"");
        assertThat(send("POST", "/api/v9/workspaces/2001/time_entries", ALICE,
                "{\"created_with\":\"t\",\"workspace_id\":2001}").body())
                .isEqualTo("\"start is required for time entry creation\"");
        Reply zero = send("POST", "/api/v9/workspaces/2001/time_entries", ALICE,
                "{\"created_with\":\"t\",\"workspace_id\":2001,\"start\":\"2025-03-03T09:00:00Z\"}");
        assertThat(zero.body()).contains("\"stop\":null").contains("\"duration\":0");
    }

    @Test
    void anUpdateChecksStopAgainstStartPlusDurationWithTheStoredStartAndChangesNothingWhenRefused()
            throws IOException {
        Reply created = send("POST", "/api/v9/workspaces/2001/time_entries", ALICE,
                "{\"created_with\":\"t\",\"workspace_id\":2001,\"start\":\"2025-03-03T09:00:00Z\",\"duration\":600}");
        String id = created.body().replaceAll("(?s).*\"id\":(\\d+).*", "$1");
        String path = "/api/v9/workspaces/2001/time_entries/" + id;

        Reply refused = send("PUT", path, ALICE, "{\"stop\":\"2025-03-03T10:00:00Z\",\"duration\":60}");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body()).isEqualTo("\"stop and duration do not match start\"");
        Reply both = send("PUT", path, ALICE,
                "{\"start\":\"2025-03-03T08:00:00Z\",\"stop\":\"2025-03-03T10:00:00Z\",\"duration\":3600}");
        assertThat(both.status()).isEqualTo(400);
        assertThat(FAKE.timeEntry(Long.parseLong(id)).orElseThrow()).containsEntry("duration", 600L)
                .containsEntry("start", "2025-03-03T09:00:00+00:00");

        Reply agreed = send("PUT", path, ALICE, "{\"stop\":\"2025-03-03T10:00:00Z\",\"duration\":3600}");
        assertThat(agreed.status()).isEqualTo(200);
        assertThat(agreed.body()).contains("\"duration\":3600");
    }

    @Test
    void aTimestampWithoutSecondsIsAnInvalidDateWhileFractionsAndOffsetsAreRead() throws IOException {
        Reply noSeconds = send("POST", "/api/v9/workspaces/2001/time_entries", ALICE,
                "{\"created_with\":\"t\",\"workspace_id\":2001,\"start\":\"2025-03-03T09:00Z\",\"duration\":60}");
        assertThat(noSeconds.status()).isEqualTo(400);
        assertThat(noSeconds.body()).isEqualTo("\"Invalid start date\"");
        Reply list = send("GET", "/api/v9/me/time_entries?start_date=2025-03-03T09:00%2B01:00"
                + "&end_date=2025-03-04T09:00:00Z", ALICE, null);
        assertThat(list.status()).isEqualTo(400);
        assertThat(list.body()).isEqualTo("\"Invalid start_date\"");
        Reply fraction = send("POST", "/api/v9/workspaces/2001/time_entries", ALICE,
                "{\"created_with\":\"t\",\"workspace_id\":2001,\"start\":\"2025-03-03T10:00:00.000+01:00\","
                        + "\"duration\":60}");
        assertThat(fraction.status()).isEqualTo(200);
        assertThat(fraction.body()).contains("\"start\":\"2025-03-03T09:00:00Z\"");
    }

    @Test
    void reportPagesChainThroughHeadersAndBothCursorsTogetherGiveNothing() throws IOException {
        String path = "/reports/api/v3/workspace/2001/search/time_entries";
        Reply first = send("POST", path, ALICE, "{\"start_date\":\"2000-01-01\",\"end_date\":\"2100-01-01\"}");
        assertThat(first.header("X-Next-Row-Number")).isEqualTo("51");
        assertThat(first.header("X-Next-ID")).isNotNull();

        Reply both = send("POST", path, ALICE, "{\"start_date\":\"2000-01-01\",\"end_date\":\"2100-01-01\","
                + "\"first_row_number\":51,\"first_id\":" + first.header("X-Next-ID") + "}");
        assertThat(both.body()).isEqualTo("[]");

        Reply last = send("POST", path, ALICE, "{\"start_date\":\"2000-01-01\",\"end_date\":\"2100-01-01\","
                + "\"first_row_number\":201}");
        assertThat(last.header("X-Next-Row-Number")).isNull();
        assertThat(send("POST", path, ALICE, "{}").body()).isEqualTo("\"At least one parameter must be set\"");
        Reply oneDay = send("POST", path, ALICE, "{\"start_date\":\"2025-03-01\",\"end_date\":\"2025-03-01\"}");
        assertThat(oneDay.status()).as("start_date must be less than end_date").isEqualTo(400);
        assertThat(oneDay.body()).isEqualTo("\"start_date must be earlier than end_date\"");
        assertThat(send("POST", path, ALICE, "{\"start_date\":\"2025-01-01\",\"order_by\":\"x\"}").body())
                .startsWith("\"Invalid 'order_by' value, allowed values are:");
    }

    @Test
    void faultsAreOneShotAndSlowAnswersArriveLate() throws IOException {
        FAKE.enqueue(Fault.unavailable().onPath("/api/v9/me/workspaces"));
        assertThat(send("GET", "/api/v9/me", ALICE, null).status()).isEqualTo(200);
        assertThat(send("GET", "/api/v9/me/workspaces", ALICE, null).status()).isEqualTo(503);
        assertThat(send("GET", "/api/v9/me/workspaces", ALICE, null).status()).isEqualTo(200);

        FAKE.enqueue(Fault.slow(Duration.ofMillis(300)));
        long started = System.nanoTime();
        assertThat(send("GET", "/api/v9/me", ALICE, null).status()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void theRecordedRequestHidesTheAuthorizationInToString() throws IOException {
        send("GET", "/api/v9/me/time_entries?start_date=2025-01-01&end_date=2025-01-02", ALICE, null);

        FakeRequest request = FAKE.lastRequest();
        assertThat(request.query("start_date")).isEqualTo("2025-01-01");
        assertThat(request.basicAuth()).contains(List.of(FakeToggl.ALICE.apiToken(), "api_token"));
        assertThat(request.toString()).doesNotContain(FakeToggl.ALICE.apiToken()).doesNotContain(ALICE.substring(6));
        assertThat(FakeToggl.ALICE.toString()).doesNotContain(FakeToggl.ALICE.apiToken(), FakeToggl.ALICE.password());
        assertThat(FAKE.internalErrors()).isEmpty();
    }
}
