package io.patchbay.server.accounts;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.patchbay.core.Ids;
import io.patchbay.core.Texts;
import io.patchbay.core.access.ConnectSession;
import io.patchbay.core.account.AccountQuery;
import io.patchbay.core.account.AccountService;
import io.patchbay.core.account.AccountStatus;
import io.patchbay.core.account.ChangeGuard;
import io.patchbay.core.account.LinkRequest;
import io.patchbay.core.account.LinkResult;
import io.patchbay.core.account.LinkService;
import io.patchbay.core.account.LinkedAccount;
import io.patchbay.core.account.Page;
import io.patchbay.core.account.Viewer;
import io.patchbay.core.account.Visibility;
import io.patchbay.core.catalog.ConnectorCatalog;
import io.patchbay.core.error.ForbiddenException;
import io.patchbay.server.access.Authenticator;
import io.patchbay.server.access.Caller;
import io.patchbay.server.access.ConnectSessionService;
import io.patchbay.server.access.Scope;
import io.patchbay.server.connectors.CredentialsInput;
import io.patchbay.server.http.ApiException;
import io.patchbay.server.http.Fields;
import io.patchbay.server.http.IfMatch;
import io.patchbay.server.http.Paging;
import io.patchbay.server.http.RouteGroup;
import io.patchbay.server.http.SpiViews.NoticeView;
import io.patchbay.spi.Connector;
import io.patchbay.spi.FieldError;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Linking, listing, reading, changing, re-keying, re-verifying and disconnecting linked accounts. */
public final class AccountRoutes implements RouteGroup {
    static final String ACCOUNTS = "/v1/accounts";
    static final String ACCOUNT = "/v1/accounts/{account_id}";

    private final Authenticator auth;
    private final ConnectorCatalog catalog;
    private final LinkService links;
    private final AccountService accounts;
    private final ConnectSessionService sessions;

    @Inject
    public AccountRoutes(Authenticator auth, ConnectorCatalog catalog, LinkService links, AccountService accounts,
                         ConnectSessionService sessions) {
        this.auth = auth;
        this.catalog = catalog;
        this.links = links;
        this.accounts = accounts;
        this.sessions = sessions;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.post(ACCOUNTS, this::link);
        routes.get(ACCOUNTS, this::list);
        routes.get(ACCOUNT, this::get);
        routes.patch(ACCOUNT, this::update);
        routes.delete(ACCOUNT, this::disconnect);
        routes.put(ACCOUNT + "/credentials", this::rotate);
        routes.post(ACCOUNT + "/verify", this::verify);
    }

    @Override
    public Map<String, Set<String>> queryParameters() {
        return Map.of("GET " + ACCOUNTS, Set.of("limit", "cursor", "connector_id", "owner_id", "status", "label"));
    }

    @Override
    public Set<String> bodyless() {
        return Set.of("POST " + ACCOUNT + "/verify");
    }

