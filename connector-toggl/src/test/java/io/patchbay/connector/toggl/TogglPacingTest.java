package io.patchbay.connector.toggl;

import static io.patchbay.connector.toggl.fake.FakeToggl.ALICE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patchbay.spi.ActionCall;
import io.patchbay.spi.Connector;
import io.patchbay.spi.ProxyTarget;
import io.patchbay.spi.RateLimited;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The client-side pace of one user's requests never turns into a hang: a request waits for its turn only within
 * its call's timeout (3 s here), shared by all the requests of the call, and is refused at once otherwise.
 */
class TogglPacingTest {
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(3);
    @RegisterExtension
    static final TogglOnFake TOGGL = new TogglOnFake(TestContexts::fast);

    private static Connector paced(String requestsPerSecond) {
        return new TogglConnectorFactory().create(TestContexts.with(TOGGL.fake().baseUrl(),
                Map.of("requests_per_second", requestsPerSecond)));
    }

    private record Outcome(Duration took, Throwable failure) {
    }

    private static Outcome timed(Runnable call) {
        long start = System.nanoTime();
        try {
            call.run();
            return new Outcome(Duration.ofNanos(System.nanoTime() - start), null);
        } catch (RuntimeException e) {
            return new Outcome(Duration.ofNanos(System.nanoTime() - start), e);
        }
    }

    @Test
    void aBurstOfLinksOfOneTokenEndsWithinTheCallTimeoutAndTheRestAreRefusedWithRetryAfter() {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (Connector connector = paced("2")) {
            List<CompletableFuture<Outcome>> calls = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                calls.add(CompletableFuture.supplyAsync(
                        () -> timed(() -> connector.verify(TestContexts.token(ALICE))), pool));
            }
            List<Outcome> outcomes = calls.stream().map(CompletableFuture::join).toList();

            // A verify sends two requests; both share the call's 3 s.
            assertThat(outcomes).allSatisfy(o -> assertThat(o.took()).isLessThan(CALL_TIMEOUT));
            assertThat(outcomes).filteredOn(o -> o.failure() == null).isNotEmpty();
            List<Throwable> failures = outcomes.stream().map(Outcome::failure).filter(f -> f != null).toList();
            assertThat(failures).isNotEmpty().allSatisfy(f -> assertThat(f).isInstanceOfSatisfying(RateLimited.class,
                    e -> {
                        assertThat(e.code()).isEqualTo("client_rate_limited");
                        assertThat(e.quotaExhausted()).isFalse();
                        assertThat(e.retryAfter()).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
                    }));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aCallAbandonedWhileWaitingForItsTurnDoesNotDelayTheNextOne() throws Exception {
        try (Connector connector = paced("1")) {
            ActionCall listClients = new ActionCall("list_clients", TestContexts.token(ALICE), Optional.of("2001"),
                    Map.of());
            // The first call also builds the HTTP client; the second takes its turn just before the others queue.
            connector.invoke(listClients);
            connector.invoke(listClients);
            // Two calls queue for the next two turns (1 s and 2 s from now); the host then abandons them.
            List<Thread> abandoned = new ArrayList<>();
            List<Outcome> gaveUp = new java.util.concurrent.CopyOnWriteArrayList<>();
            for (int i = 0; i < 2; i++) {
                Thread thread = new Thread(() -> gaveUp.add(timed(() -> connector.invoke(listClients))));
                thread.start();
                abandoned.add(thread);
            }
            Thread.sleep(200);
            for (Thread thread : abandoned) {
                thread.interrupt();
                thread.join(CALL_TIMEOUT.toMillis());
            }

            Outcome next = timed(() -> connector.invoke(listClients));

            assertThat(gaveUp).hasSize(2).allSatisfy(o -> assertThat(o.failure()).isNotNull());
            assertThat(next.failure()).isNull();
            assertThat(next.took()).as("it takes the first abandoned turn").isLessThan(Duration.ofMillis(1500));
            assertThat(TOGGL.fake().requests("GET", "/api/v9/workspaces/2001/clients")).hasSize(3);
        }
    }

    @Test
    void aProxiedRequestTakesATurnAndTheNextOneWithinThePaceIsRefusedAtOnceWithTheWait() throws Exception {
        try (Connector connector = paced("0.5")) {
            ProxyTarget.Admission admission = connector.proxyTarget(TestContexts.token(ALICE)).admission();
            admission.admit();

            Outcome refused = timed(admission::admit);

            assertThat(refused.took()).as("the proxy's I/O thread never waits").isLessThan(Duration.ofMillis(200));
            assertThat(refused.failure()).isInstanceOfSatisfying(RateLimited.class, e -> {
                assertThat(e.code()).isEqualTo("client_rate_limited");
                assertThat(e.quotaExhausted()).isFalse();
                assertThat(e.retryAfter()).as("one turn is 2 s").isEqualTo(Duration.ofSeconds(2));
            });
            Thread.sleep(2_000);
            assertThat(timed(admission::admit).failure()).as("the turn has come").isNull();
            assertThat(TOGGL.fake().requests()).as("admission sends nothing").isEmpty();
        }
    }

    @Test
    void anActionRightAfterAProxiedRequestWaitsForItsTurnAndAProxiedRequestRightAfterAnActionIsRefused() {
        try (Connector connector = paced("1")) {
            ActionCall listClients = new ActionCall("list_clients", TestContexts.token(ALICE), Optional.of("2001"),
                    Map.of());
            ProxyTarget.Admission admission = connector.proxyTarget(TestContexts.token(ALICE)).admission();
            admission.admit();

            Outcome action = timed(() -> connector.invoke(listClients));

            assertThat(action.failure()).isNull();
            assertThat(action.took()).as("it waited for the turn after the proxied one").isGreaterThan(
                    Duration.ofMillis(900));
            assertThat(TOGGL.fake().requests("GET", "/api/v9/workspaces/2001/clients")).hasSize(1);
            assertThatThrownBy(admission::admit).as("the action took the turn")
                    .isInstanceOfSatisfying(RateLimited.class, e -> assertThat(e.retryAfter())
                            .isEqualTo(Duration.ofSeconds(1)));
        }
    }
}
