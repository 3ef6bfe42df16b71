package io.patchbay.server.access;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.patchbay.core.Texts;
import io.patchbay.server.http.ApiException;
import io.patchbay.server.http.Fields;
import io.patchbay.server.http.Paging;
import io.patchbay.server.http.RouteGroup;
import io.patchbay.spi.FieldError;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** {@code /v1/admin/tenants/{tenant_id}/api-keys}: key management with an admin key. */
public final class AdminRoutes implements RouteGroup {
    static final String KEYS = "/v1/admin/tenants/{tenant_id}/api-keys";
    static final int MAX_NAME = 100;

    private final Authenticator auth;
    private final ApiKeyService keys;

    @Inject
    public AdminRoutes(Authenticator auth, ApiKeyService keys) {
        this.auth = auth;
        this.keys = keys;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.post(KEYS, this::create);
        routes.get(KEYS, this::list);
        routes.get(KEYS + "/{key_id}", this::get);
        routes.delete(KEYS + "/{key_id}", this::revoke);
    }

    @Override
    public Map<String, Set<String>> queryParameters() {
        return Map.of("GET " + KEYS, Set.of("limit", "cursor"));
    }

    private void create(Context ctx) {
        auth.key(ctx, Scope.ADMIN);
        String tenant = tenant(ctx);
        Fields body = Fields.ofBody(ctx);
        String name = body.requireString("name");
        Optional<List<String>> rawScopes = body.optionalStringList("scopes");
        body.done();
        List<FieldError> errors = new ArrayList<>();
        Texts.check("name", name, MAX_NAME).ifPresent(errors::add);
        Set<Scope> scopes = rawScopes.map(list -> scopes(list, errors)).orElseGet(Scope::tenantDefaults);
        if (!errors.isEmpty()) {
            throw ApiException.invalidInput(errors);
        }
        ApiKeyView created = ApiKeyView.created(keys.create(tenant, name, scopes));
        ctx.status(201).header("Location", "/v1/admin/tenants/" + tenant + "/api-keys/" + created.id()).json(created);
    }

    private static Set<Scope> scopes(List<String> names, List<FieldError> errors) {
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            Optional<Scope> scope = Scope.parse(name);
            if (scope.isEmpty()) {
                errors.add(new FieldError("scopes[" + i + "]", "unknown_scope", "Unknown scope; expected one of "
                        + EnumSet.allOf(Scope.class).stream().map(Scope::value).toList()));
            } else {
                scopes.add(scope.get());
            }
        }
        if (names.isEmpty()) {
            errors.add(new FieldError("scopes", "empty", "scopes must name at least one scope, or be left out for "
                    + "the tenant defaults"));
        }
        return scopes;
    }

    private void list(Context ctx) {
        auth.key(ctx, Scope.ADMIN);
        String tenant = tenant(ctx);
        Paging.Request page = Paging.read(ctx, "api_keys", "key", 200, Set.of(), Map.of("tenant", tenant));
        List<ApiKeyView> all = keys.list(tenant).stream().map(ApiKeyView::of)
                .sorted(Comparator.comparing(ApiKeyView::id)).toList();
        ctx.json(Paging.page(all, ApiKeyView::id, page));
    }

    private void get(Context ctx) {
        auth.key(ctx, Scope.ADMIN);
        ctx.json(ApiKeyView.of(keys.get(tenant(ctx), ctx.pathParam("key_id"))));
    }

    private void revoke(Context ctx) {
        auth.key(ctx, Scope.ADMIN);
        ctx.json(ApiKeyView.of(keys.revoke(tenant(ctx), ctx.pathParam("key_id"))));
    }

    private static String tenant(Context ctx) {
        String tenant = ctx.pathParam("tenant_id");
        if (!ApiKeyService.validTenantId(tenant)) {
            throw ApiException.invalidRequest(List.of(new FieldError("tenant_id", "invalid",
                    "tenant_id must be 1 to 63 lower-case letters, digits, '-' or '_', starting with a letter or digit")));
        }
        return tenant;
    }
}
