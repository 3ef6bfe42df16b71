package io.patchbay.connector.oneflow;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.connector.oneflow.fake.FakeOneflow;
import io.patchbay.spi.ActionCall;
import io.patchbay.spi.Connector;
import io.patchbay.spi.Credentials;
import io.patchbay.testkit.IdleClosingProxy;
import io.patchbay.testkit.TrustedTestAuthority;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import okhttp3.Protocol;
import okhttp3.tls.HandshakeCertificates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link StaleConnectionsTest} over TLS, as Oneflow is reached: the fake serves TLS with a certificate from a test
 * authority the JVM's trust store is pointed at (as an operator points Patchbay at a private authority), offering
 * HTTP/1.1 alone or HTTP/2 as well by ALPN, behind a proxy that closes idle connections.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class StaleConnectionsTlsTest {
    private static final Duration IDLE_CLOSE = Duration.ofMillis(400);
    /** Longer than the connector's call timeout (5 s), as providers keep idle connections 5 to 60 s. */
    private static final Duration LONG_IDLE_CLOSE = Duration.ofSeconds(8);
    private static final Credentials ADMIN = TestContexts.credentials(FakeOneflow.TOKEN, FakeOneflow.ADMIN_EMAIL);
    private static TrustedTestAuthority authority;
    private static HandshakeCertificates serverCertificates;

    @TempDir
    static Path trust;

    /** What the fake offers by ALPN; OkHttp takes HTTP/2 when offered. */
    enum Wire {
        HTTP_1_1(List.of(Protocol.HTTP_1_1)),
        HTTP_2(List.of(Protocol.HTTP_2, Protocol.HTTP_1_1));

        final List<Protocol> protocols;

        Wire(List<Protocol> protocols) {
            this.protocols = protocols;
        }
    }

    @BeforeAll
    static void trustATestAuthority() throws IOException, GeneralSecurityException {
        authority = TrustedTestAuthority.install(trust);
        serverCertificates = authority.serverCertificates("127.0.0.1");
    }

    @AfterAll
    static void restoreTrust() {
        authority.close();
    }

    /** The fake over TLS, the idle-closing proxy in front of it and a connector pointed at the proxy. */
    private record Provider(FakeOneflow fake, IdleClosingProxy proxy, Connector connector) implements AutoCloseable {
        static Provider start(Wire wire, Duration idleClose) throws IOException {
            FakeOneflow fake = FakeOneflow.startHttps(serverCertificates, wire.protocols);
            IdleClosingProxy proxy = IdleClosingProxy.start(fake.baseUrl(), idleClose);
            assertThat(proxy.baseUrl().getScheme()).isEqualTo("https");
            return new Provider(fake, proxy, new OneflowConnectorFactory().create(TestContexts.fast(proxy.baseUrl())));
        }

        Object invoke(String action, Map<String, Object> input) {
            return connector.invoke(new ActionCall(action, ADMIN,
                    Optional.of(Long.toString(FakeOneflow.WORKSPACE_SALES)), input)).output();
        }

        Map<?, ?> createContract(String name) {
            return (Map<?, ?>) invoke("create_contract", Map.of("template_id", FakeOneflow.TEMPLATE_NDA,
                    "name", name));
        }

        /** A burst of slow reads leaves connections in the pool (one, shared, on HTTP/2), which the proxy closes. */
        void poolConnectionsThatGoStale(Wire wire) throws InterruptedException {
            int before = proxy.connections();
            fake.delayNext(Duration.ofMillis(150), 4);
            List<CompletableFuture<Object>> burst = IntStream.range(0, 4)
                    .mapToObj(i -> CompletableFuture.supplyAsync(() -> invoke("list_workspaces", Map.of())))
                    .toList();
            burst.forEach(CompletableFuture::join);
            assertThat(proxy.connections() - before).as("the burst opened connections")
                    .isGreaterThanOrEqualTo(wire == Wire.HTTP_1_1 ? 3 : 1);
            Thread.sleep(IDLE_CLOSE.multipliedBy(2).toMillis());
        }

        @Override
        public void close() throws IOException {
            connector.close();
            proxy.close();
            fake.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Wire.class)
    void aReadAfterOneflowClosedTheIdleConnectionsSucceedsOnANewConnection(Wire wire) throws Exception {
        try (Provider oneflow = Provider.start(wire, IDLE_CLOSE)) {
            oneflow.poolConnectionsThatGoStale(wire);
            oneflow.fake().clearRequests();
            int before = oneflow.proxy().connections();

            Object out = oneflow.invoke("list_workspaces", Map.of());

            assertThat(((Map<?, ?>) out).containsKey("workspaces")).isTrue();
            assertThat(oneflow.fake().requests()).as("nothing but the read reached Oneflow").hasSize(1);
            assertThat(oneflow.proxy().connections()).as("on a new connection").isGreaterThan(before);
        }
    }

    @ParameterizedTest
    @EnumSource(Wire.class)
    void aWriteAfterOneflowClosedTheIdleConnectionsIsSentOnceAndSucceeds(Wire wire) throws Exception {
        try (Provider oneflow = Provider.start(wire, IDLE_CLOSE)) {
            oneflow.poolConnectionsThatGoStale(wire);
            oneflow.fake().clearRequests();
            int contracts = oneflow.fake().contractCount();

            Map<?, ?> out = oneflow.createContract("After an idle pause");

            assertThat(out.get("name")).isEqualTo("After an idle pause");
            assertThat(oneflow.fake().requests()).as("nothing but the write reached Oneflow").hasSize(1);
            assertThat(oneflow.fake().requests("POST", "/contracts/create")).as("sent once, and it reached Oneflow")
                    .hasSize(1);
            assertThat(oneflow.fake().contractCount()).isEqualTo(contracts + 1);
        }
    }

    @ParameterizedTest
    @EnumSource(Wire.class)
    void writesOnALiveReusedConnectionAreSentOnceAndTheirAnswersReadIntact(Wire wire) throws Exception {
        try (Provider oneflow = Provider.start(wire, LONG_IDLE_CLOSE)) {
            oneflow.invoke("list_workspaces", Map.of());
            int connections = oneflow.proxy().connections();
            oneflow.fake().clearRequests();
            int contracts = oneflow.fake().contractCount();

            for (int i = 0; i < 5; i++) {
                // Each write goes out on the connection the previous request left in the pool, well before the
                // proxy closes it: the connector looks at that live connection first, and must not wait on it.
                long start = System.nanoTime();
                Map<?, ?> out = oneflow.createContract("Live " + i);
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));

                assertThat(out.get("name")).isEqualTo("Live " + i);
            }

            assertThat(oneflow.proxy().connections()).as("all on the one reused connection").isEqualTo(connections);
            assertThat(oneflow.fake().requests()).as("nothing but the writes reached Oneflow").hasSize(5);
            assertThat(oneflow.fake().requests("POST", "/contracts/create")).hasSize(5);
            assertThat(oneflow.fake().contractCount()).isEqualTo(contracts + 5);
        }
    }

    @ParameterizedTest
    @EnumSource(Wire.class)
    void aWriteWhileAReadIsInFlightLeavesBothIntact(Wire wire) throws Exception {
        try (Provider oneflow = Provider.start(wire, LONG_IDLE_CLOSE)) {
            oneflow.invoke("list_workspaces", Map.of());
            oneflow.fake().clearRequests();
            oneflow.fake().delayNext(Duration.ofMillis(500), 1);
            // On HTTP/2 both share the one connection, whose answers OkHttp's reader thread reads meanwhile.
            CompletableFuture<Object> read = CompletableFuture.supplyAsync(
                    () -> oneflow.invoke("list_workspaces", Map.of()));
            Thread.sleep(100);

            Map<?, ?> written = oneflow.createContract("Beside a read");
            assertThat(read).as("the write did not wait for the read's answer").isNotDone();

            assertThat(written.get("name")).isEqualTo("Beside a read");
            assertThat(((Map<?, ?>) read.join()).containsKey("workspaces")).isTrue();
            assertThat(oneflow.fake().requests()).as("each reached Oneflow once").hasSize(2);
            assertThat(oneflow.fake().requests("POST", "/contracts/create")).hasSize(1);
        }
    }
}
