package io.patchbay.connector.oneflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.squareup.moshi.Moshi;
import io.patchbay.connector.oneflow.fake.FakeOneflow;
import io.patchbay.spi.ActionCall;
import io.patchbay.spi.Connector;
import io.patchbay.spi.ConnectorException;
import io.patchbay.spi.InvalidCredentials;
import io.patchbay.spi.ProviderRejected;
import io.patchbay.spi.ProviderUnavailable;
import io.patchbay.spi.ProxyTarget;
import io.patchbay.spi.RateLimited;
import io.patchbay.testkit.RecordingLogger;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import okhttp3.Headers;
import org.junit.jupiter.api.Test;

class FailuresTest extends FakeServerTest {

    @Test
    void readsAreRetriedUntilOneflowAnswers() {
        fake.failNext(502, 2);

        Map<String, Object> out = map(invoke(ADMIN, "get_contract", Map.of("contract_id", FakeOneflow.CONTRACT_SIGNED)));

        assertThat(out).containsEntry("state", "signed");
        assertThat(fake.requests("GET", "/contracts/" + FakeOneflow.CONTRACT_SIGNED)).hasSize(3);
    }

    @Test
    void retryAttemptsComeFromTheSettings() {
        Map<String, String> settings = new HashMap<>(TestContexts.FAST_RETRIES);
        settings.remove("retry_max_attempts");
        settings.put("RETRY_MAX_ATTEMPTS", "1");
        fake.failNext(500, 5);
        try (Connector once = new OneflowConnectorFactory().create(TestContexts.fast(fake.baseUrl()).withSettings(settings))) {
            assertThatThrownBy(() -> once.invoke(new ActionCall("list_users", ADMIN, Optional.empty(), Map.of())))
                    .isInstanceOf(ProviderUnavailable.class);
        }
        assertThat(fake.requests("GET", "/users")).hasSize(1);
    }

