package io.patchbay.server.ops;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.patchbay.core.catalog.ConnectorCallObserver;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Times every connector call (verifications, actions, proxy targets) as {@code patchbay_connector_calls_seconds}
 * by connector, operation and outcome: a provider that fails or slows shows per connector, not only as statuses.
 */
public final class ConnectorCallMetrics implements ConnectorCallObserver {
    static final String NAME = "patchbay.connector.calls";

    private final MeterRegistry meters;
    /** Meters are looked up by name and tags; keeping them spares the builder on every call. */
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    @Inject
    public ConnectorCallMetrics(MeterRegistry meters) {
        this.meters = Objects.requireNonNull(meters, "meters");
    }

    @Override
    public void observe(String connectorId, String operation, String outcome, Duration duration) {
        timers.computeIfAbsent(connectorId + ' ' + operation + ' ' + outcome, key -> Timer.builder(NAME)
                        .description("Connector calls (verifications, actions, proxy targets) by connector, "
                                + "operation and outcome")
                        .tag("connector", connectorId).tag("operation", operation).tag("outcome", outcome)
                        .register(meters))
                .record(duration);
    }
}
