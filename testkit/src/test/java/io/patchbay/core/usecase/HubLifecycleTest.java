package io.patchbay.core.usecase;

import static io.patchbay.core.usecase.UseCaseFixture.SOLO_TOKEN;
import static io.patchbay.core.usecase.UseCaseFixture.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.patchbay.core.Hub;
import io.patchbay.core.HubClosedException;
import io.patchbay.core.account.AccountQuery;
import io.patchbay.core.account.AccountStatus;
import io.patchbay.core.account.LinkedAccount;
import io.patchbay.core.proxy.ProxyRequest;
import io.patchbay.core.account.Viewer;
import io.patchbay.core.account.Visibility;
import io.patchbay.spi.ProviderUnavailable;
import io.patchbay.spi.Verification;
import io.patchbay.testkit.memory.InMemoryAuditLog;
import io.patchbay.testkit.memory.InMemoryLinkedAccountStore;
import io.patchbay.testkit.memory.TestCipher;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The hub's own deadline on connector calls, and what a closed hub answers. */
class HubLifecycleTest {
    private final ScriptedConnector connector = new ScriptedConnector();
    private final InMemoryLinkedAccountStore store = new InMemoryLinkedAccountStore();
    /** What the hub's call observer was told: connector, operation and outcome of each call. */
    private final List<String> observed = new CopyOnWriteArrayList<>();
    private final Hub hub = Hub.builder().connector(connector).store(store).cipher(new TestCipher())
            .auditLog(new InMemoryAuditLog()).callTimeout(Duration.ofMillis(300))
            .callObserver((connectorId, operation, outcome, duration) -> observed.add(connectorId + " " + operation
                    + " " + outcome + (duration.toMillis() >= 300 ? " late" : "")))
            .build();
    private final Viewer alice = Viewer.endUser(UseCaseFixture.TENANT, "alice", null);
    /** Counted down when a hanging connector call is interrupted. */
    private final CountDownLatch interrupted = new CountDownLatch(1);

    @AfterEach
    void close() {
        hub.close();
    }

    @Test
    void aConnectorThatIgnoresItsTimeoutIsCutOffAndInterruptedWhenLinking() throws InterruptedException {
        connector.answer(SOLO_TOKEN, () -> hang());

        assertThatThrownBy(() -> hub.links().link(alice, request(SOLO_TOKEN, null, "alice", null, Visibility.PRIVATE)))
                .isInstanceOfSatisfying(ProviderUnavailable.class, e -> {
                    assertThat(e.code()).isEqualTo(ProviderUnavailable.TIMEOUT);
                    assertThat(e.getMessage()).contains("'scripted'").contains("verify").contains("300 ms");
                });
        assertThat(interrupted.await(10, TimeUnit.SECONDS)).as("the connector's thread is interrupted").isTrue();
        assertThat(store.list(AccountQuery.all(Viewer.tenantWide(UseCaseFixture.TENANT), 10)).items()).isEmpty();
    }

    @Test
    void aHangingActionIsCutOffAndAHangingReverificationLeavesTheAccountUnverified() throws InterruptedException {
        connector.answer(SOLO_TOKEN, () -> UseCaseFixture.verification("u-solo"));
        LinkedAccount account = hub.links().link(alice, request(SOLO_TOKEN, null, "alice", null, Visibility.PRIVATE))
                .account();
        connector.beforeInvoke = this::hang;

        assertThatThrownBy(() -> hub.actions().invoke(alice, account.id(), "whoami", Map.of()))
                .isInstanceOfSatisfying(ProviderUnavailable.class, e -> {
                    assertThat(e.timedOut()).isTrue();
                    assertThat(e.getMessage()).contains("'scripted'").contains("action:whoami");
                });
        assertThat(interrupted.await(10, TimeUnit.SECONDS)).isTrue();

        connector.answer(SOLO_TOKEN, () -> hang());
        assertThatThrownBy(() -> hub.links().reverify(alice, account.id()))
                .isInstanceOfSatisfying(ProviderUnavailable.class, e -> assertThat(e.timedOut()).isTrue());
        LinkedAccount after = hub.accounts().get(alice, account.id());
        assertThat(after.status()).isEqualTo(AccountStatus.UNVERIFIED);
        assertThat(after.statusReason()).hasValueSatisfying(r -> assertThat(r).startsWith("provider_timeout"));
        assertThat(observed).as("the embedder's observer is told of each call and how it ended").containsExactly(
                "scripted verify ok", "scripted action:whoami timeout late", "scripted verify timeout late");
    }

