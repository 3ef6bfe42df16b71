package io.patchbay.connector.toggl;

import io.patchbay.spi.ConnectorSettings;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Tuning read from the host's connector settings ({@code PATCHBAY_CONNECTOR_TOGGL_<KEY>}, see
 * {@link ConnectorSettings}: an unknown key is refused). Defaults suit production; tests shrink the delays and lift
 * the pace.
 *
 * @param maxAttempts       attempts of an idempotent read, first try included ({@code retry_max_attempts})
 * @param retryDelay        first back-off delay ({@code retry_initial_delay_ms})
 * @param retryMaxDelay     largest back-off delay ({@code retry_max_delay_ms})
 * @param requestsPerSecond client-side pace per credentials ({@code requests_per_second}); Toggl's leaky bucket
 *                          allows about one request per second per token and IP
 * @param rateLimitWait     wait reported for a 429 without {@code Retry-After} ({@code rate_limit_default_wait_seconds});
 *                          Toggl documents no such header and asks clients to "back off for a few minutes": three
 * @param reportMaxPages    safety cap on Reports API pages followed by one search ({@code report_max_pages})
 * @param createdWith       the {@code created_with} Toggl requires on new time entries ({@code created_with})
 * @param newObjectDelay    first wait before sending again a request that Toggl refused with 403 because a project it
 *                          names may be too new for Toggl's permissions ({@code new_object_retry_delay_ms}); Toggl
 *                          advises waiting 2 to 5 s, up to three times, so later waits grow to 2.5 times this
 */
record TogglSettings(int maxAttempts, Duration retryDelay, Duration retryMaxDelay, double requestsPerSecond,
                     Duration rateLimitWait, int reportMaxPages, String createdWith, Duration newObjectDelay) {

    static final TogglSettings DEFAULTS = new TogglSettings(3, Duration.ofMillis(500), Duration.ofSeconds(5), 1.0,
            Duration.ofMinutes(3), 500, "Patchbay", Duration.ofSeconds(2));

    TogglSettings {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("retry_max_attempts must be at least 1");
        }
        if (retryDelay.isZero() || retryDelay.isNegative() || retryMaxDelay.compareTo(retryDelay) < 0) {
            throw new IllegalArgumentException(
                    "retry_initial_delay_ms must be positive and retry_max_delay_ms at least as large");
        }
        if (!(requestsPerSecond > 0)) {
            throw new IllegalArgumentException("requests_per_second must be positive");
        }
        if (rateLimitWait.isNegative() || reportMaxPages < 1) {
            throw new IllegalArgumentException("rate_limit_default_wait_seconds and report_max_pages must be positive");
        }
        if (createdWith.isBlank()) {
            throw new IllegalArgumentException("created_with must not be blank");
        }
        if (newObjectDelay.isZero() || newObjectDelay.isNegative()) {
            throw new IllegalArgumentException("new_object_retry_delay_ms must be positive");
        }
    }

    static final Set<String> KEYS = Set.of("retry_max_attempts", "retry_initial_delay_ms", "retry_max_delay_ms",
            "requests_per_second", "rate_limit_default_wait_seconds", "report_max_pages", "created_with",
            "new_object_retry_delay_ms");

    static TogglSettings from(Map<String, String> raw) {
        ConnectorSettings settings = ConnectorSettings.read("toggl", raw, KEYS);
        String number = "a number";
        return new TogglSettings(
                settings.get("retry_max_attempts", Integer::parseInt, DEFAULTS.maxAttempts, number),
                settings.get("retry_initial_delay_ms", v -> Duration.ofMillis(Long.parseLong(v)), DEFAULTS.retryDelay,
                        number),
                settings.get("retry_max_delay_ms", v -> Duration.ofMillis(Long.parseLong(v)), DEFAULTS.retryMaxDelay,
                        number),
                settings.get("requests_per_second", Double::parseDouble, DEFAULTS.requestsPerSecond, number),
                settings.get("rate_limit_default_wait_seconds", v -> Duration.ofSeconds(Long.parseLong(v)),
                        DEFAULTS.rateLimitWait, number),
                settings.get("report_max_pages", Integer::parseInt, DEFAULTS.reportMaxPages, number),
                settings.get("created_with", Function.identity(), DEFAULTS.createdWith, "text"),
                settings.get("new_object_retry_delay_ms", v -> Duration.ofMillis(Long.parseLong(v)),
                        DEFAULTS.newObjectDelay, number));
    }
}
