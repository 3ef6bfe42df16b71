package io.patchbay.connector.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patchbay.connector.support.StubProvider.Wire;
import io.patchbay.testkit.TrustedTestAuthority;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import okhttp3.tls.HandshakeCertificates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A provider (or a load balancer in front of it) closes keep-alive connections that sat idle while the client still
 * pools them: a request on such a connection never reached the provider and must not come back as its failure, and
 * a write must never reach it twice. Over plain HTTP and over TLS, with HTTP/1.1 alone or HTTP/2 offered by ALPN;
 * the server's certificate comes from a test authority the JVM's trust store is pointed at, as an operator points
 * Patchbay at a private authority.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class StaleConnectionsTest {
    private static final Duration IDLE_CLOSE = Duration.ofMillis(400);
    /** Longer than the client's call timeout, as providers keep idle connections 5 to 60 s. */
    private static final Duration LONG_IDLE_CLOSE = StubProvider.CALL_TIMEOUT.plusSeconds(2);
    private static TrustedTestAuthority authority;
    private static HandshakeCertificates serverCertificates;

    @TempDir
    static Path trust;

    @BeforeAll
    static void trustATestAuthority() throws IOException, GeneralSecurityException {
        authority = TrustedTestAuthority.install(trust);
        serverCertificates = authority.serverCertificates("127.0.0.1");
    }

    @AfterAll
    static void restoreTrust() {
        authority.close();
    }

    private static StubProvider start(Wire wire, Duration idleClose) throws IOException {
        return StubProvider.start(wire, serverCertificates, idleClose);
    }

    @ParameterizedTest
    @EnumSource(Wire.class)
    void aReadAfterTheProviderClosedTheIdleConnectionsSucceedsOnANewConnection(Wire wire) throws Exception {
        try (StubProvider provider = start(wire, IDLE_CLOSE)) {
            provider.poolConnectionsThatGoStale(wire, IDLE_CLOSE);
            int before = provider.proxy().connections();

            assertThat(provider.get("/read")).isEqualTo("{\"ok\":true}");

            assertThat(provider.received()).as("nothing but the read reached the provider")
                    .containsExactly("GET /read");
            assertThat(provider.proxy().connections()).as("on a new connection").isGreaterThan(before);
        }
    }

    @ParameterizedTest
    @EnumSource(Wire.class)
    void aWriteAfterTheProviderClosedTheIdleConnectionsIsSentOnceAndSucceeds(Wire wire) throws Exception {
        try (StubProvider provider = start(wire, IDLE_CLOSE)) {
            provider.poolConnectionsThatGoStale(wire, IDLE_CLOSE);

            assertThat(provider.post("/write")).isEqualTo("{\"ok\":true}");

            assertThat(provider.received()).as("sent once, and it reached the provider")
                    .containsExactly("POST /write");
        }
    }

    /** On HTTP/1 only: MockWebServer answers an HTTP/2 stream whole although told to break its connection. */
    @ParameterizedTest
    @EnumSource(value = Wire.class, names = {"PLAIN", "TLS_HTTP_1_1"})
    void aWriteThatBrokeAfterReachingTheProviderIsNotSentAgain(Wire wire) throws Exception {
        try (StubProvider provider = start(wire, LONG_IDLE_CLOSE)) {
            provider.get("/read");
            provider.received().clear();
            provider.dropNextWrite().set(true);

            assertThatThrownBy(() -> provider.post("/write")).isInstanceOf(IOException.class);

            assertThat(provider.received()).as("the provider may have applied it: never twice")
                    .containsExactly("POST /write");
        }
    }

    @ParameterizedTest
    @EnumSource(Wire.class)
    void writesOnALiveReusedConnectionAreSentOnceWithoutWaiting(Wire wire) throws Exception {
        try (StubProvider provider = start(wire, LONG_IDLE_CLOSE)) {
            provider.get("/read");
            int connections = provider.proxy().connections();
            provider.received().clear();

            for (int i = 0; i < 5; i++) {
                // Each write goes out on the connection the previous request left in the pool, well before the
                // proxy closes it: the client looks at that live connection first, and must not wait on it.
                long start = System.nanoTime();
                assertThat(provider.post("/write")).isEqualTo("{\"ok\":true}");
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
            }

            assertThat(provider.proxy().connections()).as("all on the one reused connection").isEqualTo(connections);
            assertThat(provider.received()).as("each write reached the provider once").hasSize(5)
                    .containsOnly("POST /write");
        }
    }

    @ParameterizedTest
    @EnumSource(Wire.class)
    void aWriteWhileAReadIsInFlightLeavesBothIntact(Wire wire) throws Exception {
        try (StubProvider provider = start(wire, LONG_IDLE_CLOSE)) {
            provider.get("/read");
            provider.received().clear();
            // On HTTP/2 both share the one connection, whose answers OkHttp's reader thread reads meanwhile.
            CompletableFuture<String> read = CompletableFuture.supplyAsync(() -> {
                try {
                    return provider.get("/read?delay=500");
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            });
            Thread.sleep(100);

            assertThat(provider.post("/write")).isEqualTo("{\"ok\":true}");
            assertThat(read).as("the write did not wait for the read's answer").isNotDone();

            assertThat(read.join()).isEqualTo("{\"ok\":true}");
            assertThat(provider.received()).as("each reached the provider once")
                    .containsExactlyInAnyOrder("GET /read", "POST /write");
        }
    }
}