    @Test
    void badSettingsAreNamed() {
        assertThatThrownBy(() -> new OneflowConnectorFactory().create(TestContexts.fast(fake.baseUrl())
                .withSettings(Map.of("retry_max_attempts", "many"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("retry_max_attempts");
    }

    @Test
    void aFirstRetryDelayNoShorterThanTheCallTimeoutIsNamed() {
        for (String maxDelay : List.of("5000", "1000")) { // back-off, and a fixed delay
            assertThatThrownBy(() -> new OneflowConnectorFactory().create(TestContexts.fast(fake.baseUrl())
                    .withTimeouts(java.time.Duration.ofMillis(500), java.time.Duration.ofSeconds(1))
                    .withSettings(Map.of("retry_initial_delay_ms", "1000", "retry_max_delay_ms", maxDelay))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("retry_initial_delay_ms is 1000")
                    .hasMessageContaining("call timeout of 1000 ms");
        }
        // Without retries the delay never applies.
        new OneflowConnectorFactory().create(TestContexts.fast(fake.baseUrl())
                .withTimeouts(java.time.Duration.ofMillis(500), java.time.Duration.ofSeconds(1))
                .withSettings(Map.of("retry_max_attempts", "1", "retry_initial_delay_ms", "1000"))).close();
    }

    @Test
    void aBaseUrlThatIsNotHttpIsRefusedWhenTheConnectorIsCreated() {
        for (String url : List.of("ftp://api.oneflow.com/v1", "mailto:api@oneflow.com", "file:///v1")) {
            assertThatThrownBy(() -> new OneflowConnectorFactory().create(TestContexts.fast(java.net.URI.create(url))))
                    .as(url).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("the Oneflow base URL must be an http(s) URL: " + url);
        }
    }

    @Test
    void aRejectedTokenOnAnActionIsInvalidCredentials() {
        assertThatThrownBy(() -> invoke(TestContexts.credentials(FakeOneflow.REVOKED_TOKEN, FakeOneflow.ADMIN_EMAIL),
                "list_workspaces", Map.of()))
                .isInstanceOfSatisfying(InvalidCredentials.class, e -> {
                    assertThat(e.code()).isEqualTo("invalid_credentials");
                    assertThat(e.getMessage()).isEqualTo("The API token or the user email is invalid.");
                });
    }

    @Test
    void anEmailThatIsNoLongerActiveIsInvalidCredentialsOnActions() {
        assertThatThrownBy(() -> invoke(TestContexts.credentials(FakeOneflow.TOKEN, FakeOneflow.INACTIVE_EMAIL),
                "list_workspaces", Map.of()))
                .isInstanceOf(InvalidCredentials.class);
        assertThat(fake.requests("GET", "/workspaces").get(0).header("x-oneflow-user-email"))
                .isEqualTo(FakeOneflow.INACTIVE_EMAIL);
    }

    @Test
    void oneflowsRateLimitBodyBecomesRateLimited() {
        fake.limitRequests(2, Duration.ofMinutes(5));
        invoke(ADMIN, "list_users", Map.of());
        invoke(ADMIN, "list_users", Map.of());

        assertThatThrownBy(() -> invoke(ADMIN, "list_users", Map.of()))
                .isInstanceOfSatisfying(RateLimited.class, e -> {
                    assertThat(e.retryAfter()).as("the 5-minute window").isEqualTo(Duration.ofMinutes(5));
                    assertThat(e.getMessage()).contains("5 minute rate limit");
                });
        assertThat(fake.requests("GET", "/users")).hasSize(3);
    }

    @Test
    void theClientSideBudgetStopsATokenBeforeOneflowDoes() {
        Map<String, String> settings = new HashMap<>(TestContexts.FAST_RETRIES);
        settings.put("rate_limit_requests", "2");
        settings.put("rate_limit_default_wait_seconds", "7");
        try (Connector budgeted = new OneflowConnectorFactory().create(TestContexts.fast(fake.baseUrl())
                .withSettings(settings))) {
            ActionCall call = new ActionCall("list_users", ADMIN, Optional.empty(), Map.of());
            budgeted.invoke(call);
            budgeted.invoke(call);
            assertThatThrownBy(() -> budgeted.invoke(call)).isInstanceOfSatisfying(RateLimited.class, e ->
                    assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(7)));
            // Another token has its own budget.
            budgeted.invoke(new ActionCall("list_users", TestContexts.credentials(FakeOneflow.OTHER_ACCOUNT_TOKEN,
                    FakeOneflow.OTHER_ACCOUNT_EMAIL), Optional.empty(), Map.of()));
        }
        assertThat(fake.requests("GET", "/users")).hasSize(3);
    }

    @Test
    void proxiedRequestsSpendTheTokensBudgetWithTheConnectorsOwnCalls() {
        Map<String, String> settings = new HashMap<>(TestContexts.FAST_RETRIES);
        settings.put("rate_limit_requests", "3");
        settings.put("rate_limit_default_wait_seconds", "7");
        try (Connector budgeted = new OneflowConnectorFactory().create(TestContexts.fast(fake.baseUrl())
                .withSettings(settings))) {
            ActionCall call = new ActionCall("list_users", ADMIN, Optional.empty(), Map.of());
            budgeted.invoke(call);
            ProxyTarget.Admission proxied = budgeted.proxyTarget(ADMIN).admission();
            proxied.admit();
            proxied.admit();
            assertThatThrownBy(proxied::admit).isInstanceOfSatisfying(RateLimited.class, e ->
                    assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(7)));
            // The proxy spent the rest: the connector's own call is refused before it reaches Oneflow.
            assertThatThrownBy(() -> budgeted.invoke(call)).isInstanceOf(RateLimited.class);
            // Another token's target has its own budget.
            budgeted.proxyTarget(TestContexts.credentials(FakeOneflow.OTHER_ACCOUNT_TOKEN,
                    FakeOneflow.OTHER_ACCOUNT_EMAIL)).admission().admit();
        }
        assertThat(fake.requests("GET", "/users")).hasSize(1);
    }

    @Test
    void theClientSideBudgetCountsTheLastWindowOnTheContextsClockNotAFixedPeriod() {
        Map<String, String> settings = new HashMap<>(TestContexts.FAST_RETRIES);
        settings.put("rate_limit_requests", "3");
        RequestBudgetTest.MovableClock clock = new RequestBudgetTest.MovableClock(Instant.parse("2026-01-01T00:00:00Z"));
        ActionCall call = new ActionCall("list_users", ADMIN, Optional.empty(), Map.of());
        try (Connector budgeted = new OneflowConnectorFactory().create(TestContexts.fast(fake.baseUrl())
                .withSettings(settings).withClock(clock))) {
            clock.set(Duration.ofSeconds(290));
            for (int i = 0; i < 3; i++) {
                budgeted.invoke(call);
            }
            // Past the first five minutes, the three requests of ten seconds ago still count.
            clock.set(Duration.ofSeconds(310));
            assertThatThrownBy(() -> budgeted.invoke(call)).isInstanceOf(RateLimited.class);
            clock.set(Duration.ofSeconds(600));
            budgeted.invoke(call);
        }
        assertThat(fake.requests("GET", "/users")).hasSize(4);
    }

    @Test
    void retryAfterMayBeAnHttpDate() {
        Clock clock = Clock.fixed(Instant.parse("2024-05-01T10:00:00Z"), ZoneOffset.UTC);
        assertThat(OneflowFailures.retryAfter("Wed, 01 May 2024 10:02:30 GMT", clock)).contains(Duration.ofSeconds(150));
        assertThat(OneflowFailures.retryAfter("Wed, 01 May 2024 09:00:00 GMT", clock)).contains(Duration.ZERO);
        assertThat(OneflowFailures.retryAfter("soon", clock)).isEmpty();
    }

    @Test
    void genericOneflowCodesGiveACodeFromTheStatusAndSpecificOnesTheirOwn() {
        Moshi moshi = new Moshi.Builder().build();
        Clock clock = Clock.systemUTC();
        java.util.function.BiFunction<Integer, String, ConnectorException> answer = (status, code) ->
                OneflowFailures.fromResponse(status, Headers.of(), "{\"detail\":\"No.\",\"error_code\":" + code
                        + ",\"status\":" + status + "}", moshi, Duration.ZERO, clock, null);

        // Generic (…0000) codes "may become more specific later": the public code must not follow them.
        assertThat(answer.apply(404, "4040000")).isInstanceOfSatisfying(ProviderRejected.class, e -> {
            assertThat(e.code()).isEqualTo("oneflow_http_404");
            assertThat(e.getMessage()).isEqualTo("No. (Oneflow error_code 4040000)");
        });
        assertThat(answer.apply(400, "4000003").code()).isEqualTo("oneflow_4000003");
        assertThat(answer.apply(409, "null").code()).isEqualTo("oneflow_http_409");
        assertThat(answer.apply(400, "4090001").code()).as("a code of another status").isEqualTo("oneflow_http_400");
        assertThat(OneflowFailures.fromResponse(422, Headers.of(), "", moshi, Duration.ZERO, clock, null).code())
                .isEqualTo("oneflow_http_422");
    }

    @Test
    void errorBodiesMapToTheirTypes() {
        Moshi moshi = new Moshi.Builder().build();
        Clock clock = Clock.systemUTC();
        String body = "{\"detail\":\"Invalid.\",\"error_code\":4000007,\"parameter_problems\":{\"name\":\"Too long.\"},"
                + "\"status\":400}";
        ConnectorException rejected = OneflowFailures.fromResponse(400, Headers.of(), body, moshi,
                Duration.ofSeconds(60), clock, FakeOneflow.TOKEN);
        assertThat(rejected).isInstanceOfSatisfying(ProviderRejected.class, e -> {
            assertThat(e.code()).isEqualTo("oneflow_4000007");
            assertThat(e.fieldErrors()).extracting(f -> f.field() + ": " + f.message()).containsExactly("name: Too long.");
        });
        assertThat(OneflowFailures.fromResponse(403, Headers.of(), "", moshi, Duration.ZERO, clock, null))
                .isInstanceOf(io.patchbay.spi.InsufficientPermissions.class);
        // A plan refusal without a body still says what it is, with Oneflow's status beside it.
        assertThat(OneflowFailures.fromResponse(402, Headers.of(), "", moshi, Duration.ZERO, clock, null))
                .isInstanceOfSatisfying(io.patchbay.spi.InsufficientPermissions.class, e -> {
                    assertThat(e.code()).isEqualTo("plan_required");
                    assertThat(e.providerStatus()).hasValue(402);
                    assertThat(e.getMessage()).isEqualTo("The Oneflow plan does not include this feature (HTTP 402).");
                });
        assertThat(OneflowFailures.fromResponse(418, Headers.of(), "<html>teapot</html>", moshi, Duration.ZERO, clock,
                null)).isInstanceOfSatisfying(ProviderRejected.class, e -> assertThat(e.code()).isEqualTo("oneflow_http_418"));
        assertThat(OneflowFailures.fromResponse(503, Headers.of(), "", moshi, Duration.ZERO, clock, null))
                .isInstanceOf(ProviderUnavailable.class);
        // A provider message that echoed the token would not carry it any further.
        ConnectorException echoed = OneflowFailures.fromResponse(401, Headers.of(),
                "{\"detail\":\"Bad token " + FakeOneflow.TOKEN + "\"}", moshi, Duration.ZERO, clock, FakeOneflow.TOKEN);
        assertThat(echoed.getMessage()).isEqualTo("Bad token ****");
        // Also as a URL or a JSON writer would have written it.
        String token = "tok/en\"with+chars-0123";
        String encoded = "{\"detail\":\"Bad token tok%2Fen%22with%2Bchars-0123, was tok\\\\/en\\\\\\\"with+chars-0123\"}";
        assertThat(OneflowFailures.fromResponse(401, Headers.of(), encoded, moshi, Duration.ZERO, clock, token)
                .getMessage()).isEqualTo("Bad token ****, was ****");
    }

    @Test
    void anAnswerThatIsNotJsonIsProviderUnavailableAndRetried() {
        fake.garbleNext(3);

        assertThatThrownBy(() -> invoke(ADMIN, "get_contract", Map.of("contract_id", FakeOneflow.CONTRACT_SIGNED)))
                .isInstanceOfSatisfying(ProviderUnavailable.class, e -> {
                    assertThat(e.code()).isEqualTo("unreadable_response");
                    assertThat(e.getMessage()).contains("GET /v1/contracts/" + FakeOneflow.CONTRACT_SIGNED);
                });
        assertThat(fake.requests()).hasSize(3);
    }

    @Test
    void proxyTargetCarriesBothHeadersAndHidesThemInToString() {
        ProxyTarget target = connector.proxyTarget(ADMIN);

        assertThat(target.baseUrl()).isEqualTo(fake.baseUrl());
        assertThat(target.headers()).isEqualTo(Map.of("x-oneflow-api-token", FakeOneflow.TOKEN,
                "x-oneflow-user-email", FakeOneflow.ADMIN_EMAIL));
        assertThat(target.toString()).doesNotContain(FakeOneflow.TOKEN);
        assertThat(new OneflowApi.Auth(FakeOneflow.TOKEN, FakeOneflow.ADMIN_EMAIL).toString())
                .doesNotContain(FakeOneflow.TOKEN);
        assertThat(ADMIN.toString()).doesNotContain(FakeOneflow.TOKEN);
    }

    @Test
    void defaultBaseUrlIsOneflowsProductionApi() {
        try (Connector production = new OneflowConnectorFactory().create(
                io.patchbay.spi.ConnectorContext.defaults("oneflow"))) {
            assertThat(production.baseUrl()).hasToString("https://api.oneflow.com/v1");
            assertThat(production.proxyTarget(ADMIN).baseUrl()).hasToString("https://api.oneflow.com/v1");
            assertThat(production.info().version()).isEqualTo(System.getProperty("project.version",
                    production.info().version())).doesNotContain("${");
        }
    }

    @Test
    void noFailureTextOrLogLineCarriesTheToken() {
        RecordingLogger logged = new RecordingLogger();
        List<Throwable> failures = new java.util.ArrayList<>();
        try (Connector withLogger = new OneflowConnectorFactory().create(new io.patchbay.spi.ConnectorContext(
                Optional.of(fake.baseUrl()), Clock.systemUTC(), logged, Duration.ofSeconds(2),
                Duration.ofSeconds(5), TestContexts.FAST_RETRIES))) {
            fake.failNext(503, 3);
            try {
                withLogger.invoke(new ActionCall("list_users", ADMIN, Optional.empty(), Map.of()));
            } catch (ConnectorException e) {
                failures.add(e);
            }
            try {
                withLogger.verify(TestContexts.credentials(FakeOneflow.REVOKED_TOKEN, FakeOneflow.ADMIN_EMAIL));
            } catch (ConnectorException e) {
                failures.add(e);
            }
        }
        assertThat(failures).hasSize(2);
        assertThat(logged.messages()).as("retries are logged").hasSize(2);
        for (Throwable failure : failures) {
            StringWriter text = new StringWriter();
            failure.printStackTrace(new PrintWriter(text));
            assertThat(text.toString()).doesNotContain(FakeOneflow.TOKEN).doesNotContain(FakeOneflow.REVOKED_TOKEN);
        }
        assertThat(logged.text()).doesNotContain(FakeOneflow.TOKEN).contains("provider_error");
    }
}
