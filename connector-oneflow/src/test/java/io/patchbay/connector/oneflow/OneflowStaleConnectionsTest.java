package io.patchbay.connector.oneflow;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.connector.oneflow.fake.FakeOneflow;
import io.patchbay.spi.ActionCall;
import io.patchbay.spi.Connector;
import io.patchbay.spi.Credentials;
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
 * Oneflow (or a load balancer in front of it) closes keep-alive connections that sat idle, while the connector still
 * pools them: a request on such a connection never reached Oneflow and must not come back as an Oneflow failure. The
 * connector's client is built with the support library's {@code StaleConnections}, whose own tests cover TLS and
 * HTTP/2. OkHttp's own retry would also pass these two; the write-once half of the wiring shows in
 * {@link WriteActionsTest#createWhoseConnectionDropsIsSentOnceAndTheErrorSaysItMayHaveHappened}.
 */
class OneflowStaleConnectionsTest {
    private static final Duration IDLE_CLOSE = Duration.ofMillis(400);
    private static final Credentials ADMIN = TestContexts.credentials(FakeOneflow.TOKEN, FakeOneflow.ADMIN_EMAIL);
    private static FakeOneflow fake;
    private static IdleClosingProxy proxy;
    private static Connector connector;

    @BeforeAll
    static void start() throws Exception {
        fake = FakeOneflow.start();
        proxy = IdleClosingProxy.start(fake.baseUrl(), IDLE_CLOSE);
        connector = new OneflowConnectorFactory().create(TestContexts.fast(proxy.baseUrl()));
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

    private static Object invoke(String action, Map<String, Object> input) {
        return connector.invoke(new ActionCall(action, ADMIN, Optional.of(Long.toString(FakeOneflow.WORKSPACE_SALES)),
                input)).output();
    }

    /** A burst of slow reads leaves several connections in the pool, which the proxy then closes. */
    private static void poolConnectionsThatGoStale() throws InterruptedException {
        int before = proxy.connections();
        fake.delayNext(Duration.ofMillis(150), 4);
        List<CompletableFuture<Object>> burst = IntStream.range(0, 4)
                .mapToObj(i -> CompletableFuture.supplyAsync(() -> invoke("list_workspaces", Map.of())))
                .toList();
        burst.forEach(CompletableFuture::join);
        assertThat(proxy.connections() - before).as("the burst opened several connections").isGreaterThanOrEqualTo(3);
        Thread.sleep(IDLE_CLOSE.multipliedBy(2).toMillis());
    }

    @Test
    void aReadAfterOneflowClosedTheIdleConnectionsSucceedsOnANewConnection() throws Exception {
        poolConnectionsThatGoStale();
        fake.clearRequests();

        Object out = invoke("list_workspaces", Map.of());

        assertThat(out).isInstanceOf(Map.class);
        assertThat(fake.requests()).hasSize(1);
    }

    @Test
    void aWriteAfterOneflowClosedTheIdleConnectionsIsSentOnceAndSucceeds() throws Exception {
        poolConnectionsThatGoStale();
        fake.clearRequests();
        int contracts = fake.contractCount();

        invoke("create_contract", Map.of("template_id", FakeOneflow.TEMPLATE_NDA, "name", "After an idle pause"));

        assertThat(fake.requests("POST", "/contracts/create")).as("sent once, and it reached Oneflow").hasSize(1);
        assertThat(fake.contractCount()).isEqualTo(contracts + 1);
    }
}
