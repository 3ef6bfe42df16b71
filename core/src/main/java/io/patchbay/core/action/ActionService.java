package io.patchbay.core.action;

import io.patchbay.core.account.AccountVault;
import io.patchbay.core.account.LinkedAccount;
import io.patchbay.core.account.Viewer;
import io.patchbay.core.catalog.CallSecrets;
import io.patchbay.core.catalog.ConnectorCalls;
import io.patchbay.core.catalog.ConnectorCatalog;
import io.patchbay.core.catalog.SecretScrubber;
import io.patchbay.spi.ActionCall;
import io.patchbay.spi.ActionDefinition;
import io.patchbay.spi.ActionResult;
import io.patchbay.spi.Connector;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Runs a linked account's actions; the authenticated pass-through is {@link io.patchbay.core.proxy.AccountProxy}. */
public final class ActionService {
    private final ConnectorCatalog catalog;
    private final AccountVault vault;
    private final ConnectorCalls calls;

    /** @param calls runs each action under the host's deadline */
    public ActionService(ConnectorCatalog catalog, AccountVault vault, ConnectorCalls calls) {
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.vault = Objects.requireNonNull(vault, "vault");
        this.calls = Objects.requireNonNull(calls, "calls");
    }

    public List<ActionDefinition> actions(String connectorId) {
        Objects.requireNonNull(connectorId, "connectorId");
        return catalog.description(connectorId).actions();
    }

    /** Runs an action; the input must already be valid against the action's input schema. */
    public ActionResult invoke(Viewer viewer, String accountId, String actionName, Map<String, Object> input) {
        Objects.requireNonNull(viewer, "viewer");
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(actionName, "actionName");
        Objects.requireNonNull(input, "input");
        LinkedAccount account = vault.visible(viewer, accountId);
        // The declared action, so its name is one of few (it labels the call for observers), never the input.
        ActionDefinition action = catalog.action(account.connectorId(), actionName);
        Connector connector = catalog.get(account.connectorId());
        ActionCall call = new ActionCall(action.name(), vault.open(account), account.workspaceId(), input);
        List<String> secrets = CallSecrets.of(connector, call.credentials());
        ActionResult result = calls.call(connector, secrets, "action:" + action.name(), () -> connector.invoke(call));
        // As the proxy masks its answers: a value the provider echoed back is not the caller's to read.
        Object output = SecretScrubber.of(secrets).output(result.output());
        return output == result.output() ? result : new ActionResult(output);
    }
}
