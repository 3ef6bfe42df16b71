package io.patchbay.core.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patchbay.spi.ProviderUnavailable;
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
