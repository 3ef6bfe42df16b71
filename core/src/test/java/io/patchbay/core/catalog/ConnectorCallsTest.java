package io.patchbay.core.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.IThrowableProxy;
import io.patchbay.core.LoggedEvents;
import io.patchbay.core.error.ConnectorFaultException;
import io.patchbay.spi.ActionCall;
import io.patchbay.spi.ActionDefinition;
import io.patchbay.spi.ActionResult;
import io.patchbay.spi.Connector;
import io.patchbay.spi.ConnectorInfo;
import io.patchbay.spi.CredentialSpec;
import io.patchbay.spi.Credentials;
import io.patchbay.spi.ProviderUnavailable;
import io.patchbay.spi.ProxyTarget;
import io.patchbay.spi.Verification;
import java.net.URI;
import java.util.List;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ConnectorCallsTest {
    private final CountDownLatch never = new CountDownLatch(1);
    private final CountDownLatch started = new CountDownLatch(1);

    /** A connector in I/O that no interrupt breaks: it returns only when released. */
    private String stuck(CountDownLatch release) {
        while (true) {
            try {
                if (release.await(1, TimeUnit.DAYS)) {
                    return "released";
                }
            } catch (InterruptedException ignored) {
                // ignores the interrupt, as blocking socket I/O without a timeout does
            }
        }
    }

    private String interruptible() {
        started.countDown();
        try {
            never.await();
            return "never";
        } catch (InterruptedException e) {
            throw new ProviderUnavailable("interrupted", e);
        }
    }

    @Test
    void aCallAbandonedAtItsDeadlineGivesItsSlotBackEvenIfItsConnectorKeepsTheThread() {
        CountDownLatch release = new CountDownLatch(1);
        try (ConnectorCalls calls = new ConnectorCalls(Duration.ofMillis(300), 1)) {
            assertThatThrownBy(() -> calls.call("stuck", "verify", () -> stuck(release)))
                    .isInstanceOfSatisfying(ProviderUnavailable.class,
                            e -> assertThat(e.code()).isEqualTo(ProviderUnavailable.TIMEOUT))
                    .hasMessageContaining("Connector 'stuck' did not finish verify");

            assertThat(calls.call("quick", "verify", () -> "answered")).isEqualTo("answered");
        } finally {
            release.countDown();
        }
    }

    @Test
    void closingRefusesTheCallsWaitingForASlotAtOnceAndInterruptsTheRunningOnes() throws Exception {
        ConnectorCalls calls = new ConnectorCalls(Duration.ofSeconds(30), 1);
        CompletableFuture<Object> running = outcome(() -> calls.call("slow", "verify", this::interruptible));
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Object> waiting = outcome(() -> calls.call("queued", "verify", () -> "ran"));
        Thread.sleep(100);

        long closing = System.nanoTime();
        calls.close();

        assertThat(waiting.get(5, TimeUnit.SECONDS)).isInstanceOfSatisfying(IllegalStateException.class,
                e -> assertThat(e).hasMessageContaining("hub is closed").hasMessageContaining("'queued'"));
        assertThat(running.get(5, TimeUnit.SECONDS)).isInstanceOfSatisfying(IllegalStateException.class,
                e -> assertThat(e).hasMessageContaining("hub is closed"));
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - closing))
                .as("not the 30 s call timeout").isLessThan(5);
        assertThatThrownBy(() -> calls.call("later", "verify", () -> "ran"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("hub is closed");
    }

    @Test
    void aCallerInterruptedWhileWaitingGivesUpWithoutBlamingTheProvider() throws Exception {
        try (ConnectorCalls calls = new ConnectorCalls(Duration.ofSeconds(30), 2)) {
            CompletableFuture<Object> interrupted = new CompletableFuture<>();
            Thread caller = new Thread(() -> {
                try {
                    calls.call("slow", "verify", this::interruptible);
                    interrupted.complete("returned");
                } catch (RuntimeException e) {
                    interrupted.complete(e.getClass().getSimpleName() + " interrupted=" + Thread.currentThread()
                            .isInterrupted() + " " + e.getMessage());
                }
            });
            caller.start();
            assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
            caller.interrupt();

            assertThat((String) interrupted.get(5, TimeUnit.SECONDS))
                    .startsWith(CancellationException.class.getSimpleName() + " interrupted=true")
                    .contains("nothing was learned of the provider");
        }
    }

    @Test
    void noResultOrAFailureOutsideTheSpiIsTheConnectorsFaultNamedAndLoggedOnceWithoutTheCallsSecrets() {
        String token = "s3cr3t-token-0123456789";
        Connector acme = named("acme");
        try (ConnectorCalls calls = new ConnectorCalls(Duration.ofSeconds(5), 2);
             LoggedEvents events = LoggedEvents.of(ConnectorCalls.class)) {
            assertThatThrownBy(() -> calls.call(acme, List.of(token), "verify", () -> null))
                    .isInstanceOfSatisfying(ConnectorFaultException.class, e -> {
                        assertThat(e.code()).isEqualTo("connector_failed");
                        assertThat(e.connectorId()).isEqualTo("acme");
                        assertThat(e.getMessage()).startsWith("Connector 'acme' returned no result from verify;");
                    });
            assertThatThrownBy(() -> calls.call(acme, List.of(token), "action:list_tags", () -> {
                throw new IllegalStateException("refused " + token);
            })).isInstanceOfSatisfying(ConnectorFaultException.class, e -> assertThat(e.getMessage())
                    .startsWith("Connector 'acme' failed in action 'list_tags': IllegalStateException;")
                    .doesNotContain(token));
            ProviderUnavailable down = new ProviderUnavailable("down", null);
            assertThatThrownBy(() -> calls.call(acme, List.of(token), "proxy_target", () -> {
                throw down;
            })).as("the SPI's failures pass unchanged").isSameAs(down);

            assertThat(events.list()).hasSize(2).allSatisfy(e -> assertThat(e.getLevel()).isEqualTo(Level.ERROR));
            assertThat(events.list().get(0).getFormattedMessage())
                    .isEqualTo("Connector 'acme' returned no result from verify; the connector is faulty");
            IThrowableProxy logged = events.list().get(1).getThrowableProxy();
            assertThat(logged.getMessage()).as("the stack trace's message, masked")
                    .isEqualTo("java.lang.IllegalStateException: refused [REDACTED]");
            assertThat(logged.getStackTraceElementProxyArray()).as("where the connector failed").isNotEmpty();
        }
    }

    private static Connector named(String id) {
        ConnectorInfo info = new ConnectorInfo(id, id, "test", "1.0.0", URI.create("https://example.invalid"));
        return new Connector() {
            public ConnectorInfo info() {
                return info;
            }

            public CredentialSpec credentialSpec() {
                throw new UnsupportedOperationException();
            }

            public Verification verify(Credentials credentials) {
                throw new UnsupportedOperationException();
            }

            public List<ActionDefinition> actions() {
                return List.of();
            }

            public ActionResult invoke(ActionCall call) {
                throw new UnsupportedOperationException();
            }

            public ProxyTarget proxyTarget(Credentials credentials) {
                throw new UnsupportedOperationException();
            }

            public URI baseUrl() {
                return info.homepage();
            }
        };
    }

    private static CompletableFuture<Object> outcome(java.util.function.Supplier<Object> call) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return call.get();
            } catch (RuntimeException e) {
                return e;
            }
        });
    }
}
