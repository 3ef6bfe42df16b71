package io.patchbay.server.access;

import io.javalin.http.Context;
import io.patchbay.core.Ids;
import io.patchbay.core.access.ApiKey;
import io.patchbay.core.access.ConnectSession;
import io.patchbay.core.account.Viewer;
import io.patchbay.server.http.ApiException;
import io.patchbay.server.http.Json;
import io.patchbay.spi.FieldError;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Authenticates a request's {@code Authorization: Bearer} token and checks what it may do. Each route says what
 * it accepts: {@link #key} for API-key-only routes, {@link #keyOrSession} where a connect session may act too.
 *
 * <p>A key acts tenant-wide, or for one end user when the request carries {@value #OWNER_HEADER} (and optionally
 * {@value #TEAM_HEADER}): then the visibility rules of that user apply.
 */
@Singleton
public final class Authenticator {
    public static final String OWNER_HEADER = "Patchbay-Owner-Id";
    public static final String TEAM_HEADER = "Patchbay-Team-Id";
    private static final String AUTHORIZATION = "Authorization";
    /** The request attribute holding the caller, for logs. */
    public static final String CALLER_ATTRIBUTE = "patchbay.caller";

    private final ApiKeyService keys;
    private final ConnectSessionService sessions;

    @Inject
    public Authenticator(ApiKeyService keys, ConnectSessionService sessions) {
        this.keys = Objects.requireNonNull(keys, "keys");
        this.sessions = Objects.requireNonNull(sessions, "sessions");
    }

    /** An API key with {@code scope}; connect sessions are refused. */
    public Caller.Key key(Context ctx, Scope scope) {
        Caller.Key caller = key(headers(ctx), scope, true).orElseThrow();
        ctx.attribute(CALLER_ATTRIBUTE, caller);
        return caller;
    }

    /**
     * As {@link #key(Context, Scope)}, for requests outside Javalin.
     *
     * @param headers  every value (field line) of a request header by name, case-insensitively; empty when absent
     * @param mayBlock false on an event loop: then empty when deciding needs the database (a key not seen
     *                 recently, a connect session); the caller asks again with true on a thread that may wait
     */
    public Optional<Caller.Key> key(Function<String, List<String>> headers, Scope scope, boolean mayBlock) {
        String token = bearer(single(headers, AUTHORIZATION));
        if (token.startsWith(Tokens.SESSION_PREFIX)) {
            if (!mayBlock) {
                return Optional.empty();
            }
            ConnectSession session = sessions.authenticate(token);
            // Told by mode: an edit-mode session cannot link, so "can only link" would mislead its caller.
            String may = session.editMode()
                    ? "An edit-mode connect session may only read account " + session.accountId().orElseThrow()
                            + " and replace its credentials"
                    : "A link-mode connect session may only link new accounts";
            throw new ApiException(403, "session_not_allowed", "Not allowed for connect sessions", may
                    + " (and read its connectors); this route needs an API key with scope '" + scope.value() + "'");
        }
        requireApiKeyForm(token);
        Optional<ApiKey> apiKey;
        if (scope == Scope.ADMIN) {
            // Read at the store every time: a key revoked on another instance would otherwise mint keys until
            // that instance's cached copy expires, and a key made then would outlive the revocation.
            if (!mayBlock) {
                return Optional.empty();
            }
            apiKey = Optional.of(keys.authenticateAtStore(token).orElseThrow(Authenticator::invalidApiKey));
        } else {
            apiKey = mayBlock ? Optional.of(apiKey(token)) : keys.recentlyAuthenticated(token);
        }
        if (apiKey.isEmpty()) {
            return Optional.empty();
        }
        requireScope(apiKey.get(), scope);
        return Optional.of(new Caller.Key(apiKey.get(), viewer(headers, apiKey.get().tenantId())));
    }

    /** An API key with {@code scope}, or a live connect session (whose own scope the route checks). */
    public Caller keyOrSession(Context ctx, Scope scope) {
        String token = bearer(single(headers(ctx), AUTHORIZATION));
        if (token.startsWith(Tokens.SESSION_PREFIX)) {
            return session(ctx, token);
        }
        return key(ctx, scope);
    }

    /** Any valid API key of a tenant, or a connect session: for reading the connector catalog. */
    public Caller anyCaller(Context ctx) {
        String token = bearer(single(headers(ctx), AUTHORIZATION));
        if (token.startsWith(Tokens.SESSION_PREFIX)) {
            return session(ctx, token);
        }
        ApiKey apiKey = apiKey(token);
        Caller.Key caller = new Caller.Key(apiKey, viewer(headers(ctx), apiKey.tenantId()));
        ctx.attribute(CALLER_ATTRIBUTE, caller);
        return caller;
    }

    /**
     * A live connect session as the caller. It acts for its own end user and team only, so owner or team headers
     * naming others are refused rather than ignored: the caller meant someone else.
     */
    private Caller.Session session(Context ctx, String token) {
        Caller.Session caller = new Caller.Session(sessions.authenticate(token));
        Viewer viewer = caller.viewer();
        List<FieldError> errors = new ArrayList<>();
        Optional.ofNullable(single(headers(ctx), OWNER_HEADER)).map(o -> utf8(OWNER_HEADER, o, errors))
                .filter(owner -> !viewer.ownerId().orElseThrow().equals(owner))
                .ifPresent(owner -> errors.add(new FieldError(OWNER_HEADER, "owner_mismatch", OWNER_HEADER
                        + " differs from the connect session's end user; a session acts for its own end user only")));
        Optional.ofNullable(single(headers(ctx), TEAM_HEADER)).map(t -> utf8(TEAM_HEADER, t, errors))
                .filter(team -> !viewer.teamId().equals(Optional.of(team)))
                .ifPresent(team -> errors.add(new FieldError(TEAM_HEADER, "owner_mismatch", TEAM_HEADER
                        + " differs from the connect session's team (" + (viewer.teamId().isPresent() ? "another"
                        : "it names none") + "); a session acts for its own team only")));
        if (!errors.isEmpty()) {
            throw ApiException.invalidRequest(errors);
        }
        ctx.attribute(CALLER_ATTRIBUTE, caller);
        return caller;
    }

    /**
     * Checks that an authenticated key also holds {@code scopes}, for a request that goes on to grant what those
     * scopes allow (an edit-mode connect session reads and re-keys an account).
     *
     * @throws ApiException 403 {@code insufficient_scope} naming the first missing scope and {@code why}
     */
    public void requireScopes(Caller.Key caller, String why, Scope... scopes) {
        for (Scope scope : scopes) {
            if (!caller.apiKey().scopes().contains(scope.value())) {
                throw new ApiException(403, "insufficient_scope", "Insufficient scope", "API key "
                        + caller.apiKey().id() + " lacks the scope '" + scope.value() + "' " + why + "; it has "
                        + caller.apiKey().scopes(), List.of(), Map.of("required_scope", scope.value()), Map.of());
            }
        }
    }

    private ApiKey apiKey(String token) {
        requireApiKeyForm(token);
        return keys.authenticate(token).orElseThrow(Authenticator::invalidApiKey);
    }

    private static ApiException invalidApiKey() {
        return unauthorized("invalid_api_key", "Invalid API key", "The API key is not known or was revoked");
    }

    private static void requireApiKeyForm(String token) {
        if (!token.startsWith(Tokens.API_KEY_PREFIX)) {
            throw unauthorized("invalid_token", "Invalid token", "The bearer token is neither an API key ("
                    + Tokens.API_KEY_PREFIX + "…) nor a connect session token (" + Tokens.SESSION_PREFIX + "…)");
        }
    }

    private static void requireScope(ApiKey apiKey, Scope scope) {
        if (!apiKey.scopes().contains(scope.value())) {
            throw new ApiException(403, "insufficient_scope", "Insufficient scope", "API key " + apiKey.id()
                    + " lacks the scope '" + scope.value() + "' this route needs; it has " + apiKey.scopes(),
                    List.of(), Map.of("required_scope", scope.value()), Map.of());
        }
    }

    /** Every field line of a header of a Javalin request. */
    private static Function<String, List<String>> headers(Context ctx) {
        return name -> Collections.list(ctx.req().getHeaders(name));
    }

    /**
     * The one value of a header that decides who acts, or null when absent. Sent twice, it is refused rather than
     * read first-wins: a gateway that appends its own value after a client's would otherwise act as the client chose.
     *
     * @throws ApiException 400 {@code invalid_request} naming the header, error code {@code repeated}
     */
    private static String single(Function<String, List<String>> headers, String name) {
        List<String> values = headers.apply(name);
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw ApiException.invalidRequest(List.of(new FieldError(name, "repeated", name
                    + " is given more than once; send it once")));
        }
        return values.get(0);
    }

    private static String bearer(String header) {
        if (header == null || header.isBlank()) {
            throw unauthenticated("Send an API key or a connect session token as 'Authorization: Bearer <token>'");
        }
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() <= 7) {
            throw unauthenticated("The Authorization header must use the Bearer scheme: 'Authorization: Bearer <token>'");
        }
        return header.substring(7).strip();
    }

    /** No bearer token at all: RFC 6750 (3.1) asks for the scheme alone then, without an error code. */
    private static ApiException unauthenticated(String detail) {
        return new ApiException(401, "unauthenticated", "Authentication required", detail, List.of(), Map.of(),
                Map.of("WWW-Authenticate", "Bearer"));
    }

    private static Viewer viewer(Function<String, List<String>> headers, String tenantId) {
        List<FieldError> errors = new ArrayList<>();
        Optional<String> owner = Optional.ofNullable(single(headers, OWNER_HEADER))
                .map(o -> utf8(OWNER_HEADER, o, errors));
        Optional<String> team = Optional.ofNullable(single(headers, TEAM_HEADER))
                .map(t -> utf8(TEAM_HEADER, t, errors));
        owner.flatMap(o -> Ids.check(OWNER_HEADER, o)).ifPresent(errors::add);
        team.flatMap(t -> Ids.check(TEAM_HEADER, t)).ifPresent(errors::add);
        if (owner.isEmpty() && team.isPresent()) {
            errors.add(new FieldError(TEAM_HEADER, "owner_required", TEAM_HEADER + " needs " + OWNER_HEADER
                    + ": a team is only meaningful for an end user"));
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalidRequest(errors);
        }
        return new Viewer(tenantId, owner, team);
    }

    /**
     * A header value as the text its sender meant. Both HTTP servers hand header bytes over one char per byte
     * (ISO-8859-1), while an application sends a non-ASCII end user id as UTF-8, as it does in a JSON body; read
     * as sent, "josé" would become another user, "josÃ©".
     */
    static String utf8(String header, String value, List<FieldError> errors) {
        int highest = 0;
        for (int i = 0; i < value.length(); i++) {
            highest = Math.max(highest, value.charAt(i));
        }
        if (highest < 0x80 || highest > 0xFF) {
            return value; // ASCII, or already decoded
        }
        try {
            return Json.strictUtf8(value.getBytes(StandardCharsets.ISO_8859_1));
        } catch (CharacterCodingException e) {
            errors.add(new FieldError(header, "invalid_encoding", header + " must be UTF-8 text"));
            return value;
        }
    }

    static ApiException unauthorized(String code, String title, String detail) {
        return ConnectSessionService.unauthorized(code, title, detail);
    }
}