    private void link(Context ctx) {
        Caller caller = auth.keyOrSession(ctx, Scope.ACCOUNTS_WRITE);
        if (caller instanceof Caller.Session s && s.session().editMode()) {
            // The route is closed to such a session whatever the body says.
            throw new ApiException(403, "session_edit_mode", "Edit-mode session",
                    "This connect session may only replace the credentials of account "
                            + s.session().accountId().get());
        }
        Fields body = Fields.ofBody(ctx);
        String connectorId = body.requireString("connector_id");
        CredentialsInput credentials = CredentialsInput.read(body);
        Optional<String> workspaceId = body.optionalString("workspace_id");
        Optional<String> label = body.optionalString("label");
        Optional<String> ownerField = body.optionalString("owner_id");
        Optional<String> teamField = body.optionalString("team_id");
        Optional<String> visibilityField = body.optionalString("visibility");
        body.done();

        List<FieldError> errors = new ArrayList<>();
        Visibility visibility = visibilityField.map(v -> visibility(v, errors)).orElse(Visibility.PRIVATE);
        Viewer acting = caller.viewer();
        Optional<String> owner = agree("owner_id", ownerField, acting.ownerId(), caller, errors);
        Optional<String> team = agree("team_id", teamField, acting.teamId(), caller, errors);
        if (owner.isEmpty()) {
            errors.add(new FieldError("owner_id", "required", "owner_id is required: the end user who owns the "
                    + "account (or send " + Authenticator.OWNER_HEADER + ")"));
        }
        owner.flatMap(o -> Ids.check("owner_id", o)).ifPresent(errors::add);
        team.flatMap(t -> Ids.check("team_id", t)).ifPresent(errors::add);
        if (!errors.isEmpty()) {
            throw ApiException.invalidInput(errors);
        }
        if (caller instanceof Caller.Session s) {
            // The browser holds the session token: whom the account is shared with is the backend's decision.
            if (teamField.isPresent() && s.session().teamId().isEmpty()) {
                throw new ApiException(403, "session_not_allowed", "Not allowed for connect sessions", "team_id is "
                        + "set by the backend when it creates the connect session; this session names no team");
            }
            if (visibility == Visibility.TENANT) {
                throw new ApiException(403, "session_not_allowed", "Not allowed for connect sessions", "A connect "
                        + "session links accounts private or team-visible; sharing with the whole tenant is done with "
                        + "an API key (PATCH the account)");
            }
            label = label.or(() -> s.session().label());
        }
        caller.requireConnector(connectorId);
        Connector connector = catalog.get(connectorId);
        LinkResult result = links.link(acting, new LinkRequest(connector.info().id(), credentials.credentials(connector),
                workspaceId, label, owner.get(), team, visibility));
        ctx.status(201).header("Location", ACCOUNTS + "/" + result.account().id());
        etag(ctx, result.account());
        ctx.json(new AccountView.Linked(AccountView.of(result.account()), NoticeView.of(result.warnings())));
    }

    /**
     * A body field that the caller's own identity may also give (header or session): they must agree. A session
     * acts for its own end user only.
     */
    private static Optional<String> agree(String field, Optional<String> fromBody, Optional<String> fromCaller,
                                          Caller caller, List<FieldError> errors) {
        if (fromBody.isPresent() && fromCaller.isPresent() && !fromBody.equals(fromCaller)) {
            String source = caller instanceof Caller.Session ? "the connect session's" : "the request header's";
            String what = field.equals("team_id") ? " team" : " end user";
            errors.add(new FieldError(field, "owner_mismatch", field + " differs from " + source + what));
        }
        return fromBody.or(() -> fromCaller);
    }

    private void list(Context ctx) {
        Caller.Key caller = auth.key(ctx, Scope.ACCOUNTS_READ);
        List<FieldError> errors = new ArrayList<>();
        Viewer viewer = caller.viewer();
        // Who is acted for decides the items as much as a filter does.
        Map<String, String> scope = new java.util.HashMap<>(Map.of("tenant", viewer.tenantId()));
        viewer.ownerId().ifPresent(o -> scope.put("owner", o));
        viewer.teamId().ifPresent(t -> scope.put("team", t));
        Paging.Request page = Paging.read(ctx, "accounts", "acc", AccountQuery.MAX_LIMIT, Set.of("connector_id", "owner_id",
                "status", "label"), scope, errors);
        // No owner, connector or label is blank: such a filter (say, an unset variable) would list nothing, silently.
        for (String filter : List.of("connector_id", "owner_id", "label")) {
            String value = ctx.queryParam(filter);
            if (value != null && Texts.isBlank(value)) {
                errors.add(new FieldError(filter, "blank", filter + " must not be blank; leave it out not to filter"));
            }
        }
        Optional<AccountStatus> status = Optional.ofNullable(ctx.queryParam("status")).flatMap(s -> {
            Optional<AccountStatus> parsed = Arrays.stream(AccountStatus.values())
                    .filter(v -> v.name().toLowerCase(Locale.ROOT).equals(s)).findFirst();
            if (parsed.isEmpty()) {
                errors.add(new FieldError("status", "invalid", "status must be one of "
                        + Arrays.stream(AccountStatus.values()).map(v -> v.name().toLowerCase(Locale.ROOT)).toList()));
            }
            return parsed;
        });
        if (!errors.isEmpty()) {
            throw ApiException.invalidRequest(errors);
        }
        Optional<String> connector = Optional.ofNullable(ctx.queryParam("connector_id"));
        Page<LinkedAccount> result = accounts.list(new AccountQuery(caller.viewer(), connector,
                Optional.ofNullable(ctx.queryParam("owner_id")), status, Optional.ofNullable(ctx.queryParam("label")),
                page.limit(), page.after()));
        // A misspelt connector is refused as an unknown status is; one removed from the server still lists the
        // accounts linked with it, so only a first page with nothing on it is refused.
        if (result.items().isEmpty() && page.after().isEmpty() && connector.isPresent()
                && catalog.descriptions().stream().noneMatch(d -> d.id().equals(connector.get()))) {
            throw ApiException.invalidRequest(List.of(new FieldError("connector_id", "invalid", "connector_id '"
                    + connector.get() + "' is no connector of this server (GET /v1/connectors lists them) and no "
                    + "account has it")));
        }
        ctx.json(new Paging.PageView(result.items().stream().map(AccountView::of).toList(),
                result.nextCursor().map(page::cursorAfter)));
    }

