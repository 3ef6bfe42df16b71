package io.patchbay.connector.oneflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

/** The sliding-window budget on a clock the test moves: no five minutes, wherever they start, hold more than it. */
class RequestBudgetTest {
    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    /** A clock that stands still until the test moves it. */
    static final class MovableClock extends Clock {
        private volatile Instant now;

        MovableClock(Instant start) {
            this.now = start;
        }

        void set(Duration sinceStart) {
            now = START.plus(sinceStart);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private static int acquired(RequestBudget budget, String key, int tries) {
        int granted = 0;
        for (int i = 0; i < tries; i++) {
            granted += budget.tryAcquire(key) ? 1 : 0;
        }
        return granted;
    }

    @Test
    void aFullBudgetAtTheEndOfOneWindowLeavesNothingAtTheStartOfTheNext() {
        MovableClock clock = new MovableClock(START);
        RequestBudget budget = new RequestBudget(2000, Duration.ofMinutes(5), clock, 10);
        assertThat(acquired(budget, "t", 1)).isEqualTo(1);

        clock.set(Duration.ofSeconds(299));
        assertThat(acquired(budget, "t", 2000)).isEqualTo(1999);
        // A limiter that starts afresh every five minutes would grant 2000 more here: 3999 within two seconds.
        clock.set(Duration.ofSeconds(301));
        assertThat(acquired(budget, "t", 2000)).isZero();
        // The request at 0 s leaves once its slot (5 s here) is wholly out of the window: at most a slot late.
        clock.set(Duration.ofSeconds(306));
        assertThat(acquired(budget, "t", 2000)).isEqualTo(1);
        clock.set(Duration.ofSeconds(598));
        assertThat(acquired(budget, "t", 10)).as("the burst at 299 s still counts").isZero();
        clock.set(Duration.ofSeconds(606));
        assertThat(acquired(budget, "t", 2000)).as("the burst at 299 s has left the window").isEqualTo(1999);
    }

    @Test
    void noWindowOfFiveMinutesEverHoldsMoreThanTheLimit() {
        MovableClock clock = new MovableClock(START);
        RequestBudget budget = new RequestBudget(50, Duration.ofMinutes(5), clock, 10);
        int[] grantedAt = new int[1800];
        // One attempt every second for half an hour, five at once on every 37th second.
        for (int second = 0; second < grantedAt.length; second++) {
            clock.set(Duration.ofSeconds(second));
            grantedAt[second] = acquired(budget, "t", second % 37 == 0 ? 5 : 1);
        }
        int total = 0;
        for (int end = 0; end < grantedAt.length; end++) {
            int inWindow = 0;
            for (int s = Math.max(0, end - 299); s <= end; s++) {
                inWindow += grantedAt[s];
            }
            assertThat(inWindow).as("granted in the 300 s ending at %d s", end).isLessThanOrEqualTo(50);
            total += grantedAt[end];
        }
        assertThat(total).as("the budget is used, not merely refused").isGreaterThan(250);
    }

    @Test
    void everyKeyHasItsOwnBudgetAndAClockSteppingBackFreesNone() {
        MovableClock clock = new MovableClock(START);
        RequestBudget budget = new RequestBudget(3, Duration.ofSeconds(60), clock, 10);
        clock.set(Duration.ofSeconds(100));
        assertThat(acquired(budget, "a", 5)).isEqualTo(3);
        assertThat(acquired(budget, "b", 5)).isEqualTo(3);

        clock.set(Duration.ofSeconds(10));
        assertThat(acquired(budget, "a", 5)).isZero();
    }
}
