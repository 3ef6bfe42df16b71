package io.patchbay.connector.toggl;

import io.patchbay.connector.toggl.fake.FakeToggl;
import io.patchbay.spi.ConnectorContext;
import io.patchbay.spi.ConnectorFactory;
import io.patchbay.spi.Credentials;
import io.patchbay.testkit.ConnectorConformanceTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;

/** The platform's conformance kit, run against the fake Toggl. */
class TogglConformanceTest extends ConnectorConformanceTest {
    private static final FakeToggl FAKE = FakeToggl.start();

    @AfterAll
    static void stopFake() {
        FAKE.close();
    }

    @Override
    protected ConnectorFactory factory() {
        return new TogglConnectorFactory();
    }

    @Override
    protected ConnectorContext context() {
        return TestContexts.fast(FAKE.baseUrl());
    }

    @Override
    protected Credentials validCredentials() {
        return TestContexts.token(FakeToggl.ALICE);
    }

    @Override
    protected Credentials rejectedCredentials() {
        return TestContexts.token(FakeToggl.UNKNOWN_TOKEN);
    }

    @Override
    protected List<MalformedCase> malformedCredentials() {
        return List.of(
                new MalformedCase("token too short", TestContexts.token("abc123"), "api_token"),
                new MalformedCase("token with upper case", TestContexts.token("A1B2C3D4E5F60718293A4B5C6D7E8F90"),
                        "api_token"),
                new MalformedCase("token with a non-hex letter", TestContexts.token("g1b2c3d4e5f60718293a4b5c6d7e8f90"),
                        "api_token"),
                new MalformedCase("email without domain",
                        new Credentials("email_password", Map.of("email", "alice", "password", "pw-secret-1")),
                        "email"),
                new MalformedCase("missing password",
                        new Credentials("email_password", Map.of("email", "alice@example.com")), "password"));
    }
}
