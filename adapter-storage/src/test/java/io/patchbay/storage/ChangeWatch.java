package io.patchbay.storage;

import io.patchbay.core.account.AccountChanges;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Listens to a feed beside a cache, so a test can wait for what the cache has been told: a feed calls its listeners
 * in the order they subscribed, so once this one heard something, a cache subscribed before it did too.
 */
final class ChangeWatch implements AccountChanges.Listener {
    static final Duration PATIENCE = Duration.ofSeconds(10);

    private final List<String> changes = new ArrayList<>();
    private boolean live;

    static ChangeWatch on(AccountChanges feed) {
        ChangeWatch watch = new ChangeWatch();
        feed.subscribe(watch);
        return watch;
    }

    @Override
    public synchronized void changed(String tenantId, String accountId) {
        changes.add(tenantId + " " + accountId);
    }

    @Override
    public synchronized void lost() {
        live = false;
    }

    @Override
    public synchronized void live() {
        live = true;
    }

    ChangeWatch awaitLive() {
        await("the feed to be live", () -> isLive());
        return this;
    }

    void awaitLost() {
        await("the feed to be lost", () -> !isLive());
    }

    void awaitChange(String tenantId, String accountId) {
        await("a change of " + accountId, () -> heard(tenantId + " " + accountId));
    }

    private synchronized boolean isLive() {
        return live;
    }

    private synchronized boolean heard(String change) {
        return changes.contains(change);
    }

    /** Polls, with no claim on how fast: only that it happens within {@link #PATIENCE}. */
    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("waited " + PATIENCE.toSeconds() + " s for " + what);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what, e);
            }
        }
    }
}
