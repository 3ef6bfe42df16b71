package io.patchbay.connector.toggl;

import static io.patchbay.connector.toggl.fake.FakeToggl.ALICE;
import static io.patchbay.connector.toggl.fake.FakeToggl.BOB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import io.patchbay.connector.toggl.fake.FakeRequest;
import io.patchbay.connector.toggl.fake.FakeToggl;
import io.patchbay.connector.toggl.fake.Fault;
import io.patchbay.spi.ActionCall;
import io.patchbay.spi.Connector;
import io.patchbay.spi.Credentials;
import io.patchbay.spi.FieldError;
import io.patchbay.spi.InsufficientPermissions;
import io.patchbay.spi.InputRejected;
import io.patchbay.spi.ProviderRejected;
import io.patchbay.spi.WebhookSubscriptions;
import io.patchbay.spi.WebhookSubscriptions.Subscription;
import io.patchbay.spi.WebhookVerifier;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Webhook subscriptions at Toggl, the endpoint handshake, and the signature check of deliveries. */
class TogglWebhooksTest {
    @RegisterExtension
    static final TogglOnFake TOGGL = new TogglOnFake();
    private static final FakeToggl FAKE = TOGGL.fake();
    private static final Connector CONNECTOR = TOGGL.connector();
    private static final WebhookSubscriptions SUBSCRIPTIONS =
            CONNECTOR.capability(WebhookSubscriptions.class).orElseThrow();
    private static final WebhookVerifier VERIFIER = CONNECTOR.capability(WebhookVerifier.class).orElseThrow();
    private static final Credentials ALICE_TOKEN = TestContexts.token(ALICE);

    /** The app's endpoint: records deliveries; echoes the validation code when asked to. */
    private static final MockWebServer RECEIVER = new MockWebServer();
    private static final List<RecordedRequest> RECEIVED = new CopyOnWriteArrayList<>();
    private static final AtomicBoolean ECHO_CODE = new AtomicBoolean();

