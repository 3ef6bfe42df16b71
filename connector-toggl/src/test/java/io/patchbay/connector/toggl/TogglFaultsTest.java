package io.patchbay.connector.toggl;

import static io.patchbay.connector.toggl.fake.FakeToggl.ALICE;
import static io.patchbay.connector.toggl.fake.FakeToggl.BOB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patchbay.connector.toggl.fake.Fault;
import io.patchbay.connector.toggl.fake.FakeToggl;
import io.patchbay.spi.ActionCall;
import io.patchbay.spi.ActionResult;
import io.patchbay.spi.Connector;
import io.patchbay.spi.ConnectorException;
import io.patchbay.spi.Credentials;
import io.patchbay.spi.InsufficientPermissions;
import io.patchbay.spi.InvalidCredentials;
import io.patchbay.spi.ProviderRejected;
import io.patchbay.spi.ProviderUnavailable;
import io.patchbay.spi.RateLimited;
import io.patchbay.testkit.RecordingLogger;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import okhttp3.Headers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every failure mode gets its own typed answer; reads are retried, writes never; no secret leaks. */
class TogglFaultsTest {
    private static final RecordingLogger LOG = new RecordingLogger();
    @RegisterExtension
    static final TogglOnFake TOGGL =
            new TogglOnFake(baseUrl -> TestContexts.withLogger(TestContexts.fast(baseUrl), LOG));
    private static final FakeToggl FAKE = TOGGL.fake();
    private static final Connector CONNECTOR = TOGGL.connector();
    private static final String PROJECTS = "/api/v9/workspaces/2001/projects";
    private static final String TIME_ENTRIES = "/api/v9/workspaces/2001/time_entries";

    @BeforeEach
    void reset() {
        LOG.clear();
    }

    private static ActionResult invoke(Connector connector, Credentials credentials, String action,
                                       Map<String, Object> input) {
        return connector.invoke(new ActionCall(action, credentials, Optional.of("2001"), input));
    }

    private static ActionResult invoke(String action, Map<String, Object> input) {
        return invoke(CONNECTOR, TestContexts.token(ALICE), action, input);
    }

    private static Map<String, Object> stoppedEntry() {
        return Map.of("start", "2025-03-03T09:00:00Z", "duration", 600, "description", "not retried");
    }

    // Rate limits and quotas

    @Test
    void a429WithoutRetryAfterIsABurstLimitWithTheConfiguredWaitAndIsNotRetried() {
        FAKE.enqueue(Fault.rateLimited());

        assertThatThrownBy(() -> invoke("list_projects", Map.of()))
                .isInstanceOfSatisfying(RateLimited.class, e -> {
                    assertThat(e.quotaExhausted()).isFalse();
                    assertThat(e.code()).isEqualTo("rate_limited");
                    assertThat(e.retryAfter()).as("Toggl asks for a few minutes").isEqualTo(Duration.ofMinutes(3));
                    assertThat(e.getMessage()).doesNotContain("<html");
                });
        assertThat(FAKE.requests("GET", PROJECTS)).hasSize(1);
    }

