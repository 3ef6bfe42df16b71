package io.patchbay.connector.oneflow;

import io.patchbay.connector.oneflow.fake.FakeOneflow;
import io.patchbay.spi.ConnectorContext;
import io.patchbay.spi.ConnectorFactory;
import io.patchbay.spi.Credentials;
import io.patchbay.testkit.ConnectorConformanceTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

class OneflowConformanceTest extends ConnectorConformanceTest {
    private static FakeOneflow fake;

    @BeforeAll
    static void startFake() {
        fake = FakeOneflow.start();
    }

    @AfterAll
    static void stopFake() {
        fake.close();
    }

    @Override
    protected ConnectorFactory factory() {
        return new OneflowConnectorFactory();
    }

    @Override
    protected ConnectorContext context() {
        return TestContexts.fast(fake.baseUrl());
    }

    @Override
    protected Credentials validCredentials() {
        return TestContexts.credentials(FakeOneflow.TOKEN, FakeOneflow.ADMIN_EMAIL);
    }

    @Override
    protected Credentials rejectedCredentials() {
        return TestContexts.credentials(FakeOneflow.REVOKED_TOKEN, FakeOneflow.ADMIN_EMAIL);
    }

    @Override
    protected List<MalformedCase> malformedCredentials() {
        return List.of(
                new MalformedCase("39-character token", TestContexts.credentials(FakeOneflow.TOKEN.substring(1),
                        FakeOneflow.ADMIN_EMAIL), "api_token"),
                new MalformedCase("token with a space", TestContexts.credentials(
                        FakeOneflow.TOKEN.substring(0, 20) + " " + FakeOneflow.TOKEN.substring(21),
                        FakeOneflow.ADMIN_EMAIL), "api_token"),
                new MalformedCase("email without a domain", TestContexts.credentials(FakeOneflow.TOKEN, "ada.admin"),
                        "user_email"),
                new MalformedCase("unknown field", new Credentials("api_token", Map.of("api_token", FakeOneflow.TOKEN,
                        "user_email", FakeOneflow.ADMIN_EMAIL, "password", "hunter2")), "password"));
    }
}