    /** An edit-mode connect session may read the account it re-keys, so the page can name it to the user. */
    private void get(Context ctx) {
        Caller caller = auth.keyOrSession(ctx, Scope.ACCOUNTS_READ);
        String id = ctx.pathParam("account_id");
        editSessionFor(caller, id, "reading an account");
        Optional<IfMatch> ifNoneMatch = IfMatch.readNoneMatch(ctx);
        LinkedAccount account = accounts.get(caller.viewer(), id);
        etag(ctx, account);
        // Compared weakly (RFC 9110 13.1.2): the caller's copy is current, so no body.
        if (ifNoneMatch.filter(m -> m.matchesWeakly(etagOf(account))).isPresent()) {
            ctx.status(304);
            return;
        }
        ctx.json(AccountView.of(account));
    }

    private void update(Context ctx) {
        Caller.Key caller = auth.key(ctx, Scope.ACCOUNTS_WRITE);
        String id = ctx.pathParam("account_id");
        Fields body = Fields.ofBody(ctx);
        Optional<String> label = body.optionalString("label");
        Optional<String> visibilityField = body.optionalString("visibility");
        Optional<Long> versionField = body.optionalLong("version");
        body.done();
        if (label.isEmpty() && visibilityField.isEmpty()) {
            throw new ApiException(400, "nothing_to_change", "Nothing to change", "The request changes nothing: "
                    + "send label, visibility or both (version or If-Match only guard a change)",
                    List.of(new FieldError("label", "nothing_to_change", "Send label, visibility or both")),
                    Map.of("changeable", List.of("label", "visibility")), Map.of());
        }
        Optional<IfMatch> ifMatch = IfMatch.read(ctx);
        Optional<IfMatch> ifNoneMatch = noneMatchOnChange(ctx);
        LinkedAccount now = manageable(caller.viewer(), id);
        ifNoneMatch.ifPresent(m -> exists(now));
        if (versionField.isPresent() && versionField.get() < 0) {
            // No account is ever at such a version: a wrong value, not a stale one.
            throw ApiException.invalidInput(List.of(new FieldError("version", "range",
                    "version must be a whole number from 0 (an account's version, as its ETag shows)")));
        }
        Optional<Long> expected = versionField;
        if (ifMatch.isEmpty() && versionField.isPresent() && versionField.get() != now.version()) {
            throw new ApiException(409, "stale_version", "Conflict", "Account " + now.id() + " is at version "
                    + now.version() + ", not the version " + versionField.get() + " the body names; reload it and "
                    + "retry", List.of(new FieldError("version", "stale_version", "version " + versionField.get()
                    + " is not the account's current version " + now.version())), Map.of(),
                    Map.of("ETag", etagOf(now)));
        }
        if (ifMatch.isPresent()) {
            long current = precondition(ifMatch.get(), now);
            // Both are preconditions: a version that is not the current one fails like an If-Match that names
            // none (412), whether If-Match listed it or was *. Without If-Match a stale version is a conflict (409).
            if (versionField.isPresent() && versionField.get() != current) {
                throw new ApiException(412, "stale_version", "Precondition failed", "Account " + now.id() + " is at "
                        + "version " + current + ", not the version " + versionField.get() + " the body names; "
                        + "reload it and retry", List.of(new FieldError("version", "stale_version", "version "
                        + versionField.get() + " is not the account's current version " + current)), Map.of(),
                        Map.of("ETag", etagOf(now)));
            }
            expected = Optional.of(current);
        }
        // The values last (the label is checked where it is stored): 422 only for a change that may be made.
        List<FieldError> errors = new ArrayList<>();
        Optional<Visibility> visibility = visibilityField.map(v -> visibility(v, errors));
        if (!errors.isEmpty()) {
            throw ApiException.invalidInput(errors);
        }
        LinkedAccount account = accounts.edit(caller.viewer(), id, label, visibility, expected);
        etag(ctx, account);
        ctx.json(AccountView.of(account));
    }