    @Test
    void aConnectorThatHangsWhenAskedForItsProxyTargetIsCutOffAndInterrupted() throws InterruptedException {
        connector.answer(SOLO_TOKEN, () -> UseCaseFixture.verification("u-solo"));
        LinkedAccount account = hub.links().link(alice, request(SOLO_TOKEN, null, "alice", null, Visibility.PRIVATE))
                .account();
        connector.beforeProxyTarget = this::hang;

        // Bounded here too: without the hub's deadline the call would wait for ever.
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThatThrownBy(() -> hub.proxy().send(alice,
                account.id(), ProxyRequest.of("GET", "me")))
                .isInstanceOfSatisfying(ProviderUnavailable.class, e -> {
                    assertThat(e.timedOut()).isTrue();
                    assertThat(e.getMessage()).contains("'scripted'").contains("proxy_target").contains("300 ms");
                }));
        assertThat(interrupted.await(10, TimeUnit.SECONDS)).as("the connector's thread is interrupted").isTrue();
    }

    @Test
    void whatAConnectorThrowsReachesTheCallerUnchanged() {
        connector.answer(SOLO_TOKEN, () -> {
            throw new ProviderUnavailable("Provider said 503", null);
        });
        assertThatThrownBy(() -> hub.links().check(ScriptedConnector.ID, UseCaseFixture.token(SOLO_TOKEN)))
                .isInstanceOfSatisfying(ProviderUnavailable.class, e -> {
                    assertThat(e.code()).isEqualTo("provider_unavailable");
                    assertThat(e.getMessage()).isEqualTo("Provider said 503");
                });
    }

    @Test
    void aClosedHubRefusesInsteadOfAnsweringFromMemory() {
        connector.answer(SOLO_TOKEN, () -> UseCaseFixture.verification("u-solo"));
        LinkedAccount account = hub.links().link(alice, request(SOLO_TOKEN, null, "alice", null, Visibility.PRIVATE))
                .account();
        hub.accounts().get(alice, account.id());
        assertThat(hub.vault().cachedVisible(alice, account.id())).as("kept in memory").isPresent();

        hub.close();

        assertThatThrownBy(() -> hub.vault().cachedVisible(alice, account.id()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("hub is closed");
        assertThatThrownBy(() -> hub.accounts().get(alice, account.id()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("hub is closed");
        assertThatThrownBy(() -> hub.links().check(ScriptedConnector.ID, UseCaseFixture.token(SOLO_TOKEN)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("hub is closed");
        assertThatThrownBy(() -> hub.proxy().send(alice, account.id(), ProxyRequest.of("GET", "me")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("hub is closed");
    }

    @Test
    void closingTheHubAnswersACallerWhoseActionIsStuckInIoThatIgnoresInterruptsAtOnce() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        try (Hub slow = hubWith(Duration.ofSeconds(10), 4)) {
            LinkedAccount account = linkSolo(slow);
            connector.beforeInvoke = () -> {
                started.countDown();
                ignoreInterruptsUntil(release);
            };
            CompletableFuture<Object> caller = outcome(() -> slow.actions().invoke(alice, account.id(), "whoami",
                    Map.of()));
            assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();

            long closing = System.nanoTime();
            slow.close();

            // Not the 10 s call timeout, and not a provider timeout: the hub closed under the call.
            assertThat(caller.get(5, TimeUnit.SECONDS)).isInstanceOfSatisfying(HubClosedException.class,
                    e -> assertThat(e).hasMessageContaining("hub is closed").hasMessageContaining("'scripted'"));
            assertThat(Duration.ofNanos(System.nanoTime() - closing)).isLessThan(Duration.ofSeconds(2));
        } finally {
            release.countDown();
        }
    }

    @Test
    void aProxyRequestWaitingForASlotAndThenForItsProviderEndsWithinOneCallTimeout() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        // A provider that takes the connection and never answers.
        try (Hub oneSlot = hubWith(Duration.ofSeconds(2), 1);
             ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            LinkedAccount account = linkSolo(oneSlot);
            connector.proxyBase = URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/api");
            connector.beforeInvoke = () -> {
                started.countDown();
                hang();
            };
            // A slow action holds the only slot until its deadline.
            CompletableFuture<Object> action = outcome(() -> oneSlot.actions().invoke(alice, account.id(), "whoami",
                    Map.of()));
            assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
            Thread.sleep(500); // the send then waits 1.5 s for the slot, leaving 0.5 s of its 2 s for the provider

            long sending = System.nanoTime();
            assertThatThrownBy(() -> oneSlot.proxy().send(alice, account.id(), ProxyRequest.of("GET", "me")))
                    .isInstanceOfSatisfying(ProviderUnavailable.class, e -> {
                        assertThat(e.timedOut()).isTrue();
                        assertThat(e.getMessage()).contains("'scripted'").contains("2000 ms");
                    });
            // Asking for the target and the exchange share the one deadline: not 2 s each.
            assertThat(Duration.ofNanos(System.nanoTime() - sending)).isLessThan(Duration.ofMillis(2800));
            assertThat(action.get(5, TimeUnit.SECONDS)).isInstanceOf(ProviderUnavailable.class);
        }
    }

    @Test
    void aClosedHubLetsItsProxysHttpClientThreadsEndEvenWhileTheHubIsStillReferenced() throws Exception {
        Hub closing = hubWith(Duration.ofSeconds(10), 4);
        LinkedAccount account = linkSolo(closing);
        try (ServerSocket gone = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            connector.proxyBase = URI.create("http://127.0.0.1:" + gone.getLocalPort() + "/api");
        }
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        // The first request starts the HTTP client; nothing listens at the provider's port, which is quick.
        assertThatThrownBy(() -> closing.proxy().send(alice, account.id(), ProxyRequest.of("GET", "me")))
                .isInstanceOfSatisfying(ProviderUnavailable.class,
                        e -> assertThat(e.code()).isEqualTo(ProviderUnavailable.UNREACHABLE));
        Set<Thread> started = new HashSet<>(Thread.getAllStackTraces().keySet());
        started.removeAll(before);
        assertThat(started).as("the HTTP client's selector").anyMatch(t -> t.getName().contains("SelectorManager"));

        closing.close(); // the test still holds the hub, as an embedder's field would

        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (started.stream().anyMatch(Thread::isAlive) && System.nanoTime() < until) {
            System.gc(); // the JDK's selector thread ends once its client is no longer referenced
            Thread.sleep(200);
        }
        assertThat(started.stream().filter(Thread::isAlive).map(Thread::getName))
                .as("threads the proxy started, still alive after close").isEmpty();
        assertThatThrownBy(() -> closing.proxy().send(alice, account.id(), ProxyRequest.of("GET", "me")))
                .isInstanceOf(HubClosedException.class);
    }

    private Hub hubWith(Duration callTimeout, int callThreads) {
        return Hub.builder().connector(connector).store(store).cipher(new TestCipher())
                .auditLog(new InMemoryAuditLog()).callTimeout(callTimeout).callThreads(callThreads).build();
    }

    private LinkedAccount linkSolo(Hub on) {
        connector.answer(SOLO_TOKEN, () -> UseCaseFixture.verification("u-solo"));
        return on.links().link(alice, request(SOLO_TOKEN, null, "alice", null, Visibility.PRIVATE)).account();
    }

    /** A connector blocked in I/O that no interrupt breaks (OkHttp in a socket read): it returns only when released. */
    private static void ignoreInterruptsUntil(CountDownLatch release) {
        while (true) {
            try {
                if (release.await(1, TimeUnit.DAYS)) {
                    return;
                }
            } catch (InterruptedException ignored) {
                // ignored, as a blocking socket read does
            }
        }
    }

    private static CompletableFuture<Object> outcome(Supplier<Object> call) {
        CompletableFuture<Object> result = new CompletableFuture<>();
        Thread caller = new Thread(() -> {
            try {
                result.complete(call.get());
            } catch (RuntimeException e) {
                result.complete(e);
            }
        });
        caller.setDaemon(true);
        caller.start();
        return result;
    }

    /** Waits until interrupted, as a connector stuck on a provider that never answers. */
    private Verification hang() {
        try {
            new CountDownLatch(1).await();
        } catch (InterruptedException e) {
            interrupted.countDown();
            throw new ProviderUnavailable("interrupted", e);
        }
        throw new AssertionError("unreachable");
    }
}
