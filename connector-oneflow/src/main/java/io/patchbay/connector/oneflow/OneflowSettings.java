package io.patchbay.connector.oneflow;

import io.patchbay.spi.ConnectorSettings;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * Tuning read from the host's connector settings ({@code PATCHBAY_CONNECTOR_ONEFLOW_<KEY>}, see
 * {@link ConnectorSettings}: an unknown key is refused). Defaults suit production; tests shrink the delays.
 *
 * @param maxAttempts       attempts of an idempotent read, first try included ({@code retry_max_attempts})
 * @param retryDelay        first back-off delay ({@code retry_initial_delay_ms})
 * @param retryMaxDelay     largest back-off delay ({@code retry_max_delay_ms})
 * @param requestsPerWindow client-side budget per token and window ({@code rate_limit_requests}); Oneflow allows
 *                          2000 per 5 minutes
 * @param window            the budget's window ({@code rate_limit_window_seconds})
 * @param rateLimitWait     wait reported when Oneflow answers 429 without {@code Retry-After}, or when the client-side
 *                          budget is spent ({@code rate_limit_default_wait_seconds}); Oneflow documents no such header
 *                          and limits a token per 5-minute window, so the default is that window
 * @param maxDownloadBytes  largest file {@code download_contract_file} returns ({@code max_download_bytes})
 */
record OneflowSettings(int maxAttempts, Duration retryDelay, Duration retryMaxDelay, int requestsPerWindow,
                       Duration window, Duration rateLimitWait, long maxDownloadBytes) {

    static final OneflowSettings DEFAULTS = new OneflowSettings(3, Duration.ofMillis(500), Duration.ofSeconds(5),
            2000, Duration.ofMinutes(5), Duration.ofMinutes(5), 25L * 1024 * 1024);

    OneflowSettings {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("retry_max_attempts must be at least 1");
        }
        if (retryDelay.isNegative() || retryMaxDelay.compareTo(retryDelay) < 0) {
            throw new IllegalArgumentException("retry delays must be positive and retry_max_delay_ms >= retry_initial_delay_ms");
        }
        if (requestsPerWindow < 1 || window.isZero() || window.isNegative()) {
            throw new IllegalArgumentException("rate_limit_requests and rate_limit_window_seconds must be positive");
        }
        if (rateLimitWait.isNegative() || maxDownloadBytes < 1) {
            throw new IllegalArgumentException("rate_limit_default_wait_seconds and max_download_bytes must be positive");
        }
    }

    /**
     * Checks the delays against the host's call timeout, which bounds a read's attempts and back-off together: a
     * first delay that long leaves no time for a retry (and Failsafe refuses such a back-off with an unchecked
     * exception that names no setting).
     *
     * @throws IllegalArgumentException naming the setting
     */
    void requireFits(Duration callTimeout) {
        if (maxAttempts > 1 && retryDelay.compareTo(callTimeout) >= 0) {
            throw new IllegalArgumentException("retry_initial_delay_ms is " + retryDelay.toMillis() + " but must be "
                    + "shorter than the call timeout of " + callTimeout.toMillis() + " ms, which bounds a read's "
                    + "attempts and back-off together; lower it, or set retry_max_attempts to 1");
        }
    }

    static final Set<String> KEYS = Set.of("retry_max_attempts", "retry_initial_delay_ms", "retry_max_delay_ms",
            "rate_limit_requests", "rate_limit_window_seconds", "rate_limit_default_wait_seconds",
            "max_download_bytes");

    static OneflowSettings from(Map<String, String> raw) {
        ConnectorSettings settings = ConnectorSettings.read("oneflow", raw, KEYS);
        String number = "a whole number";
        return new OneflowSettings(
                settings.get("retry_max_attempts", Integer::parseInt, DEFAULTS.maxAttempts, number),
                settings.get("retry_initial_delay_ms", v -> Duration.ofMillis(Long.parseLong(v)), DEFAULTS.retryDelay,
                        number),
                settings.get("retry_max_delay_ms", v -> Duration.ofMillis(Long.parseLong(v)), DEFAULTS.retryMaxDelay,
                        number),
                settings.get("rate_limit_requests", Integer::parseInt, DEFAULTS.requestsPerWindow, number),
                settings.get("rate_limit_window_seconds", v -> Duration.ofSeconds(Long.parseLong(v)), DEFAULTS.window,
                        number),
                settings.get("rate_limit_default_wait_seconds", v -> Duration.ofSeconds(Long.parseLong(v)),
                        DEFAULTS.rateLimitWait, number),
                settings.get("max_download_bytes", Long::parseLong, DEFAULTS.maxDownloadBytes, number));
    }
}