    private void disconnect(Context ctx) {
        Caller.Key caller = auth.key(ctx, Scope.ACCOUNTS_WRITE);
        String id = ctx.pathParam("account_id");
        Optional<IfMatch> ifMatch = IfMatch.read(ctx);
        if (noneMatchOnChange(ctx).isPresent()) {
            exists(manageable(caller.viewer(), id));
        }
        // With If-Match only the version it names is deleted, atomically: a change in between is a 412.
        Optional<Long> expected = ifMatch.map(m -> precondition(m, manageable(caller.viewer(), id)));
        accounts.disconnect(caller.viewer(), id, expected);
        ctx.status(204);
    }

    private void rotate(Context ctx) {
        Caller caller = auth.keyOrSession(ctx, Scope.ACCOUNTS_WRITE);
        String id = ctx.pathParam("account_id");
        Optional<ConnectSession> session = editSessionFor(caller, id, "replacing credentials");
        Fields body = Fields.ofBody(ctx);
        CredentialsInput input = CredentialsInput.read(body);
        body.done();
        Optional<IfMatch> ifMatch = IfMatch.read(ctx);
        Optional<IfMatch> ifNoneMatch = noneMatchOnChange(ctx);
        // Before the credentials' format, which is checked against the account's connector.
        LinkedAccount current = manageable(caller.viewer(), id);
        ifNoneMatch.ifPresent(m -> exists(current));
        // The version If-Match matched is compared again where the rotation is stored, atomically.
        Optional<Long> expected = ifMatch.map(m -> precondition(m, current));
        Connector connector = catalog.get(current.connectorId());
        // An edit session allows one change: claimed first, so a concurrent attempt with it waits its turn (409),
        // released if this change fails. Used up just before the change is stored, only while the claim is still
        // this attempt's (one that lapsed and was taken over stores nothing), and given back if storing fails.
        Optional<Instant> claim = session.map(sessions::claim);
        ChangeGuard guard = claim.map(until -> sessions.spendBeforeStoring(session.get(), until))
                .orElse(ChangeGuard.NONE);
        LinkResult result;
        try {
            result = links.rotate(caller.viewer(), id, input.credentials(connector), expected, guard);
        } catch (RuntimeException e) {
            claim.ifPresent(until -> sessions.release(session.get(), until));
            throw e;
        }
        etag(ctx, result.account());
        ctx.json(new AccountView.Linked(AccountView.of(result.account()), NoticeView.of(result.warnings())));
    }

    private void verify(Context ctx) {
        Caller.Key caller = auth.key(ctx, Scope.ACCOUNTS_WRITE);
        String id = ctx.pathParam("account_id");
        Optional<IfMatch> ifMatch = IfMatch.read(ctx);
        if (noneMatchOnChange(ctx).isPresent()) {
            exists(manageable(caller.viewer(), id));
        }
        Optional<Long> expected = ifMatch.map(m -> precondition(m, manageable(caller.viewer(), id)));
        LinkedAccount account = links.reverify(caller.viewer(), id, expected);
        etag(ctx, account);
        ctx.json(AccountView.of(account));
    }

