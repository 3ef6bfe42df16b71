package io.patchbay.connector.oneflow;

import io.patchbay.spi.ConnectorContext;
import io.patchbay.spi.Credentials;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/** Contexts and credentials for tests: the fake's base URL, short timeouts, millisecond retry delays. */
final class TestContexts {
    static final Map<String, String> FAST_RETRIES = Map.of(
            "retry_max_attempts", "3", "retry_initial_delay_ms", "5", "retry_max_delay_ms", "20");

    private TestContexts() {
    }

    static ConnectorContext fast(URI baseUrl) {
        return ConnectorContext.defaults("oneflow").withBaseUrl(baseUrl)
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(5)).withSettings(FAST_RETRIES);
    }

    static Credentials credentials(String token, String email) {
        return new Credentials("api_token", Map.of("api_token", token, "user_email", email));
    }
}
