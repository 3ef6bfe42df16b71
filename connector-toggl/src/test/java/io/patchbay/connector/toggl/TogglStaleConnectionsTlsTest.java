package io.patchbay.connector.toggl;

import static io.patchbay.connector.toggl.fake.FakeToggl.ALICE;
import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.connector.toggl.fake.FakeToggl;
import io.patchbay.connector.toggl.fake.Fault;
import io.patchbay.spi.ActionCall;
import io.patchbay.spi.ActionResult;
import io.patchbay.spi.Connector;
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
 * {@link TogglStaleConnectionsTest} over TLS, as Toggl is reached: the fake serves TLS with a certificate from a test
 * authority the JVM's trust store is pointed at (as an operator points Patchbay at a private authority), offering
 * HTTP/1.1 alone or HTTP/2 as well by ALPN, behind a proxy that closes idle connections.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TogglStaleConnectionsTlsTest {
    private static final Duration IDLE_CLOSE = Duration.ofMillis(400);
    /** Longer than the connector's call timeout (3 s), as providers keep idle connections 5 to 60 s. */
    private static final Duration LONG_IDLE_CLOSE = Duration.ofSeconds(5);
    private static final String TIME_ENTRIES = "/api/v9/workspaces/2001/time_entries";
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
    private record Provider(FakeToggl fake, IdleClosingProxy proxy, Connector connector) implements AutoCloseable {
        static Provider start(Wire wire, Duration idleClose) throws IOException {
            FakeToggl fake = FakeToggl.startHttps(serverCertificates, wire.protocols);
            IdleClosingProxy proxy = IdleClosingProxy.start(fake.baseUrl(), idleClose);
            assertThat(proxy.baseUrl().getScheme()).isEqualTo("https");
            return new Provider(fake, proxy, new TogglConnectorFactory().create(TestContexts.fast(proxy.baseUrl())));
        }

        ActionResult invoke(String action, Map<String, Object> input) {
            return connector.invoke(new ActionCall(action, TestContexts.token(ALICE), Optional.of("2001"), input));
        }

        ActionResult createTimeEntry(String description) {
            return invoke("create_time_entry", Map.of("start", "2025-03-03T09:00:00Z", "duration", 600,
                    "description", description));
        }

        /** A burst of slow reads leaves connections in the pool (one, shared, on HTTP/2), which the proxy closes. */
        void poolConnectionsThatGoStale(Wire wire) throws InterruptedException {
            int before = proxy.connections();
            fake.enqueue(Fault.slow(Duration.ofMillis(150)), 4);
            List<CompletableFuture<ActionResult>> burst = IntStream.range(0, 4)
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
    void aReadAfterTheProviderClosedTheIdleConnectionsSucceedsOnANewConnection(Wire wire) throws Exception {
        try (Provider toggl = Provider.start(wire, IDLE_CLOSE)) {
            toggl.poolConnectionsThatGoStale(wire);
            toggl.fake().clearRequests();
            int before = toggl.proxy().connections();

            ActionResult result = toggl.invoke("list_workspaces", Map.of());

            assertThat(((Map<?, ?>) result.output()).containsKey("workspaces")).isTrue();
            assertThat(toggl.fake().requests()).as("nothing but the read reached Toggl").hasSize(1);
            assertThat(toggl.fake().requests("GET", "/api/v9/me/workspaces")).hasSize(1);
            assertThat(toggl.proxy().connections()).as("on a new connection").isGreaterThan(before);
        }
    }

    @ParameterizedTest
    @EnumSource(Wire.class)
    void aWriteAfterTheProviderClosedTheIdleConnectionsIsSentOnceAndSucceeds(Wire wire) throws Exception {
        try (Provider toggl = Provider.start(wire, IDLE_CLOSE)) {
            toggl.poolConnectionsThatGoStale(wire);
            toggl.fake().clearRequests();

            ActionResult result = toggl.createTimeEntry("after an idle pause");

            assertThat(((Map<?, ?>) result.output()).containsKey("time_entry")).isTrue();
            assertThat(toggl.fake().requests()).as("nothing but the write reached Toggl").hasSize(1);
            assertThat(toggl.fake().requests("POST", TIME_ENTRIES)).as("sent once, and it reached Toggl").hasSize(1);
            assertThat(toggl.fake().timeEntries("after an idle pause")).hasSize(1);
        }
    }

    @ParameterizedTest
    @EnumSource(Wire.class)
    void writesOnALiveReusedConnectionAreSentOnceAndTheirAnswersReadIntact(Wire wire) throws Exception {
        try (Provider toggl = Provider.start(wire, LONG_IDLE_CLOSE)) {
            toggl.invoke("list_workspaces", Map.of());
            int connections = toggl.proxy().connections();
            toggl.fake().clearRequests();

            for (int i = 0; i < 5; i++) {
                // Each write goes out on the connection the previous request left in the pool, well before the
                // proxy closes it: the connector looks at that live connection first, and must not wait on it.
                long start = System.nanoTime();
                ActionResult result = toggl.createTimeEntry("live " + i);
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));

                Map<?, ?> entry = (Map<?, ?>) ((Map<?, ?>) result.output()).get("time_entry");
                assertThat(entry.get("description")).isEqualTo("live " + i);
                assertThat(toggl.fake().timeEntries("live " + i)).hasSize(1);
            }

            assertThat(toggl.proxy().connections()).as("all on the one reused connection").isEqualTo(connections);
            assertThat(toggl.fake().requests()).as("nothing but the writes reached Toggl").hasSize(5);
            assertThat(toggl.fake().requests("POST", TIME_ENTRIES)).hasSize(5);
        }
    }

    @ParameterizedTest
    @EnumSource(Wire.class)
    void aWriteWhileAReadIsInFlightLeavesBothIntact(Wire wire) throws Exception {
        try (Provider toggl = Provider.start(wire, LONG_IDLE_CLOSE)) {
            toggl.invoke("list_workspaces", Map.of());
            toggl.fake().clearRequests();
            toggl.fake().enqueue(Fault.slow(Duration.ofMillis(500)));
            // On HTTP/2 both share the one connection, whose answers OkHttp's reader thread reads meanwhile.
            CompletableFuture<ActionResult> read = CompletableFuture.supplyAsync(
                    () -> toggl.invoke("list_workspaces", Map.of()));
            Thread.sleep(100);

            ActionResult written = toggl.createTimeEntry("beside a read");
            assertThat(read).as("the write did not wait for the read's answer").isNotDone();

            assertThat(((Map<?, ?>) written.output()).containsKey("time_entry")).isTrue();
            assertThat(((Map<?, ?>) read.join().output()).containsKey("workspaces")).isTrue();
            assertThat(toggl.fake().requests()).as("each reached Toggl once").hasSize(2);
            assertThat(toggl.fake().timeEntries("beside a read")).hasSize(1);
        }
    }
}
