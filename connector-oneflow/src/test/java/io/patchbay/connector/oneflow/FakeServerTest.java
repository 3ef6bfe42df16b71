package io.patchbay.connector.oneflow;

import io.patchbay.connector.oneflow.fake.FakeOneflow;
import io.patchbay.spi.ActionCall;
import io.patchbay.spi.Connector;
import io.patchbay.spi.Credentials;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** One fake per test class, reset to its seed before each test, and a connector pointed at it. */
abstract class FakeServerTest {
    static final Credentials ADMIN = TestContexts.credentials(FakeOneflow.TOKEN, FakeOneflow.ADMIN_EMAIL);
    static final Credentials MEMBER = TestContexts.credentials(FakeOneflow.TOKEN, FakeOneflow.MEMBER_EMAIL);

    static FakeOneflow fake;
    Connector connector;

    @BeforeAll
    static void startFake() {
        fake = FakeOneflow.start();
    }

    @AfterAll
    static void stopFake() {
        fake.close();
    }

    @BeforeEach
    void resetFakeAndConnect() {
        fake.reset();
        connector = new OneflowConnectorFactory().create(TestContexts.fast(fake.baseUrl()));
    }

    @AfterEach
    void closeConnector() {
        connector.close();
    }

    Object invoke(Credentials credentials, String action, Map<String, Object> input) {
        return connector.invoke(new ActionCall(action, credentials, Optional.of(Long.toString(FakeOneflow.WORKSPACE_SALES)),
                input)).output();
    }

    Object invokeUnlinked(Credentials credentials, String action, Map<String, Object> input) {
        return connector.invoke(new ActionCall(action, credentials, Optional.empty(), input)).output();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    static java.util.List<Map<String, Object>> list(Object value) {
        return (java.util.List<Map<String, Object>>) value;
    }
}
