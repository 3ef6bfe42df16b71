package io.patchbay.core.usecase;

import io.patchbay.spi.ActionCall;
import io.patchbay.spi.ActionDefinition;
import io.patchbay.spi.ActionResult;
import io.patchbay.spi.AuthMethod;
import io.patchbay.spi.Connector;
import io.patchbay.spi.ConnectorInfo;
import io.patchbay.spi.CredentialField;
import io.patchbay.spi.CredentialSpec;
import io.patchbay.spi.Credentials;
import io.patchbay.spi.InvalidCredentials;
import io.patchbay.spi.ProxyTarget;
import io.patchbay.spi.Verification;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * An in-process provider for use-case tests: each token maps to what "the provider" answers. Records every call.
 */
final class ScriptedConnector implements Connector {
    static final String ID = "scripted";
    private static final URI BASE = URI.create("https://provider.invalid/api");

    private final Map<String, Supplier<Verification>> answers = new ConcurrentHashMap<>();
    final List<Credentials> verified = new ArrayList<>();
    final List<ActionCall> invoked = new ArrayList<>();
    /** Runs first in every action, e.g. to make it hang. */
    volatile Runnable beforeInvoke = () -> { };
    /** Runs first when asked for a proxy target, e.g. to make it hang as a token fetch could. */
    volatile Runnable beforeProxyTarget = () -> { };
    /** Its base URL, where proxy requests go, e.g. a local server that never answers. */
    volatile URI proxyBase = BASE;

    void answer(String token, Supplier<Verification> answer) {
        answers.put(token, answer);
    }

    @Override
    public ConnectorInfo info() {
        return new ConnectorInfo(ID, "Scripted", "A provider scripted by the test", "1", BASE);
    }

    @Override
    public CredentialSpec credentialSpec() {
        return CredentialSpec.of(new AuthMethod("api_token", "API token", true,
                List.of(CredentialField.secret("api_token", "API token", "Anywhere")
                        .withPattern("[a-f0-9]{32}", "0123456789abcdef0123456789abcdef", "is 32 hex characters")),
                List.of("Copy the token"), List.of()));
    }

    @Override
    public synchronized Verification verify(Credentials credentials) {
        verified.add(credentials);
        Supplier<Verification> answer = answers.get(credentials.require("api_token"));
        if (answer == null) {
            throw new InvalidCredentials("invalid_token", "api_token", "The provider rejected the token");
        }
        return answer.get();
    }

    @Override
    public List<ActionDefinition> actions() {
        return List.of(new ActionDefinition("whoami", "Who am I", "Echoes the call", "{\"type\":\"object\"}",
                "{\"type\":\"object\"}", true));
    }

    @Override
    public synchronized ActionResult invoke(ActionCall call) {
        invoked.add(call);
        beforeInvoke.run();
        return new ActionResult(Map.of("token_tail", call.credentials().require("api_token").substring(28),
                "workspace", call.workspaceId().orElse("")));
    }

    @Override
    public ProxyTarget proxyTarget(Credentials credentials) {
        beforeProxyTarget.run();
        return new ProxyTarget(proxyBase, Map.of("Authorization", "Bearer " + credentials.require("api_token")),
                Set.of());
    }

    @Override
    public URI baseUrl() {
        return proxyBase;
    }
}
