package io.patchbay.connector.oneflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patchbay.spi.Connector;
import io.patchbay.spi.ConnectorContext;
import io.patchbay.spi.ProviderUnavailable;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The host's call timeout bounds a whole connector call, all its requests together, not each request. */
class CallDeadlineTest extends FakeServerTest {
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(2);

    @Test
    void aVerifyWhoseRequestsTogetherOutlastTheCallTimeoutEndsAtItWithProviderTimeout() {
        ConnectorContext context = TestContexts.fast(fake.baseUrl()).withTimeouts(Duration.ofSeconds(1), CALL_TIMEOUT);
        // Each of the first two requests (ping, then the account) fits the timeout; both together do not.
        fake.delayNext(Duration.ofMillis(1200), 2);
        long start = System.nanoTime();
        try (Connector slow = new OneflowConnectorFactory().create(context)) {
            assertThatThrownBy(() -> slow.verify(ADMIN)).isInstanceOfSatisfying(ProviderUnavailable.class,
                    e -> assertThat(e.code()).isEqualTo(ProviderUnavailable.TIMEOUT));
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(CALL_TIMEOUT.plusMillis(500));
    }
}
