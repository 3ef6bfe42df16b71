package io.patchbay.server.connectors;

import com.squareup.moshi.Json;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.patchbay.core.account.LinkService;
import io.patchbay.core.catalog.ConnectorCatalog;
import io.patchbay.server.access.Authenticator;
import io.patchbay.server.access.Caller;
import io.patchbay.server.access.Scope;
import io.patchbay.server.http.Fields;
import io.patchbay.server.http.Paging;
import io.patchbay.server.http.Paging.PageView;
import io.patchbay.server.http.RouteGroup;
import io.patchbay.server.http.SpiViews.IdentityView;
import io.patchbay.server.http.SpiViews.NoticeView;
import io.patchbay.server.http.SpiViews.WorkspaceView;
import io.patchbay.spi.ActionDefinition;
import io.patchbay.spi.Connector;
import io.patchbay.spi.Verification;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Optional;

/** The connector catalog, the offline+live credential check, and each connector's actions. */
public final class ConnectorRoutes implements RouteGroup {
    private final Authenticator auth;
    private final ConnectorCatalog catalog;
    private final LinkService links;

    /** What a check found; nothing is saved. */
    public record CheckView(@Json(name = "connector_id") String connectorId,
                            @Json(name = "auth_method") String authMethod, IdentityView identity,
                            List<WorkspaceView> workspaces, List<NoticeView> warnings) {
    }

    public record ActionView(String name, String title, String description,
                             @Json(name = "input_schema") Object inputSchema,
                             @Json(name = "output_schema") Object outputSchema,
                             @Json(name = "read_only") boolean readOnly) {
        static ActionView of(ActionDefinition action) {
            return new ActionView(action.name(), action.title(), action.description(),
                    io.patchbay.server.http.Json.readTrusted(action.inputSchema()),
                    io.patchbay.server.http.Json.readTrusted(action.outputSchema()), action.readOnly());
        }
    }

    @Inject
    public ConnectorRoutes(Authenticator auth, ConnectorCatalog catalog, LinkService links) {
        this.auth = auth;
        this.catalog = catalog;
        this.links = links;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/v1/connectors", this::list);
        routes.get("/v1/connectors/{connector_id}", this::get);
        routes.post("/v1/connectors/{connector_id}/check", this::check);
        routes.get("/v1/connectors/{connector_id}/actions", this::actions);
    }

    private void list(Context ctx) {
        Caller caller = auth.anyCaller(ctx);
        Paging.refuseParameters(ctx);
        List<ConnectorView> views = catalog.descriptions().stream()
                .filter(c -> !(caller instanceof Caller.Session s) || s.session().allowedConnectors().contains(c.id()))
                .map(ConnectorView::of)
                .toList();
        ctx.json(new PageView(views, Optional.empty()));
    }

    private void get(Context ctx) {
        Caller caller = auth.anyCaller(ctx);
        Paging.refuseParameters(ctx);
        ctx.json(ConnectorView.of(description(ctx, caller)));
    }

    private void check(Context ctx) {
        Caller caller = auth.keyOrSession(ctx, Scope.ACCOUNTS_WRITE);
        Paging.refuseParameters(ctx);
        Connector connector = catalog.get(description(ctx, caller).id());
        Fields body = Fields.ofBody(ctx);
        CredentialsInput input = CredentialsInput.read(body);
        body.done();
        var credentials = input.credentials(connector);
        Verification verification = links.check(ctx.pathParam("connector_id"), credentials);
        ctx.json(new CheckView(ctx.pathParam("connector_id"), credentials.authMethod(),
                IdentityView.of(verification.identity()), WorkspaceView.of(verification.workspaces()),
                NoticeView.of(verification.notices())));
    }

    private void actions(Context ctx) {
        Caller caller = auth.anyCaller(ctx);
        Paging.refuseParameters(ctx);
        // The whole list in one answer: next_cursor is always null, as for the connector list.
        ctx.json(new PageView(description(ctx, caller).actions().stream().map(ActionView::of).toList(),
                Optional.empty()));
    }

    private ConnectorCatalog.Description description(Context ctx, Caller caller) {
        ConnectorCatalog.Description connector = catalog.description(ctx.pathParam("connector_id"));
        caller.requireConnector(connector.id());
        return connector;
    }
}
