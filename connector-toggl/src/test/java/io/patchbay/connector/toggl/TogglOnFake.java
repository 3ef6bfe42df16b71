package io.patchbay.connector.toggl;

import io.patchbay.connector.toggl.fake.FakeToggl;
import io.patchbay.spi.Connector;
import io.patchbay.spi.ConnectorContext;
import java.net.URI;
import java.util.function.Function;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A test class's connector on its own fake Toggl: the fake starts from its seed before each test, and both close
 * after the class. Register it as a static {@code @RegisterExtension} field.
 */
final class TogglOnFake implements BeforeEachCallback, AfterAllCallback {
    private final FakeToggl fake = FakeToggl.start();
    private final Connector connector;

    TogglOnFake() {
        this(TestContexts::fast);
    }

    TogglOnFake(Function<URI, ConnectorContext> context) {
        this.connector = new TogglConnectorFactory().create(context.apply(fake.baseUrl()));
    }

    FakeToggl fake() {
        return fake;
    }

    Connector connector() {
        return connector;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        fake.reset();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        // Nested classes inherit the extension; only the end of the top-level class closes what it shares.
        if (context.getRequiredTestClass().getEnclosingClass() == null) {
            connector.close();
            fake.close();
        }
    }
}