    @Test
    void a429WithRetryAfterReportsThatWait() {
        FAKE.enqueue(Fault.rateLimited(Duration.ofSeconds(7)));

        assertThatThrownBy(() -> CONNECTOR.verify(TestContexts.token(ALICE)))
                .isInstanceOfSatisfying(RateLimited.class, e -> {
                    assertThat(e.quotaExhausted()).isFalse();
                    assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(7));
                });
    }

    @Test
    void theLeakyBucketAnswers429ToBurstsAndClientPacingAvoidsIt() {
        FAKE.leakyBucket(Duration.ofSeconds(2));
        invoke("list_clients", Map.of());
        assertThatThrownBy(() -> invoke("list_clients", Map.of())).isInstanceOf(RateLimited.class);

        // A pace of 2 per second leaves 500 ms between requests, well above the bucket's 150 ms.
        FAKE.reset();
        FAKE.leakyBucket(Duration.ofMillis(150));
        try (Connector paced = new TogglConnectorFactory().create(
                TestContexts.with(FAKE.baseUrl(), Map.of("requests_per_second", "2")))) {
            for (int i = 0; i < 3; i++) {
                invoke(paced, TestContexts.token(ALICE), "list_clients", Map.of());
            }
        }
        assertThat(FAKE.requests("GET", "/api/v9/workspaces/2001/clients")).hasSize(3);
    }

    @Test
    void aSpentQuotaIs402WithTheResetFromTheQuotaHeader() {
        FAKE.enqueue(Fault.quotaExhausted(Duration.ofSeconds(1800)));

        assertThatThrownBy(() -> CONNECTOR.verify(TestContexts.token(ALICE)))
                .isInstanceOfSatisfying(RateLimited.class, e -> {
                    assertThat(e.quotaExhausted()).isTrue();
                    assertThat(e.code()).isEqualTo("quota_exhausted");
                    assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(1800));
                });
        assertThat(FAKE.requests()).as("a spent quota is not retried").hasSize(1);
    }

    @Test
    void theFakesHourlyWindowRunsOutAndTheConnectorSaysWhenItResets() {
        FAKE.quota(2, 1000);
        CONNECTOR.verify(TestContexts.token(ALICE));

        assertThatThrownBy(() -> invoke("list_workspaces", Map.of()))
                .isInstanceOfSatisfying(RateLimited.class, e -> {
                    assertThat(e.quotaExhausted()).isTrue();
                    assertThat(e.retryAfter()).isBetween(Duration.ofSeconds(3500), Duration.ofSeconds(3600));
                });
        assertThat(FAKE.requests().get(0).path()).isEqualTo("/api/v9/me");
        // Workspace calls count against the organization's window, which is not spent.
        assertThat(invoke("list_tags", Map.of()).output()).isNotNull();
    }

    @Test
    void aPlan402IsAPlanRestrictionAlthoughItCarriesTheQuotaHeaders() {
        FAKE.enqueue(Fault.premiumRequired());

        assertThatThrownBy(() -> invoke("search_time_entries_report", Map.of("start_date", "2025-03-01",
                "end_date", "2025-03-02", "billable", true)))
                .isInstanceOfSatisfying(InsufficientPermissions.class, e -> {
                    assertThat(e.code()).isEqualTo("plan_required");
                    assertThat(e.providerStatus()).hasValue(402);
                    assertThat(e.getMessage()).contains("Workspace needs to have this feature enabled");
                });
        assertThat(FAKE.requests()).as("a plan refusal is not retried").hasSize(1);
    }

    @Test
    void aPlan402ThatUsedTheLastRequestOfTheWindowIsStillAPlanRestriction() {
        // One organization request an hour: the refused search is the window's last, so it says "Remaining: 0".
        FAKE.quota(30, 1);

        assertThatThrownBy(() -> invoke("search_time_entries_report", Map.of("workspace_id", FakeToggl.WS_LABS,
                "start_date", "2025-03-01", "end_date", "2025-03-02", "billable", true)))
                .isInstanceOfSatisfying(InsufficientPermissions.class, e -> {
                    assertThat(e.code()).isEqualTo("plan_required");
                    assertThat(e.getMessage()).contains("Workspace needs to have this feature enabled");
                });
        assertThat(FAKE.requests().get(0).path()).isEqualTo("/reports/api/v3/workspace/2002/search/time_entries");
        // The next request finds the window spent, and Toggl's sentence says so.
        assertThatThrownBy(() -> invoke("list_tags", Map.of("workspace_id", FakeToggl.WS_LABS)))
                .isInstanceOfSatisfying(RateLimited.class, e -> assertThat(e.code()).isEqualTo("quota_exhausted"));
    }

    @Test
    void a402IsReadByItsBodyFirstAndByTheHeadersOnlyWhenTheBodySaysNothing() {
        TogglFailures.Op op = TogglFailures.Op.read("GET /api/v9/workspaces/{workspace_id}/tags");
        Headers spent = Headers.of(FakeToggl.QUOTA_REMAINING, "0", FakeToggl.QUOTA_RESETS_IN, "60");
        assertThat(TogglFailures.fromStatus(op, 402, spent, "\"Request tried to utilized Premium functionality on "
                + "workspace which is not Premium!\"", "api_token", List.of(), TogglSettings.DEFAULTS,
                java.time.Clock.systemUTC()))
                .isInstanceOfSatisfying(InsufficientPermissions.class,
                        e -> assertThat(e.code()).isEqualTo("plan_required"));
        assertThat(TogglFailures.fromStatus(op, 402, Headers.of(FakeToggl.QUOTA_REMAINING, "12"),
                "You have hit your hourly limit for API calls. The quota will reset in 5 seconds.", "api_token",
                List.of(), TogglSettings.DEFAULTS, java.time.Clock.systemUTC()))
                .isInstanceOfSatisfying(RateLimited.class, e -> assertThat(e.retryAfter())
                        .isEqualTo(Duration.ofSeconds(5)));
        assertThat(TogglFailures.fromStatus(op, 402, spent, "<html><body>402</body></html>", "api_token",
                List.of(), TogglSettings.DEFAULTS, java.time.Clock.systemUTC()))
                .isInstanceOfSatisfying(RateLimited.class, e -> assertThat(e.retryAfter())
                        .isEqualTo(Duration.ofSeconds(60)));
    }

    @Test
    void a402IsTheQuotaWhenNoRequestIsLeftOrTogglSaysSo() {
        FAKE.enqueue(new Fault(402, Map.of(FakeToggl.QUOTA_REMAINING, "0", FakeToggl.QUOTA_RESETS_IN, "120"), "",
                Duration.ZERO, "/"));
        assertThatThrownBy(() -> invoke("list_tags", Map.of()))
                .isInstanceOfSatisfying(RateLimited.class, e -> {
                    assertThat(e.code()).isEqualTo("quota_exhausted");
                    assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(120));
                });
    }

    @Test
    void a402IsReadByTheRemainingHeaderAndTheHourlyLimitTextNotByTheHeadersBeingThere() {
        TogglFailures.Op op = TogglFailures.Op.read("GET /api/v9/workspaces/{workspace_id}/tags");
        Headers plan = Headers.of(FakeToggl.QUOTA_REMAINING, "25", FakeToggl.QUOTA_RESETS_IN, "1800");
        assertThat(TogglFailures.fromStatus(op, 402, plan, "\"Workspace needs to have this feature enabled\"",
                "api_token", List.of(), TogglSettings.DEFAULTS, java.time.Clock.systemUTC()))
                .isInstanceOfSatisfying(InsufficientPermissions.class,
                        e -> assertThat(e.code()).isEqualTo("plan_required"));

        String sentence = "You have hit your hourly limit for API calls. The quota will reset in 75 seconds.";
        assertThat(TogglFailures.fromStatus(op, 402, Headers.of(), sentence, "api_token", List.of(),
                TogglSettings.DEFAULTS, java.time.Clock.systemUTC()))
                .isInstanceOfSatisfying(RateLimited.class, e -> {
                    assertThat(e.code()).isEqualTo("quota_exhausted");
                    assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(75));
                });
    }

    // Provider failures and retries

    @Test
    void aFailingReadIsRetriedAndSucceeds() {
        FAKE.enqueue(Fault.serverError().onPath(PROJECTS), 2);

        ActionResult result = invoke("list_projects", Map.of());

        assertThat(FAKE.requests("GET", PROJECTS)).hasSize(3);
        assertThat(((Map<?, ?>) result.output()).get("projects")).asList().isNotEmpty();
        assertThat(LOG.messages()).anySatisfy(m -> assertThat(m).contains("Retrying a Toggl read"));
    }

    @Test
    void aReadThatKeepsFailingEndsAsProviderUnavailableAfterTheConfiguredAttempts() {
        FAKE.enqueue(Fault.unavailable(), 5);

        assertThatThrownBy(() -> CONNECTOR.verify(TestContexts.token(ALICE)))
                .isInstanceOfSatisfying(ProviderUnavailable.class, e -> {
                    assertThat(e.code()).isEqualTo("provider_error");
                    assertThat(e.getMessage()).contains("503").doesNotContain("<html");
                });
        assertThat(FAKE.requests("GET", "/api/v9/me")).hasSize(3);
    }

    @Test
    void a405IsTheProviderRefusingTheConnectorsMethodNotTheCallersInput() {
        FAKE.enqueue(Fault.methodNotAllowed().onPath(PROJECTS));

        assertThatThrownBy(() -> invoke("list_projects", Map.of()))
                .isInstanceOfSatisfying(ProviderRejected.class, e -> {
                    assertThat(e.status()).isEqualTo(405);
                    assertThat(e.code()).isEqualTo("provider_method_not_allowed");
                    assertThat(e.getMessage()).contains("Toggl refused the method the connector used",
                            "GET /api/v9/workspaces/{workspace_id}/projects answered HTTP 405", "not the input");
                    assertThat(e.fieldErrors()).as("no input field is to blame").isEmpty();
                });
        assertThat(FAKE.requests("GET", PROJECTS)).as("a refused method is not retried").hasSize(1);
    }

    @Test
    void aFailedCreateIsNeverRetried() {
        FAKE.enqueue(Fault.serverError().onPath(TIME_ENTRIES));

        assertThatThrownBy(() -> invoke("create_time_entry", stoppedEntry()))
                .isInstanceOfSatisfying(ProviderUnavailable.class, e -> assertThat(e.code()).isEqualTo("provider_error"));
        assertThat(FAKE.requests("POST", TIME_ENTRIES)).hasSize(1);
    }

    @Test
    void aWriteWhoseConnectionDropsAfterTogglAppliedItIsSentOnceAndTheErrorSaysItMayHaveHappened() {
        // A read first leaves a keep-alive connection in the pool for the write to reuse, the case in which an
        // HTTP client is most tempted to send a request again on a fresh connection.
        invoke("list_clients", Map.of());
        FAKE.enqueue(Fault.dropAfterApplying().onPath(TIME_ENTRIES));

        assertThatThrownBy(() -> invoke("create_time_entry", stoppedEntry()))
                .isInstanceOfSatisfying(ProviderUnavailable.class, e -> {
                    assertThat(e.code()).isEqualTo("provider_unavailable");
                    assertThat(e.getMessage()).contains("POST /api/v9/workspaces/{workspace_id}/time_entries")
                            .contains("Toggl may have applied it");
                });
        assertThat(FAKE.requests("POST", TIME_ENTRIES)).as("the write is sent once").hasSize(1);
        assertThat(FAKE.timeEntries("not retried")).as("Toggl applied it once").hasSize(1);
    }

    @Test
    void aReadWhoseConnectionDropsIsRetried() {
        invoke("list_clients", Map.of());
        FAKE.enqueue(Fault.dropAfterApplying().onPath(PROJECTS));

        assertThat(((Map<?, ?>) invoke("list_projects", Map.of()).output()).get("projects")).asList().isNotEmpty();
        assertThat(FAKE.requests("GET", PROJECTS)).hasSize(2);
    }

    @Test
    void aTimedOutUpdateOrStopIsNeverRetriedEither() {
        try (Connector impatient = new TogglConnectorFactory().create(TestContexts.fast(FAKE.baseUrl())
                .withTimeouts(Duration.ofSeconds(1), Duration.ofMillis(300)))) {
            FAKE.enqueue(Fault.slow(Duration.ofSeconds(1)).onPath(TIME_ENTRIES));
            assertThatThrownBy(() -> invoke(impatient, TestContexts.token(ALICE), "stop_timer",
                    Map.of("time_entry_id", FakeToggl.ALICE_RUNNING_ENTRY_ID)))
                    .isInstanceOfSatisfying(ProviderUnavailable.class, e -> {
                        assertThat(e.code()).isEqualTo(ProviderUnavailable.TIMEOUT);
                        assertThat(e.getMessage()).contains("Toggl may have applied it");
                    });
        }
        assertThat(FAKE.requests("PATCH", TIME_ENTRIES)).hasSize(1);
    }

    @Test
    void theCallTimeoutBoundsAllAttemptsOfARead() {
        FAKE.enqueue(Fault.slow(Duration.ofSeconds(2)).onPath("/api/v9/me"), 3);
        try (Connector impatient = new TogglConnectorFactory().create(TestContexts.fast(FAKE.baseUrl())
                .withTimeouts(Duration.ofSeconds(1), Duration.ofMillis(600)))) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> impatient.verify(TestContexts.token(ALICE)))
                    .isInstanceOfSatisfying(ProviderUnavailable.class, e -> {
                        assertThat(e.code()).isEqualTo(ProviderUnavailable.TIMEOUT);
                        assertThat(e.timedOut()).isTrue();
                        assertThat(e.getMessage()).contains("GET /api/v9/me").doesNotContain("may have applied");
                    });
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("not one full timeout per attempt")
                    .isLessThan(Duration.ofMillis(1100));
        }
        assertThat(FAKE.requests("GET", "/api/v9/me")).as("no retry once the time is spent").hasSize(1);
    }

    @Test
    void aReadIsRetriedWhileTheCallTimeoutLastsAndTheRetryGetsOnlyWhatIsLeft() {
        FAKE.enqueue(Fault.serverError().onPath("/api/v9/me"));
        FAKE.enqueue(Fault.slow(Duration.ofSeconds(2)).onPath("/api/v9/me"), 2);
        try (Connector impatient = new TogglConnectorFactory().create(TestContexts.fast(FAKE.baseUrl())
                .withTimeouts(Duration.ofSeconds(1), Duration.ofMillis(600)))) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> impatient.verify(TestContexts.token(ALICE)))
                    .isInstanceOfSatisfying(ProviderUnavailable.class,
                            e -> assertThat(e.code()).isEqualTo(ProviderUnavailable.TIMEOUT));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1100));
        }
        assertThat(FAKE.requests("GET", "/api/v9/me")).hasSize(2);
    }

    @Test
    void aRefusedConnectionIsProviderUnavailable() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            port = socket.getLocalPort();
        }
        try (Connector nowhere = new TogglConnectorFactory().create(
                TestContexts.fast(URI.create("http://127.0.0.1:" + port)))) {
            assertThatThrownBy(() -> nowhere.verify(TestContexts.token(ALICE)))
                    .isInstanceOfSatisfying(ProviderUnavailable.class, e -> assertThat(e.code()).isEqualTo("provider_unreachable"));
        }
    }

    // Rejections

    @Test
    void aMissingEntryIs404WithTogglsMessage() {
        assertThatThrownBy(() -> invoke("get_time_entry", Map.of("time_entry_id", 42)))
                .isInstanceOfSatisfying(ProviderRejected.class, e -> {
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.code()).isEqualTo("not_found");
                    assertThat(e.getMessage()).contains("Resource can not be found");
                });
        assertThat(FAKE.requests("GET", "/api/v9/me/time_entries/42")).as("404 is not retried").hasSize(1);
    }

    @Test
    void aValidationFailureIs400WithTogglsMessage() {
        assertThatThrownBy(() -> invoke("create_time_entry", Map.of("start", "2025-01-01T10:00:00Z",
                "duration", 60, "project_id", 999_999)))
                .isInstanceOfSatisfying(ProviderRejected.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.code()).isEqualTo("bad_request");
                    assertThat(e.getMessage()).contains("User cannot access the selected project");
                });
    }

    @Test
    void aWorkspaceTheUserIsNotInIsAPermissionProblemNotBadCredentials() {
        assertThatThrownBy(() -> invoke(CONNECTOR, TestContexts.token(BOB), "list_projects",
                Map.of("workspace_id", FakeToggl.WS_LABS)))
                .isInstanceOfSatisfying(InsufficientPermissions.class, e -> {
                    assertThat(e.code()).isEqualTo("forbidden");
                    assertThat(e.getMessage()).contains("User does not have access to this resource");
                });
    }

    @Test
    void aRevokedTokenOnAWorkspaceCallIsInvalidCredentials() {
        assertThatThrownBy(() -> invoke(CONNECTOR, TestContexts.token(FakeToggl.UNKNOWN_TOKEN), "list_projects",
                Map.of()))
                .isInstanceOfSatisfying(InvalidCredentials.class, e -> assertThat(e.field()).contains("api_token"));
    }

    @Test
    void aNoAccess403OnAMeReadOtherThanMeIsAPermissionProblemNotBadCredentials() {
        Map<String, Map<String, Object>> reads = Map.of(
                "list_workspaces", Map.of(),
                "list_time_entries", Map.of(),
                "get_time_entry", Map.of("time_entry_id", FakeToggl.FIRST_HISTORY_ENTRY_ID),
                "get_current_time_entry", Map.of());
        reads.forEach((action, input) -> {
            FAKE.enqueue(Fault.status(403, "User does not have access to this resource").onPath("/api/v9/me/"));
            assertThatThrownBy(() -> invoke(action, input)).as(action)
                    .isInstanceOfSatisfying(InsufficientPermissions.class, e -> {
                        assertThat(e.code()).isEqualTo("forbidden");
                        assertThat(e.getMessage()).contains("User does not have access to this resource");
                    });
        });
        assertThat(FAKE.requests()).as("one request each, none sent again").hasSize(reads.size());
    }

    @Test
    void aNoAccess403OnTheWorkspacesOfVerifyIsAPermissionProblemButOnMeItIsBadCredentials() {
        FAKE.enqueue(Fault.status(403, "User does not have access to this resource")
                .onPath("/api/v9/me/workspaces"));
        assertThatThrownBy(() -> CONNECTOR.verify(TestContexts.token(ALICE)))
                .isInstanceOfSatisfying(InsufficientPermissions.class,
                        e -> assertThat(e.code()).isEqualTo("forbidden"));
        assertThat(FAKE.requests()).extracting(r -> r.path())
                .containsExactly("/api/v9/me", "/api/v9/me/workspaces");

        // GET /me refuses nothing but the credentials themselves, whatever its 403 says.
        FAKE.enqueue(Fault.status(403, "User does not have access to this resource").onPath("/api/v9/me"));
        assertThatThrownBy(() -> CONNECTOR.verify(TestContexts.token(ALICE)))
                .isInstanceOfSatisfying(InvalidCredentials.class, e -> assertThat(e.field()).contains("api_token"));
    }

    // Secrets

    @Test
    void aSecretEchoedByTheProviderIsMaskedInMessages() {
        FAKE.enqueue(Fault.status(400, "token " + ALICE.apiToken() + " is not allowed here"));

        assertThatThrownBy(() -> invoke("list_clients", Map.of()))
                .isInstanceOfSatisfying(ProviderRejected.class, e ->
                        assertThat(e.getMessage()).contains("token **** is not allowed").doesNotContain(ALICE.apiToken()));
    }

    @Test
    void aPasswordEchoedEncodedOrEscapedIsMaskedInEveryForm() {
        String password = "Sup3r\"Secret/é&x";
        Credentials credentials = TestContexts.password(ALICE.email(), password);
        FAKE.enqueue(Fault.status(401, "Incorrect password " + URLEncoder.encode(password, StandardCharsets.UTF_8))
                .onPath("/api/v9/me"));
        assertThatThrownBy(() -> CONNECTOR.verify(credentials)).isInstanceOfSatisfying(InvalidCredentials.class,
                e -> assertThat(e.getMessage()).contains("Incorrect password ****").doesNotContain("Sup3r"));

        // A JSON object is quoted whole, escapes and all (PHP's writer escapes '/' and non-ASCII characters).
        FAKE.enqueue(new Fault(401, Map.of("Content-Type", "application/json"),
                "{\"error\":\"bad password Sup3r\\\"Secret\\/\\u00e9&x\"}", Duration.ZERO, "/api/v9/me"));
        assertThatThrownBy(() -> CONNECTOR.verify(credentials)).isInstanceOfSatisfying(InvalidCredentials.class,
                e -> assertThat(e.getMessage()).contains("bad password ****").doesNotContain("Sup3r"));
    }

    @Test
    void aSecretAcrossTheLengthAtWhichMessagesAreShortenedIsMaskedWhole() {
        // Masked after shortening, the token's first part would survive: only a whole token is recognised.
        FAKE.enqueue(Fault.status(400, "x".repeat(280) + ALICE.apiToken() + " is not allowed here"));

        assertThatThrownBy(() -> invoke("list_clients", Map.of()))
                .isInstanceOfSatisfying(ProviderRejected.class, e -> assertThat(e.getMessage())
                        .contains("x".repeat(280) + "****")
                        .doesNotContain(ALICE.apiToken().substring(0, 8)));
    }

    @Test
    void noFailureMessageStackTraceOrLogLineCarriesASecret() {
        Credentials password = TestContexts.password(ALICE.email(), "a-password-that-is-wrong");
        List<Supplier<Object>> failures = List.of(
                () -> CONNECTOR.verify(password),
                () -> invoke(CONNECTOR, password, "list_projects", Map.of()),
                () -> invoke(CONNECTOR, TestContexts.token(FakeToggl.UNKNOWN_TOKEN), "create_time_entry",
                        stoppedEntry()));
        FAKE.enqueue(Fault.serverError(), 3);
        failures.forEach(failure -> assertThatThrownBy(failure::get).isInstanceOfSatisfying(ConnectorException.class,
                e -> {
                    StringWriter trace = new StringWriter();
                    e.printStackTrace(new PrintWriter(trace));
                    assertThat(trace.toString()).doesNotContain("a-password-that-is-wrong", FakeToggl.UNKNOWN_TOKEN,
                            TogglCredentials.authorization(password).substring(6));
                }));
        assertThat(LOG.text()).doesNotContain("a-password-that-is-wrong",
                FakeToggl.UNKNOWN_TOKEN, ALICE.apiToken());
    }
}
