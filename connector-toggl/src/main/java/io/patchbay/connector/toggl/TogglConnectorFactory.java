package io.patchbay.connector.toggl;

import io.patchbay.spi.Connector;
import io.patchbay.spi.ConnectorContext;
import io.patchbay.spi.ConnectorFactory;
import io.patchbay.spi.ConnectorInfo;
import java.util.Objects;

/** Entry point found by {@link java.util.ServiceLoader}: the Toggl Track connector. */
public final class TogglConnectorFactory implements ConnectorFactory {

    @Override
    public String id() {
        return TogglConnector.ID;
    }

    @Override
    public Connector create(ConnectorContext context) {
        Objects.requireNonNull(context, "context");
        return new TogglConnector(context, ConnectorInfo.buildVersion(TogglConnectorFactory.class));
    }
}
