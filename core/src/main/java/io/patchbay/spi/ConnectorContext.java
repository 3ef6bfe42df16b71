package io.patchbay.spi;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * What the host gives a connector: an optional base-URL override (tests, proxies, regional hosts), a clock, a
 * logger, timeouts and free-form settings ({@code PATCHBAY_CONNECTOR_<ID>_<KEY>}).
 *
 * <p>{@code callTimeout} bounds a whole provider call, every attempt and back-off of its retries included; a
 * connector that runs out of it reports {@link ProviderUnavailable#TIMEOUT}.
 */
public record ConnectorContext(
        Optional<URI> baseUrlOverride,
        Clock clock,
        System.Logger logger,
        Duration connectTimeout,
        Duration callTimeout,
        Map<String, String> settings) {

    public ConnectorContext {
        Objects.requireNonNull(baseUrlOverride, "baseUrlOverride");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(logger, "logger");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(callTimeout, "callTimeout");
        settings = Map.copyOf(settings);
        if (connectTimeout.isZero() || connectTimeout.isNegative() || callTimeout.isZero() || callTimeout.isNegative()) {
            throw new IllegalArgumentException("timeouts must be positive: a connector never waits forever");
        }
    }

    /** Defaults: no override, UTC system clock, 10 s connect and 30 s call timeouts. */
    public static ConnectorContext defaults(String connectorId) {
        return new ConnectorContext(Optional.empty(), Clock.systemUTC(),
                System.getLogger("io.patchbay.connector." + connectorId),
                Duration.ofSeconds(10), Duration.ofSeconds(30), Map.of());
    }

    public ConnectorContext withBaseUrl(URI baseUrl) {
        return new ConnectorContext(Optional.of(baseUrl), clock, logger, connectTimeout, callTimeout, settings);
    }

    public ConnectorContext withClock(Clock newClock) {
        return new ConnectorContext(baseUrlOverride, newClock, logger, connectTimeout, callTimeout, settings);
    }

    public ConnectorContext withLogger(System.Logger newLogger) {
        return new ConnectorContext(baseUrlOverride, clock, newLogger, connectTimeout, callTimeout, settings);
    }

    public ConnectorContext withTimeouts(Duration connect, Duration call) {
        return new ConnectorContext(baseUrlOverride, clock, logger, connect, call, settings);
    }

    public ConnectorContext withSettings(Map<String, String> newSettings) {
        return new ConnectorContext(baseUrlOverride, clock, logger, connectTimeout, callTimeout, newSettings);
    }

    /**
     * Setting keys only, never values: a host may pass something secret as a setting. Likewise the base URL without
     * user info or query, where credentials could sit.
     */
    @Override
    public String toString() {
        String base = baseUrlOverride.map(u -> u.getScheme() + "://" + u.getHost() + (u.getPort() < 0 ? "" : ":"
                + u.getPort()) + (u.getRawPath() == null ? "" : u.getRawPath())).orElse("none");
        return "ConnectorContext[baseUrlOverride=" + base + ", clock=" + clock + ", logger="
                + logger.getName() + ", connectTimeout=" + connectTimeout + ", callTimeout=" + callTimeout
                + ", settings=" + new TreeSet<>(settings.keySet()) + "]";
    }

        /** The override when set, else the connector's default. */
    public URI baseUrl(URI providerDefault) {
        return baseUrlOverride.orElse(providerDefault);
    }
}
