package io.patchbay.server.actions;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.patchbay.core.account.AccountService;
import io.patchbay.core.account.LinkedAccount;
import io.patchbay.core.action.ActionService;
import io.patchbay.core.catalog.ConnectorCatalog;
import io.patchbay.server.access.Authenticator;
import io.patchbay.server.access.Caller;
import io.patchbay.server.access.Scope;
import io.patchbay.server.http.ApiException;
import io.patchbay.server.http.Json;
import io.patchbay.server.http.Paging;
import io.patchbay.server.http.RouteGroup;
import io.patchbay.spi.ActionDefinition;
import io.patchbay.spi.ActionResult;
import io.patchbay.spi.FieldError;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code POST /v1/accounts/{id}/actions/{action}}: runs a connector action; the body is the action's input. */
public final class ActionRoutes implements RouteGroup {
    private final Authenticator auth;
    private final AccountService accounts;
    private final ConnectorCatalog catalog;
    private final ActionService actions;
    private final InputValidator validator = new InputValidator();

    /** The answer: the action's output as the connector returned it (matching the action's output schema). */
    public record ActionOutput(@com.squareup.moshi.Json(name = "account_id") String accountId, String action,
                               Object output) {
    }

    @Inject
    public ActionRoutes(Authenticator auth, AccountService accounts, ConnectorCatalog catalog, ActionService actions) {
        this.auth = auth;
        this.accounts = accounts;
        this.catalog = catalog;
        this.actions = actions;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.post("/v1/accounts/{account_id}/actions/{action}", this::invoke);
    }

    private void invoke(Context ctx) {
        Caller.Key caller = auth.key(ctx, Scope.ACTIONS_INVOKE);
        // The input is the body; a query parameter would be silently ignored.
        Paging.refuseParameters(ctx);
        String accountId = ctx.pathParam("account_id");
        LinkedAccount account = accounts.get(caller.viewer(), accountId);
        ActionDefinition action = catalog.action(account.connectorId(), ctx.pathParam("action"));
        // An action without input may be called with no body at all.
        String body = Json.body(ctx);
        Map<String, Object> input = body.isBlank() ? new LinkedHashMap<>() : Json.parseObject(body);
        List<FieldError> errors = validator.validate(account.connectorId(), action, input);
        if (!errors.isEmpty()) {
            throw ApiException.invalidInput(errors);
        }
        ActionResult result = actions.invoke(caller.viewer(), accountId, action.name(), input);
        ctx.json(new ActionOutput(account.id(), action.name(), result.output()));
    }
}
