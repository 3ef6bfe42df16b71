package io.patchbay.core.plugin;

import io.patchbay.spi.Connector;
import io.patchbay.spi.ConnectorContext;
import io.patchbay.spi.ConnectorFactory;
import io.patchbay.spi.ConnectorSettings;
import java.net.URI;
import java.util.Set;

/** A class-path connector that knows one setting and refuses any other, as the real connectors do. */
public final class ClassPathPickyFactory implements ConnectorFactory {
    static final String ID = "classpath-picky";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Connector create(ConnectorContext context) {
        ConnectorSettings.read(ID, context.settings(), Set.of("speed"));
        return ClassPathEchoFactory.connector(ID, context.baseUrl(URI.create("https://example.invalid")));
    }
}
