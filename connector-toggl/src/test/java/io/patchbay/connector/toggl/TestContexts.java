package io.patchbay.connector.toggl;

import io.patchbay.connector.toggl.fake.FakeToggl;
import io.patchbay.spi.ConnectorContext;
import io.patchbay.spi.Credentials;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** Connector contexts for tests: the fake's URL, short timeouts, millisecond back-off and no client pacing. */
final class TestContexts {
    static final Map<String, String> FAST = Map.of(
            "retry_initial_delay_ms", "5",
            "retry_max_delay_ms", "20",
            "requests_per_second", "10000",
            "new_object_retry_delay_ms", "5");

    private TestContexts() {
    }

    static ConnectorContext fast(URI baseUrl) {
        return with(baseUrl, Map.of());
    }

    static ConnectorContext with(URI baseUrl, Map<String, String> settings) {
        Map<String, String> merged = new HashMap<>(FAST);
        merged.putAll(settings);
        return ConnectorContext.defaults("toggl").withBaseUrl(baseUrl)
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(3))
                .withSettings(merged);
    }

    static ConnectorContext withLogger(ConnectorContext context, System.Logger logger) {
        return new ConnectorContext(context.baseUrlOverride(), context.clock(), logger, context.connectTimeout(),
                context.callTimeout(), context.settings());
    }

    static Credentials token(String token) {
        return new Credentials("api_token", Map.of("api_token", token));
    }

    static Credentials token(FakeToggl.User user) {
        return token(user.apiToken());
    }

    static Credentials password(String email, String password) {
        return new Credentials("email_password", Map.of("email", email, "password", password));
    }
}
