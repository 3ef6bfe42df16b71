package io.patchbay.connector.oneflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patchbay.connector.oneflow.fake.FakeOneflow;
import io.patchbay.connector.oneflow.fake.WebhookDelivery;
import io.patchbay.spi.Connector;
import io.patchbay.spi.ConnectorContext;
import io.patchbay.spi.WebhookVerifier;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Map;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WebhookTest {
    private static final String SIGN_KEY = "my-sign-key";
    /** The sample body of Oneflow's webhook docs, signed with {@link #SIGN_KEY}. */
    private static final String DOC_SAMPLE = """
            {"contract":{"id":101},"callback_id":"eaf850991bb7c273a56dcdeb265d30006fdc9de0",
             "events":[{"created_time":"2020-07-06T15:14:14+0000","id":2322,"type":"contract:publish"}],
             "signature":"cbff4912268db88c60dc81d7d232c50bde58af9d"}""";

    private Connector connector;
    private WebhookVerifier verifier;

    @BeforeEach
    void connect() {
        connector = new OneflowConnectorFactory().create(ConnectorContext.defaults("oneflow"));
        verifier = connector.capability(WebhookVerifier.class).orElseThrow();
    }

    @AfterEach
    void close() {
        connector.close();
    }

    private boolean verify(String body, String key) {
        return verifier.verify(Map.of("content-type", "application/json"), body.getBytes(StandardCharsets.UTF_8), key);
    }

    @Test
    void signatureIsSha1OfCallbackIdAndSignKey() {
        assertThat(OneflowWebhooks.signature("eaf850991bb7c273a56dcdeb265d30006fdc9de0", SIGN_KEY))
                .isEqualTo("cbff4912268db88c60dc81d7d232c50bde58af9d");
    }

    @Test
    void aGoodSignatureVerifies() {
        assertThat(verify(DOC_SAMPLE, SIGN_KEY)).isTrue();
        assertThat(verify(DOC_SAMPLE.replace("cbff4912268db88c60dc81d7d232c50bde58af9d",
                "CBFF4912268DB88C60DC81D7D232C50BDE58AF9D"), SIGN_KEY)).as("hex case does not matter").isTrue();
    }

    @Test
    void aWrongKeyOrATamperedCallbackIdOrSignatureFails() {
        assertThat(verify(DOC_SAMPLE, "another-key")).isFalse();
        assertThat(verify(DOC_SAMPLE.replace("eaf85099", "eaf85098"), SIGN_KEY)).isFalse();
        assertThat(verify(DOC_SAMPLE.replace("cbff4912", "cbff4913"), SIGN_KEY)).isFalse();
        assertThat(verify(DOC_SAMPLE.replace("\"signature\":\"cbff4912268db88c60dc81d7d232c50bde58af9d\"",
                "\"signature\":\"cbff\""), SIGN_KEY)).as("a short signature").isFalse();
    }

    @Test
    void missingKeyMissingSignatureOrGarbageNeverVerify() {
        assertThat(verify(DOC_SAMPLE, "")).isFalse();
        assertThat(verify(DOC_SAMPLE, null)).isFalse();
        assertThat(verify(DOC_SAMPLE.replaceAll(",\\s*\"signature\":\"[0-9a-f]+\"", ""), SIGN_KEY)).isFalse();
        assertThat(verify("not json", SIGN_KEY)).isFalse();
        assertThat(verify("[]", SIGN_KEY)).isFalse();
        assertThat(verifier.verify(Map.of(), null, SIGN_KEY)).isFalse();
    }

    @Test
    void aSignatureInsideTheEventsIsAcceptedToo() {
        String nested = """
                {"contract":{"id":101},"callback_id":"eaf850991bb7c273a56dcdeb265d30006fdc9de0",
                 "events":[{"created_time":"2020-07-06T15:14:14+0000","id":2322,"type":"contract:sign",
                            "signature":"cbff4912268db88c60dc81d7d232c50bde58af9d"}]}""";
        assertThat(verify(nested, SIGN_KEY)).isTrue();
    }

    @Test
    void aSignedDeliveryWithAnUnusualEventStillVerifies() {
        // The signature covers callback_id and the key only: the events are Oneflow's to extend.
        String newEventShape = """
                {"contract":{"id":101},"callback_id":"eaf850991bb7c273a56dcdeb265d30006fdc9de0",
                 "events":[{"created_time":"2020-07-06T15:14:14.123456+0000","type":"contract:archive"},
                           {"id":2323}],
                 "signature":"cbff4912268db88c60dc81d7d232c50bde58af9d"}""";
        String noContract = """
                {"callback_id":"eaf850991bb7c273a56dcdeb265d30006fdc9de0","events":"later",
                 "signature":"cbff4912268db88c60dc81d7d232c50bde58af9d"}""";

        assertThat(verify(newEventShape, SIGN_KEY)).isTrue();
        assertThat(verify(noContract, SIGN_KEY)).isTrue();
        assertThat(verify(newEventShape, "another-key")).isFalse();
        assertThatThrownBy(() -> OneflowWebhooks.parse(newEventShape.getBytes(StandardCharsets.UTF_8)))
                .as("parse stays strict").isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("events[0]");
    }

    @Test
    void payloadTimesWithPlus0000AreParsed() {
        OneflowWebhooks.Payload payload = OneflowWebhooks.parse(DOC_SAMPLE.getBytes(StandardCharsets.UTF_8));

        assertThat(payload.contractId()).isEqualTo(101);
        assertThat(payload.callbackId()).isEqualTo("eaf850991bb7c273a56dcdeb265d30006fdc9de0");
        assertThat(payload.signature()).contains("cbff4912268db88c60dc81d7d232c50bde58af9d");
        assertThat(payload.events()).containsExactly(new OneflowWebhooks.Event(2322, "contract:publish",
                OffsetDateTime.of(2020, 7, 6, 15, 14, 14, 0, ZoneOffset.UTC)));
        assertThatThrownBy(() -> OffsetDateTime.parse("2020-07-06T15:14:14+0000"))
                .as("the JDK's default parser is why the lenient one exists").isInstanceOf(DateTimeParseException.class);
    }

    @Test
    void oneflowTimeAcceptsEveryOffsetSpelling() {
        OffsetDateTime utc = OffsetDateTime.of(2020, 7, 6, 15, 14, 14, 0, ZoneOffset.UTC);
        assertThat(OneflowTime.parse("2020-07-06T15:14:14+0000")).isEqualTo(utc);
        assertThat(OneflowTime.parse("2020-07-06T15:14:14+00:00")).isEqualTo(utc);
        assertThat(OneflowTime.parse("2020-07-06T15:14:14Z")).isEqualTo(utc);
        assertThat(OneflowTime.parse("2020-07-06T17:14:14.250+0200").toInstant())
                .isEqualTo(utc.toInstant().plusMillis(250));
        assertThat(OneflowTime.parse("2020-07-06T09:44:14-05:30").toInstant()).isEqualTo(utc.toInstant());
        assertThatThrownBy(() -> OneflowTime.parse("2020-07-06T15:14:14")).isInstanceOf(DateTimeParseException.class);
        assertThatThrownBy(() -> OneflowTime.parse("yesterday")).isInstanceOf(DateTimeParseException.class);
    }

    @Test
    void malformedPayloadsAreNamed() {
        assertThatThrownBy(() -> OneflowWebhooks.parse("{\"callback_id\":\"x\"}".getBytes(StandardCharsets.UTF_8)))
                .hasMessage("webhook body has no contract.id");
        assertThatThrownBy(() -> OneflowWebhooks.parse("{\"contract\":{\"id\":1}}".getBytes(StandardCharsets.UTF_8)))
                .hasMessage("webhook body has no callback_id");
        assertThatThrownBy(() -> OneflowWebhooks.parse(("{\"contract\":{\"id\":1},\"callback_id\":\"x\","
                + "\"events\":[{\"id\":1,\"type\":\"t\",\"created_time\":\"soon\"}]}").getBytes(StandardCharsets.UTF_8)))
                .hasMessage("webhook events[0].created_time is not a timestamp");
    }

    @Test
    void theFakesDeliveriesVerifyAndKeepTheirCallbackIdAcrossRetries() throws Exception {
        try (MockWebServer receiver = new MockWebServer(); FakeOneflow fake = FakeOneflow.start()) {
            receiver.start(InetAddress.getByName("127.0.0.1"), 0);
            receiver.enqueue(new MockResponse.Builder().code(500).build());
            receiver.enqueue(new MockResponse.Builder().code(204).build());
            receiver.enqueue(new MockResponse.Builder().code(200).build());

            WebhookDelivery delivery = fake.deliverWebhook(URI.create(receiver.url("/hooks/oneflow").toString()),
                    SIGN_KEY, FakeOneflow.CONTRACT_SIGNED, "contract:sign");

            assertThat(delivery.statuses()).as("only 200 counts as delivered").containsExactly(500, 204, 200);
            assertThat(delivery.delivered()).isTrue();
            for (int i = 0; i < 3; i++) {
                RecordedRequest request = receiver.takeRequest();
                byte[] body = request.getBody().toByteArray();
                assertThat(body).isEqualTo(delivery.body());
                assertThat(verifier.verify(Map.of(), body, SIGN_KEY)).isTrue();
                assertThat(verifier.verify(Map.of(), body, "wrong")).isFalse();
                OneflowWebhooks.Payload payload = OneflowWebhooks.parse(body);
                assertThat(payload.callbackId()).isEqualTo(delivery.callbackId());
                assertThat(payload.contractId()).isEqualTo(FakeOneflow.CONTRACT_SIGNED);
                assertThat(new String(body, StandardCharsets.UTF_8)).containsPattern("\"created_time\":\"[^\"]+\\+0000\"");
            }
        }
    }

    @Test
    void theFakesStaticBodyMatchesTheDocumentedShape() {
        byte[] body = FakeOneflow.webhookBody(101, "eaf850991bb7c273a56dcdeb265d30006fdc9de0", SIGN_KEY, 2322,
                "contract:publish", Instant.parse("2020-07-06T15:14:14Z"));
        assertThat(OneflowWebhooks.parse(body)).isEqualTo(OneflowWebhooks.parse(DOC_SAMPLE.getBytes(StandardCharsets.UTF_8)));
    }
}
