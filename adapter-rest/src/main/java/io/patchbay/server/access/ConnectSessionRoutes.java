package io.patchbay.server.access;

import com.squareup.moshi.Json;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.patchbay.core.Ids;
import io.patchbay.core.access.ConnectSession;
import io.patchbay.core.account.AccountService;
import io.patchbay.core.account.LinkedAccount;
import io.patchbay.core.account.Labels;
import io.patchbay.core.account.Viewer;
import io.patchbay.core.catalog.ConnectorCatalog;
import io.patchbay.core.error.NotFoundException;
import io.patchbay.server.http.ApiException;
import io.patchbay.server.http.Fields;
import io.patchbay.server.http.RouteGroup;
import io.patchbay.spi.FieldError;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** {@code POST /v1/connect-sessions}: the application's backend hands an end user a short-lived linking grant. */
public final class ConnectSessionRoutes implements RouteGroup {
    static final String PATH = "/v1/connect-sessions";

    private final Authenticator auth;
    private final ConnectSessionService sessions;
    private final ConnectorCatalog catalog;
    private final AccountService accounts;

    /** The answer; {@code token} is shown this once. */
    public record SessionView(String id, String token, String mode, @Json(name = "owner_id") String ownerId,
                              @Json(name = "team_id") Optional<String> teamId,
                              @Json(name = "allowed_connectors") List<String> allowedConnectors,
                              Optional<String> label, @Json(name = "account_id") Optional<String> accountId,
                              @Json(name = "created_at") Instant createdAt,
                              @Json(name = "expires_at") Instant expiresAt,
                              @Json(name = "connect_url") String connectUrl) {
        @Override
        public String toString() {
            return "SessionView[id=" + id + ", token=****]";
        }
    }

    @Inject
    public ConnectSessionRoutes(Authenticator auth, ConnectSessionService sessions, ConnectorCatalog catalog,
                                AccountService accounts) {
        this.auth = auth;
        this.sessions = sessions;
        this.catalog = catalog;
        this.accounts = accounts;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.post(PATH, this::create);
    }

    private void create(Context ctx) {
        Caller.Key caller = auth.key(ctx, Scope.CONNECT_SESSIONS_WRITE);
        Fields body = Fields.ofBody(ctx);
        Optional<String> ownerField = body.optionalString("owner_id");
        Optional<String> teamField = body.optionalString("team_id");
        Optional<List<String>> allowed = body.optionalStringList("allowed_connectors");
        Optional<String> label = body.optionalString("label");
        Optional<String> accountId = body.optionalString("account_id");
        Optional<Long> expiresIn = body.optionalLong("expires_in");
        body.done();
        if (accountId.isPresent()) {
            // The session it makes reads the account and replaces its credentials: a key that may not do both
            // itself must not grant it, nor learn which accounts exist (checked before any account lookup).
            auth.requireScopes(caller, "that an edit-mode session (account_id) needs: the session reads the "
                    + "account and replaces its credentials", Scope.ACCOUNTS_READ, Scope.ACCOUNTS_WRITE);
        }

        List<FieldError> errors = new ArrayList<>();
        Viewer viewer = caller.viewer();
        String owner = ownerField.or(viewer::ownerId).orElse(null);
        if (owner == null) {
            errors.add(new FieldError("owner_id", "required", "owner_id is required: the end user the session acts "
                    + "for (or send " + Authenticator.OWNER_HEADER + ")"));
        } else {
            Ids.check("owner_id", owner).ifPresent(errors::add);
            if (viewer.ownerId().isPresent() && !viewer.ownerId().get().equals(owner)) {
                errors.add(new FieldError("owner_id", "owner_mismatch", "owner_id differs from the "
                        + Authenticator.OWNER_HEADER + " header this request acts for"));
            }
        }
        Optional<String> team = teamField.or(viewer::teamId);
        team.flatMap(t -> Ids.check("team_id", t)).ifPresent(errors::add);
        if (teamField.isPresent() && viewer.teamId().isPresent() && !viewer.teamId().equals(teamField)) {
            errors.add(new FieldError("team_id", "owner_mismatch", "team_id differs from the "
                    + Authenticator.TEAM_HEADER + " header this request acts for"));
        }
        label.flatMap(l -> Labels.check("label", l)).ifPresent(errors::add);
        accountId.flatMap(a -> Ids.check("account_id", a)).ifPresent(errors::add);
        Duration ttl = expiresIn.map(Duration::ofSeconds).orElse(ConnectSessionService.DEFAULT_TTL);
        if (ttl.compareTo(Duration.ofSeconds(60)) < 0 || ttl.compareTo(ConnectSessionService.MAX_TTL) > 0) {
            errors.add(new FieldError("expires_in", "range", "expires_in must be from 60 to "
                    + ConnectSessionService.MAX_TTL.toSeconds() + " seconds"));
        }
        Set<String> connectors = new LinkedHashSet<>();
        allowed.ifPresent(list -> {
            if (list.isEmpty()) {
                errors.add(new FieldError("allowed_connectors", "empty", "allowed_connectors must name at least one "
                        + "connector"));
            }
            for (int i = 0; i < list.size(); i++) {
                try {
                    connectors.add(catalog.get(list.get(i)).info().id());
                } catch (NotFoundException e) {
                    errors.add(new FieldError("allowed_connectors[" + i + "]", "unknown_connector",
                            "No connector '" + list.get(i) + "'; see GET /v1/connectors"));
                }
            }
        });
        if (accountId.isEmpty() && allowed.isEmpty()) {
            errors.add(new FieldError("allowed_connectors", "required", "allowed_connectors is required unless "
                    + "account_id opens the session in edit mode"));
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalidInput(errors);
        }
        if (accountId.isPresent()) {
            // Edit mode: the account must exist, be the owner's own, and fix the connector.
            Viewer ownerView = new Viewer(caller.tenantId(), Optional.of(owner), team);
            LinkedAccount account = accounts.get(ownerView, accountId.get());
            if (!ownerView.canManage(account)) {
                throw new ApiException(403, "not_account_owner", "Forbidden", "Account " + account.id()
                        + " is not owned by " + owner + "; only its owner can re-key it");
            }
            if (!connectors.isEmpty() && !connectors.equals(Set.of(account.connectorId()))) {
                throw ApiException.invalidInput(List.of(new FieldError("allowed_connectors", "account_connector",
                        "In edit mode the session allows only the account's connector '" + account.connectorId() + "'")));
            }
            connectors.clear();
            connectors.add(account.connectorId());
        }
        ConnectSessionService.Created created = sessions.create(caller.apiKey(), owner, team, connectors, label,
                accountId, ttl);
        ConnectSession s = created.session();
        ctx.status(201).json(new SessionView(s.id(), created.token(), s.editMode() ? "edit" : "link", s.ownerId(),
                s.teamId(), s.allowedConnectors().stream().sorted().toList(), s.label(), s.accountId(), s.createdAt(),
                s.expiresAt(), "/connect#session=" + created.token()
                + s.accountId().map(a -> "&account=" + a).orElse("")));
    }
}
