package io.patchbay.connector.support;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import retrofit2.Call;

/**
 * When one call to the provider must be over. The host's call timeout bounds the whole call, every attempt and
 * back-off of its retries included, not each attempt: each request gets only what is left.
 *
 * @param endNanos the {@link System#nanoTime()} at which the call must be over
 */
public record Deadline(long endNanos) {
    /** The deadline {@code timeout} from now. */
    public static Deadline after(Duration timeout) {
        return new Deadline(System.nanoTime() + Objects.requireNonNull(timeout, "timeout").toNanos());
    }

    /** Whether waiting {@code wait} would still leave time for a request after it. */
    public boolean leavesTimeAfter(Duration wait) {
        return endNanos - System.nanoTime() > wait.toNanos();
    }

    /** Gives {@code call} the time that is left; false when none is, and the request must not be sent. */
    public boolean bound(Call<?> call) {
        long left = endNanos - System.nanoTime();
        if (left <= 0) {
            return false;
        }
        call.timeout().timeout(left, TimeUnit.NANOSECONDS);
        return true;
    }
}
