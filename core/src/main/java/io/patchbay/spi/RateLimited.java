package io.patchbay.spi;

import java.time.Duration;
import java.util.Objects;

/**
 * The provider asked us to slow down. {@link #quotaExhausted()} distinguishes a spent quota (e.g. Toggl's 402 with
 * {@code X-Toggl-Quota-Resets-In}), which lasts until the window resets, from a short burst limit (429).
 */
public final class RateLimited extends ConnectorException {
    private final Duration retryAfter;
    private final boolean quotaExhausted;

    public RateLimited(String code, String message, Duration retryAfter, boolean quotaExhausted) {
        super(code, message, null);
        this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
        this.quotaExhausted = quotaExhausted;
    }

    public Duration retryAfter() {
        return retryAfter;
    }

    public boolean quotaExhausted() {
        return quotaExhausted;
    }
}
