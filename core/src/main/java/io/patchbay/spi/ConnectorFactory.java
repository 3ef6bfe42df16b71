package io.patchbay.spi;

/**
 * Entry point of a connector, found by {@link java.util.ServiceLoader}. Must have a public no-argument constructor.
 */
public interface ConnectorFactory {

    /** Stable connector id, lower case, e.g. {@code toggl}. */
    String id();

    /** Builds a connector configured by the host; called once per hub. */
    Connector create(ConnectorContext context);
}
