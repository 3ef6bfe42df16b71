package io.patchbay.connector.oneflow;

import io.patchbay.spi.Connector;
import io.patchbay.spi.ConnectorContext;
import io.patchbay.spi.ConnectorFactory;
import io.patchbay.spi.ConnectorInfo;
import java.util.Objects;

/** Entry point found by {@link java.util.ServiceLoader}. */
public final class OneflowConnectorFactory implements ConnectorFactory {
    static final String ID = "oneflow";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Connector create(ConnectorContext context) {
        Objects.requireNonNull(context, "context");
        return new OneflowConnector(context, ConnectorInfo.buildVersion(OneflowConnectorFactory.class));
    }
}
