package io.patchbay.connector.oneflow;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A client-side budget of {@code limit} requests per key (a token's fingerprint) in any {@code window}, counted over a
 * sliding window. Oneflow allows 2000 requests "within a 5-minute window"; a limiter that starts afresh every fixed
 * period would let a full budget through at the end of one period and another at the start of the next, twice the
 * limit within five minutes. Here a request goes through only when fewer than {@code limit} went through in the
 * window that ends now, wherever it starts.
 *
 * <p>Requests are counted in {@link #SLOTS} slots of about {@code window / SLOTS} each (a few hundred bytes a key,
 * not a timestamp per request); every slot that overlaps the last window counts whole, so a request counts up to one
 * slot longer than the window: the budget errs on the side of waiting, never of a 429. Time comes from the given
 * clock (the connector context's), so the budget can be tested without waiting.
 */
final class RequestBudget {
    static final int SLOTS = 60;

    private final int limit;
    private final long windowMillis;
    private final long slotMillis;
    private final Clock clock;
    private final Map<String, Window> windows;

    RequestBudget(int limit, Duration window, Clock clock, int maxKeys) {
        if (limit < 1 || window.toMillis() < 1 || maxKeys < 1) {
            throw new IllegalArgumentException("limit, window and maxKeys must be positive");
        }
        this.limit = limit;
        this.windowMillis = window.toMillis();
        this.slotMillis = Math.max(1, (windowMillis + SLOTS - 1) / SLOTS);
        this.clock = Objects.requireNonNull(clock, "clock");
        // The least recently used key goes first when there are too many: its budget then starts afresh.
        this.windows = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Window> eldest) {
                return size() > maxKeys;
            }
        };
    }

    /** Counts a request for {@code key} and returns true, or returns false (counting nothing) when it is spent. */
    boolean tryAcquire(String key) {
        Objects.requireNonNull(key, "key");
        Window window;
        synchronized (windows) {
            window = windows.computeIfAbsent(key, k -> new Window());
        }
        long now = clock.millis();
        return window.tryAcquire(Math.floorDiv(now, slotMillis), Math.floorDiv(now - windowMillis, slotMillis), limit);
    }

    /**
     * A ring of slots: each holds the number of the absolute slot it counts and its count. The window that ends now
     * spans at most {@code SLOTS + 1} slots ({@code slotMillis >= windowMillis / SLOTS}), so the ring holds them all.
     */
    private static final class Window {
        private final long[] slot = new long[SLOTS + 1];
        private final int[] count = new int[SLOTS + 1];

        Window() {
            java.util.Arrays.fill(slot, Long.MIN_VALUE);
        }

        synchronized boolean tryAcquire(long current, long first, int limit) {
            int used = 0;
            for (int i = 0; i < slot.length; i++) {
                // A slot later than now (the clock stepped back) still counts: stepping back frees no budget.
                if (slot[i] >= first) {
                    used += count[i];
                }
            }
            if (used >= limit) {
                return false;
            }
            int at = (int) Math.floorMod(current, (long) slot.length);
            if (slot[at] != current) {
                slot[at] = current;
                count[at] = 0;
            }
            count[at]++;
            return true;
        }
    }
}
