package io.patchbay.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writes of this process queued behind another program's SQLite write lock share one busy timeout. */
class SqliteWriteLockTest {
    private static final int WRITES = 3;

    @TempDir
    Path dir;

    @Test
    void queuedWritesGiveUpTogetherWhenAnotherProgramHoldsTheWriteLockPastTheBusyTimeout() throws Exception {
        ExecutorService writers = Executors.newFixedThreadPool(WRITES);
        try (PatchbayStorage storage = PatchbayStorage.open(TestStorage.sqlite(dir))) {
            List<Future<Object>> writes = new ArrayList<>();
            try (Connection other = DriverManager.getConnection(StorageConfig.SQLITE_PREFIX
                    + dir.resolve("patchbay.db")); Statement statement = other.createStatement()) {
                statement.execute("BEGIN EXCLUSIVE");
                for (int i = 0; i < WRITES; i++) {
                    writes.add(writers.submit(() -> storage.database().write(h -> h.execute(
                            "DELETE FROM audit_event WHERE 0"))));
                }
                while (writes.stream().noneMatch(Future::isDone)) {
                    Thread.sleep(50);
                }
                // Still held a while after the first gave up: a write that waited its turn and then the whole busy
                // timeout again would get the lock once it is released, and succeed.
                Thread.sleep(3_000);
                statement.execute("COMMIT");
            }

            for (Future<Object> write : writes) {
                assertThat(write).failsWithin(java.time.Duration.ofMinutes(1))
                        .withThrowableOfType(ExecutionException.class)
                        .havingCause().isInstanceOfSatisfying(StorageException.class,
                                e -> assertThat(e.busy()).isTrue())
                        .withMessageStartingWith("The database is busy: ");
            }
            int deleted = storage.database().write(h -> h.execute("DELETE FROM audit_event WHERE 0"));
            assertThat(deleted).as("writes go through once the lock is released").isZero();
        } finally {
            writers.shutdownNow();
        }
    }
}