    @BeforeAll
    static void startReceiver() throws Exception {
        RECEIVER.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                RECEIVED.add(request);
                String body = request.getBody() == null ? "" : request.getBody().utf8();
                int at = body.indexOf("\"validation_code\":\"");
                if (ECHO_CODE.get() && at >= 0) {
                    String code = body.substring(at + 19, body.indexOf('"', at + 19));
                    return new MockResponse.Builder().code(200).body("{\"validation_code\":\"" + code + "\"}").build();
                }
                return new MockResponse.Builder().code(200).build();
            }
        });
        RECEIVER.start(InetAddress.getByName("127.0.0.1"), 0);
    }

    @AfterAll
    static void stop() {
        RECEIVER.close();
    }

    @BeforeEach
    void reset() {
        RECEIVED.clear();
        ECHO_CODE.set(false);
    }

    private static URI callback() {
        return URI.create("http://127.0.0.1:" + RECEIVER.getPort() + "/hooks/toggl");
    }

    private static Subscription subscribe(String description) {
        return SUBSCRIPTIONS.create(ALICE_TOKEN, "2001", callback(), List.of("time_entry.created", "project"),
                description);
    }

    private static Map<String, String> headersOf(RecordedRequest request) {
        Map<String, String> headers = new java.util.HashMap<>();
        for (String name : request.getHeaders().names()) {
            headers.put(name.toLowerCase(java.util.Locale.ROOT), request.getHeaders().get(name));
        }
        return headers;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> invoke(String action, Map<String, Object> input) {
        return (Map<String, Object>) CONNECTOR.invoke(new ActionCall(action, ALICE_TOKEN, Optional.of("2001"), input))
                .output();
    }

    @Test
    void createSendsFiltersAndASecretAndKeepsTheSecretTogglDidNotEcho() {
        Subscription subscription = subscribe("Patchbay sync");

        FakeRequest request = FAKE.requests("POST", "/webhooks/api/v1/subscriptions/2001").get(0);
        assertThat(request.basicAuth()).contains(List.of(ALICE.apiToken(), "api_token"));
        Map<String, Object> body = request.jsonObject();
        assertThat(body).contains(entry("url_callback", callback().toString()), entry("enabled", true),
                entry("description", "Patchbay sync"),
                entry("event_filters", List.of(Map.of("entity", "time_entry", "action", "created"),
                        Map.of("entity", "project", "action", "*"))));
        assertThat((String) body.get("secret")).matches("[0-9a-f]{48}");

        assertThat(subscription.workspaceId()).isEqualTo("2001");
        assertThat(subscription.callbackUrl()).isEqualTo(callback());
        assertThat(subscription.events()).containsExactly("time_entry.created", "project.*");
        assertThat(subscription.enabled()).isTrue();
        assertThat(subscription.secret()).contains((String) body.get("secret"));
        assertThat(subscription.toString()).doesNotContain((String) body.get("secret"));
        assertThat(FAKE.webhookSubscriptions(2001)).singleElement()
                .satisfies(s -> assertThat(s.get("secret")).isEqualTo(body.get("secret")));
    }

    @Test
    void theProbePingIsSignedAndVerifiesWithTheSubscriptionSecret() {
        Subscription subscription = subscribe("Signed");

        assertThat(RECEIVED).hasSize(1);
        RecordedRequest ping = RECEIVED.get(0);
        byte[] body = ping.getBody().toByteArray();
        Map<String, String> headers = headersOf(ping);
        String secret = subscription.secret().orElseThrow();

        assertThat(headers).containsKey("x-webhook-signature-256");
        assertThat(VERIFIER.verify(headers, body, secret)).isTrue();
        byte[] tampered = new String(body, StandardCharsets.UTF_8).replace("ping", "pong")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(VERIFIER.verify(headers, tampered, secret)).as("tampered body").isFalse();
        assertThat(VERIFIER.verify(headers, body, secret + "x")).as("other secret").isFalse();
    }

    @Test
    void signatureCheckFollowsTogglsFormatExactly() {
        // HMAC-SHA256("key", "The quick brown fox jumps over the lazy dog"), a published test vector.
        String hex = "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8";
        byte[] body = "The quick brown fox jumps over the lazy dog".getBytes(StandardCharsets.UTF_8);

        assertThat(VERIFIER.verify(Map.of("x-webhook-signature-256", "sha256=" + hex), body, "key")).isTrue();
        assertThat(VERIFIER.verify(Map.of("X-Webhook-Signature-256", "sha256=" + hex.toUpperCase()), body, "key"))
                .as("header name and hex case do not matter").isTrue();
        assertThat(VERIFIER.verify(Map.of("x-webhook-signature-256", hex), body, "key")).as("no prefix").isFalse();
        assertThat(VERIFIER.verify(Map.of("x-webhook-signature-256", "sha1=" + hex), body, "key")).isFalse();
        assertThat(VERIFIER.verify(Map.of("x-webhook-signature-256", "sha256=zz" + hex.substring(2)), body, "key"))
                .as("not hex").isFalse();
        assertThat(VERIFIER.verify(Map.of("x-webhook-signature-256", "sha256=" + hex.substring(2)), body, "key"))
                .as("truncated").isFalse();
        assertThat(VERIFIER.verify(Map.of(), body, "key")).as("unsigned").isFalse();
        assertThat(VERIFIER.verify(Map.of("x-webhook-signature-256", "sha256=" + hex), body, "")).isFalse();
        assertThat(HexFormat.of().formatHex(TogglWebhooks.hmac("key", body))).isEqualTo(hex);
    }

    @Test
    void anEndpointThatEchoesTheCodeIsValidatedAtOnce() {
        ECHO_CODE.set(true);
        subscribe("Echoing");

        assertThat(FAKE.webhookSubscriptions(2001)).singleElement()
                .satisfies(s -> assertThat(s.get("validated_at")).isNotNull());
    }

    @Test
    void validateWithTheCodeFromThePingAndPingAgain() {
        Subscription subscription = subscribe("Async validation");
        String ping = RECEIVED.get(0).getBody().utf8();
        String code = ping.replaceAll(".*\"validation_code\":\"([0-9a-f]+)\".*", "$1");
        assertThat(FAKE.webhookSubscriptions(2001).get(0).get("validated_at")).isNull();

        assertThat(invoke("validate_webhook_subscription", Map.of("subscription_id", subscription.id(),
                "validation_code", code))).containsExactly(entry("validated", true));

        assertThat(FAKE.requests("GET", "/webhooks/api/v1/validate/2001/" + subscription.id() + "/" + code)).hasSize(1);
        assertThat(FAKE.webhookSubscriptions(2001).get(0).get("validated_at")).isNotNull();
        assertThatThrownBy(() -> invoke("validate_webhook_subscription", Map.of("subscription_id",
                subscription.id(), "validation_code", code)))
                .isInstanceOfSatisfying(ProviderRejected.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.getMessage()).contains("has already been validated");
                });

        assertThat(invoke("ping_webhook_subscription", Map.of("subscription_id", subscription.id())))
                .containsEntry("status", "ok");
        assertThat(FAKE.requests("POST", "/webhooks/api/v1/ping/2001/" + subscription.id())).hasSize(1);
        assertThat(RECEIVED).hasSize(2);
        assertThat(RECEIVED.get(1).getBody().utf8()).doesNotContain("validation_code");
    }

    @Test
    void listAndDeleteAndDeleteAgain() {
        Subscription subscription = subscribe("To delete");

        List<Subscription> listed = SUBSCRIPTIONS.list(ALICE_TOKEN, "2001");
        assertThat(listed).singleElement().satisfies(s -> {
            assertThat(s.id()).isEqualTo(subscription.id());
            assertThat(s.secret()).isEqualTo(subscription.secret());
            assertThat(s.events()).containsExactly("time_entry.created", "project.*");
        });

        SUBSCRIPTIONS.delete(ALICE_TOKEN, "2001", subscription.id());
        assertThat(FAKE.requests("DELETE", "/webhooks/api/v1/subscriptions/2001/" + subscription.id())).hasSize(1);
        assertThat(SUBSCRIPTIONS.list(ALICE_TOKEN, "2001")).isEmpty();

        SUBSCRIPTIONS.delete(ALICE_TOKEN, "2001", subscription.id());
        assertThat(FAKE.requests("DELETE", "/webhooks/api/v1/subscriptions/2001/" + subscription.id())).hasSize(2);
    }

    @Test
    void aNoContentAnswerToDeleteOrValidateIsSuccess() {
        // Retrofit gives no body at all for a 204 or 205.
        FAKE.enqueue(new Fault(204, Map.of(), "", Duration.ZERO, "/webhooks/api/v1/subscriptions/2001/77"));
        SUBSCRIPTIONS.delete(ALICE_TOKEN, "2001", "77");
        assertThat(FAKE.requests("DELETE", "/webhooks/api/v1/subscriptions/2001/77")).hasSize(1);

        FAKE.enqueue(new Fault(205, Map.of(), "", Duration.ZERO, "/webhooks/api/v1/validate/2001/77/"));
        assertThat(invoke("validate_webhook_subscription", Map.of("subscription_id", 77,
                "validation_code", "abc123"))).containsExactly(entry("validated", true));
        assertThat(FAKE.requests("GET", "/webhooks/api/v1/validate/2001/77/abc123")).hasSize(1);
    }

    @Test
    void badEventNamesAndIdsAreRefusedBeforeAnyRequest() {
        assertThatThrownBy(() -> SUBSCRIPTIONS.create(ALICE_TOKEN, "2001", callback(), List.of("time_entry.started"),
                "x"))
                .isInstanceOfSatisfying(InputRejected.class, e -> assertThat(e.fieldErrors())
                        .extracting(FieldError::field).containsExactly("events"));
        assertThatThrownBy(() -> SUBSCRIPTIONS.create(ALICE_TOKEN, "2001", callback(), List.of(), "x"))
                .isInstanceOf(InputRejected.class);
        assertThatThrownBy(() -> SUBSCRIPTIONS.list(ALICE_TOKEN, "acme"))
                .isInstanceOfSatisfying(InputRejected.class, e -> assertThat(e.fieldErrors())
                        .extracting(FieldError::field).containsExactly("workspace_id"));
        assertThatThrownBy(() -> SUBSCRIPTIONS.create(ALICE_TOKEN, "2001", URI.create("ftp://example.com/x"),
                List.of("*"), "x"))
                .isInstanceOfSatisfying(InputRejected.class, e -> assertThat(e.fieldErrors())
                        .extracting(FieldError::field).containsExactly("callback_url"));
        assertThat(FAKE.requests()).isEmpty();
    }

    @Test
    void togglsOwnRulesComeBackWithTheirMessages() {
        subscribe("Twice");
        assertThatThrownBy(() -> subscribe("Twice"))
                .isInstanceOfSatisfying(ProviderRejected.class, e -> assertThat(e.getMessage())
                        .contains("Subscription description 'Twice' is already in use for workspace 2001"));

        assertThatThrownBy(() -> SUBSCRIPTIONS.create(ALICE_TOKEN, "2001", URI.create("http://127.0.0.1:1/none"),
                List.of("*"), "Unreachable"))
                .isInstanceOfSatisfying(ProviderRejected.class, e -> assertThat(e.getMessage())
                        .contains("request failed with error"));

        assertThatThrownBy(() -> SUBSCRIPTIONS.list(TestContexts.token(BOB), "2002"))
                .isInstanceOfSatisfying(InsufficientPermissions.class, e -> assertThat(e.getMessage())
                        .contains("User not found/accessible for workspace"));
    }
}
