package io.patchbay.core.usecase;

import static io.patchbay.core.usecase.UseCaseFixture.SOLO_TOKEN;
import static io.patchbay.core.usecase.UseCaseFixture.request;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patchbay.core.Hub;
import io.patchbay.core.account.LinkedAccount;
import io.patchbay.core.account.Viewer;
import io.patchbay.core.account.Visibility;
import io.patchbay.core.proxy.ProxyRequest;
import io.patchbay.spi.Credentials;
import io.patchbay.testkit.memory.InMemoryAuditLog;
import io.patchbay.testkit.memory.InMemoryLinkedAccountStore;
import io.patchbay.testkit.memory.TestCipher;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every entry point of the hub's services names a missing argument, before looking anything up: an embedder sees
 * which one without a debugger, and a missing id is not reported as an account that does not exist.
 */
class HubNullArgumentsTest {
    private final ScriptedConnector connector = new ScriptedConnector();
    private final Hub hub = Hub.builder().connector(connector).store(new InMemoryLinkedAccountStore())
            .cipher(new TestCipher()).auditLog(new InMemoryAuditLog()).build();
    private final Viewer alice = Viewer.endUser(UseCaseFixture.TENANT, "alice", null);
    private final Credentials token = UseCaseFixture.token(SOLO_TOKEN);
    private final Optional<Long> anyVersion = Optional.empty();
    private String id;

    @BeforeEach
    void link() {
        connector.answer(SOLO_TOKEN, () -> UseCaseFixture.verification("u-solo"));
        LinkedAccount account = hub.links().link(alice, request(SOLO_TOKEN, null, "alice", null, Visibility.PRIVATE))
                .account();
        id = account.id();
    }

    @AfterEach
    void close() {
        hub.close();
    }

    @Test
    void linksNameTheMissingArgument() {
        assertNamed("connectorId", () -> hub.links().check(null, token));
        assertNamed("credentials", () -> hub.links().check(ScriptedConnector.ID, null));
        assertNamed("viewer", () -> hub.links().link(null, request(SOLO_TOKEN, null, "alice", null,
                Visibility.PRIVATE)));
        assertNamed("request", () -> hub.links().link(alice, null));
        assertNamed("viewer", () -> hub.links().rotate(null, id, token));
        assertNamed("accountId", () -> hub.links().rotate(alice, null, token));
        assertNamed("credentials", () -> hub.links().rotate(alice, id, null));
        assertNamed("expectedVersion", () -> hub.links().rotate(alice, id, token, null));
        assertNamed("guard", () -> hub.links().rotate(alice, id, token, anyVersion, null));
        assertNamed("viewer", () -> hub.links().reverify(null, id));
        assertNamed("accountId", () -> hub.links().reverify(alice, null));
        assertNamed("expectedVersion", () -> hub.links().reverify(alice, id, null));
    }

    @Test
    void accountsNameTheMissingArgument() {
        assertNamed("viewer", () -> hub.accounts().get(null, id));
        assertNamed("accountId", () -> hub.accounts().get(alice, null));
        assertNamed("query", () -> hub.accounts().list(null));
        assertNamed("viewer", () -> hub.accounts().rename(null, id, "New", anyVersion));
        assertNamed("accountId", () -> hub.accounts().rename(alice, null, "New", anyVersion));
        assertNamed("label", () -> hub.accounts().rename(alice, id, null, anyVersion));
        assertNamed("expectedVersion", () -> hub.accounts().rename(alice, id, "New", null));
        assertNamed("visibility", () -> hub.accounts().changeVisibility(alice, id, null, anyVersion));
        assertNamed("label", () -> hub.accounts().edit(alice, id, null, Optional.empty(), anyVersion));
        assertNamed("visibility", () -> hub.accounts().edit(alice, id, Optional.of("New"), null, anyVersion));
        assertNamed("viewer", () -> hub.accounts().disconnect(null, id));
        assertNamed("accountId", () -> hub.accounts().disconnect(alice, null));
        assertNamed("expectedVersion", () -> hub.accounts().disconnect(alice, id, null));
    }

    @Test
    void actionsAndTheProxyNameTheMissingArgument() {
        assertNamed("connectorId", () -> hub.actions().actions(null));
        assertNamed("viewer", () -> hub.actions().invoke(null, id, "whoami", Map.of()));
        assertNamed("accountId", () -> hub.actions().invoke(alice, null, "whoami", Map.of()));
        assertNamed("actionName", () -> hub.actions().invoke(alice, id, null, Map.of()));
        assertNamed("input", () -> hub.actions().invoke(alice, id, "whoami", null));
        assertNamed("viewer", () -> hub.proxy().send(null, id, ProxyRequest.of("GET", "me")));
        assertNamed("accountId", () -> hub.proxy().send(alice, null, ProxyRequest.of("GET", "me")));
        assertNamed("request", () -> hub.proxy().send(alice, id, null));
        assertNamed("viewer", () -> hub.vault().cachedVisible(null, id));
        assertNamed("accountId", () -> hub.vault().cachedVisible(alice, null));
    }

    private static void assertNamed(String argument, ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOf(NullPointerException.class).hasMessage(argument);
    }
}
