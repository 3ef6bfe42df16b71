package io.patchbay.core.catalog;

import java.time.Duration;

/**
 * Told of every connector call once it ended, for a host that counts them (the server exports them as
 * {@code patchbay_connector_calls_seconds}). Every argument is one of few values, fit to label a metric: never an
 * id, a path or other input of a user. Called on the caller's thread; it must be quick and must not throw (what
 * it throws is logged and dropped).
 */
@FunctionalInterface
public interface ConnectorCallObserver {
    /** Observes nothing: the default. */
    ConnectorCallObserver NONE = (connectorId, operation, outcome, duration) -> { };

    /**
     * @param connectorId the connector's id
     * @param operation   what it was asked: {@code verify}, {@code proxy_target}, {@code proxy_request}, or
     *                    {@code action:<name>} for an action the connector declares
     * @param outcome     {@code ok} or how it failed: {@link Outcome}
     * @param duration    from the call's start to its end, waiting for a free slot included
     */
    void observe(String connectorId, String operation, String outcome, Duration duration);

    /** The outcomes of a connector call. */
    final class Outcome {
        public static final String OK = "ok";
        /** The host's deadline passed, or the connector reported a provider timeout. */
        public static final String TIMEOUT = "timeout";
        /** Any other {@link io.patchbay.spi.ProviderUnavailable}: unreachable, 5xx, an unreadable answer. */
        public static final String PROVIDER_UNAVAILABLE = "provider_unavailable";
        public static final String RATE_LIMITED = "rate_limited";
        public static final String INVALID_CREDENTIALS = "invalid_credentials";
        public static final String INSUFFICIENT_PERMISSIONS = "insufficient_permissions";
        /** The provider refused the request otherwise ({@link io.patchbay.spi.ProviderRejected}). */
        public static final String REJECTED = "rejected";
        /** The connector refused the input itself ({@link io.patchbay.spi.InputRejected}, a credential format). */
        public static final String INPUT_REJECTED = "input_rejected";
        /** The caller gave up (interrupted) or the hub closed: nothing was learned of the provider. */
        public static final String CANCELLED = "cancelled";
        /** Anything else the connector threw: a fault in the connector. */
        public static final String UNEXPECTED = "unexpected";

        private Outcome() {
        }
    }
}
