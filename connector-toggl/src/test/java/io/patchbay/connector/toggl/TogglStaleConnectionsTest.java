package io.patchbay.connector.toggl;

import static io.patchbay.connector.toggl.fake.FakeToggl.ALICE;
import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.connector.toggl.fake.FakeToggl;
import io.patchbay.connector.toggl.fake.Fault;
import io.patchbay.spi.ActionCall;
import io.patchbay.spi.ActionResult;
import io.patchbay.spi.Connector;
import io.patchbay.testkit.IdleClosingProxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Toggl (or a load balancer in front of it) closes keep-alive connections that sat idle, while the connector still
 * pools them: a request on such a connection never reached Toggl and must not come back as a Toggl failure. The
 * connector's client is built with the support library's {@code StaleConnections}, whose own tests cover TLS and
 * HTTP/2. OkHttp's own retry would also pass these two; the write-once half of the wiring shows in
 * {@link TogglFaultsTest#aWriteWhoseConnectionDropsAfterTogglAppliedItIsSentOnceAndTheErrorSaysItMayHaveHappened}.
 */
class TogglStaleConnectionsTest {
    private static final Duration IDLE_CLOSE = Duration.ofMillis(400);
    private static final String TIME_ENTRIES = "/api/v9/workspaces/2001/time_entries";
    private static FakeToggl fake;
    private static IdleClosingProxy proxy;
    private static Connector connector;

    @BeforeAll
    static void start() throws Exception {
        fake = FakeToggl.start();
        proxy = IdleClosingProxy.start(fake.baseUrl(), IDLE_CLOSE);
        connector = new TogglConnectorFactory().create(TestContexts.fast(proxy.baseUrl()));
    }

    @AfterAll
    static void stop() throws Exception {
        connector.close();
        proxy.close();
        fake.close();
    }

    @BeforeEach
    void reset() {
        fake.reset();
    }

    private static ActionResult invoke(String action, Map<String, Object> input) {
        return connector.invoke(new ActionCall(action, TestContexts.token(ALICE), Optional.of("2001"), input));
    }

    /** A burst of slow reads leaves several connections in the pool, which the proxy then closes. */
    private static void poolConnectionsThatGoStale() throws InterruptedException {
        int before = proxy.connections();
        fake.enqueue(Fault.slow(Duration.ofMillis(150)), 4);
        List<CompletableFuture<ActionResult>> burst = IntStream.range(0, 4)
                .mapToObj(i -> CompletableFuture.supplyAsync(() -> invoke("list_workspaces", Map.of())))
                .toList();
        burst.forEach(CompletableFuture::join);
        assertThat(proxy.connections() - before).as("the burst opened several connections").isGreaterThanOrEqualTo(3);
        Thread.sleep(IDLE_CLOSE.multipliedBy(2).toMillis());
    }

    @Test
    void aReadAfterTheProviderClosedTheIdleConnectionsSucceedsOnANewConnection() throws Exception {
        poolConnectionsThatGoStale();
        fake.clearRequests();

        ActionResult result = invoke("list_workspaces", Map.of());

        assertThat(((Map<?, ?>) result.output()).containsKey("workspaces")).isTrue();
        assertThat(fake.requests("GET", "/api/v9/me/workspaces")).hasSize(1);
    }

    @Test
    void aWriteAfterTheProviderClosedTheIdleConnectionsIsSentOnceAndSucceeds() throws Exception {
        poolConnectionsThatGoStale();
        fake.clearRequests();

        ActionResult result = invoke("create_time_entry", Map.of("start", "2025-03-03T09:00:00Z", "duration", 600,
                "description", "after an idle pause"));

        assertThat(((Map<?, ?>) result.output()).containsKey("time_entry")).isTrue();
        assertThat(fake.requests("POST", TIME_ENTRIES)).as("sent once, and it reached Toggl").hasSize(1);
        assertThat(fake.timeEntries("after an idle pause")).hasSize(1);
    }
}
