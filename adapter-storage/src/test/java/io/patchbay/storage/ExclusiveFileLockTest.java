package io.patchbay.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExclusiveFileLockTest {
    @TempDir
    Path dir;

    @Test
    void aWaiterGivesUpAfterItsTimeoutInsteadOfWaitingForEver() throws Exception {
        Path file = dir.resolve("keyset.json.lock");
        try (ExclusiveFileLock held = ExclusiveFileLock.tryAcquire(file).orElseThrow()) {
            long started = System.nanoTime();
            assertThatThrownBy(() -> ExclusiveFileLock.acquire(file, Duration.ofMillis(200)))
                    .isInstanceOf(IOException.class).hasMessageContaining("held the lock for 200 ms");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
        }
    }

    @Test
    void aWaiterGetsTheLockOnceItIsLetGo() throws Exception {
        Path file = dir.resolve("keyset.json.lock");
        ExclusiveFileLock held = ExclusiveFileLock.tryAcquire(file).orElseThrow();
        CompletableFuture<ExclusiveFileLock> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return ExclusiveFileLock.acquire(file, Duration.ofSeconds(10));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(100);
        assertThat(waiting).isNotDone();
        held.close();
        try (ExclusiveFileLock got = waiting.get(5, TimeUnit.SECONDS)) {
            assertThat(ExclusiveFileLock.tryAcquire(file)).as("now held by the waiter").isEmpty();
        }
    }
}