    private static Visibility visibility(String value, List<FieldError> errors) {
        return Arrays.stream(Visibility.values())
                .filter(v -> v.name().toLowerCase(Locale.ROOT).equals(value))
                .findFirst()
                .orElseGet(() -> {
                    errors.add(new FieldError("visibility", "invalid", "visibility must be one of "
                            + Arrays.stream(Visibility.values()).map(v -> v.name().toLowerCase(Locale.ROOT)).toList()));
                    return null;
                });
    }

    /**
     * The caller's connect session, when it is one, which must be an edit-mode session for this account.
     *
     * @throws ApiException 403 {@code session_not_for_account} for any other session
     */
    private static Optional<ConnectSession> editSessionFor(Caller caller, String accountId, String what) {
        if (!(caller instanceof Caller.Session s)) {
            return Optional.empty();
        }
        if (!s.session().accountId().equals(Optional.of(accountId))) {
            throw new ApiException(403, "session_not_for_account", "Not allowed for this session",
                    s.session().editMode() ? "This connect session may only read and replace the credentials of "
                            + "account " + s.session().accountId().get()
                            : "This connect session links new accounts; " + what + " needs an edit-mode session "
                            + "(created with account_id)");
        }
        return Optional.of(s.session());
    }

    /**
     * The account if the viewer may see it (404 otherwise) and change it (403 {@code not_account_owner}). Checked
     * before If-Match and the request's values: a user who may not change the account learns neither its version
     * (a 412 carries the ETag) nor which values would pass.
     */
    private LinkedAccount manageable(Viewer viewer, String id) {
        LinkedAccount account = accounts.get(viewer, id);
        if (!viewer.canManage(account)) {
            throw new ForbiddenException("not_account_owner",
                    "Only the owner of account " + id + " or a tenant-wide key may change it");
        }
        return account;
    }

    /**
     * Checks If-Match against the account as it is now.
     *
     * @return the account's version, which the change that follows must still find
     * @throws ApiException 412 carrying the account's current ETag when If-Match does not name it
     */
    private static long precondition(IfMatch ifMatch, LinkedAccount current) {
        if (!ifMatch.matches(etagOf(current))) {
            throw IfMatch.failed("Account " + current.id(), etagOf(current));
        }
        return current.version();
    }

    /**
     * If-None-Match on a change: only {@code *} ("only if there is none"), which an existing account fails. A list
     * of tags is refused: the API server would answer 304 to a change whose new ETag the list names.
     *
     * @throws ApiException 400 {@code invalid_precondition} naming the header for anything but {@code *}
     */
    private static Optional<IfMatch> noneMatchOnChange(Context ctx) {
        Optional<IfMatch> ifNoneMatch = IfMatch.readNoneMatch(ctx);
        if (ifNoneMatch.filter(m -> !m.any()).isPresent()) {
            throw new ApiException(400, "invalid_precondition", "Invalid precondition", IfMatch.NONE_MATCH
                    + " on a change takes only *; send If-Match to change a given version",
                    List.of(new FieldError(IfMatch.NONE_MATCH, "unsupported", IfMatch.NONE_MATCH + " on a change "
                            + "takes only *")), Map.of(), Map.of());
        }
        return ifNoneMatch;
    }

    /** The 412 for If-None-Match: * on an account, which exists: it carries the account's ETag. */
    private static void exists(LinkedAccount account) {
        throw new ApiException(412, "stale_version", "Precondition failed", "Account " + account.id() + " exists "
                + "(ETag " + etagOf(account) + "); If-None-Match: * only passes where there is none", List.of(),
                Map.of(), Map.of("ETag", etagOf(account)));
    }

    private static String etagOf(LinkedAccount account) {
        return "\"" + account.version() + "\"";
    }

    private static void etag(Context ctx, LinkedAccount account) {
        ctx.header("ETag", etagOf(account));
    }
}
