package io.patchbay.connector.toggl;

import io.patchbay.connector.toggl.TogglFailures.Op;
import io.patchbay.spi.ActionCall;
import io.patchbay.spi.ActionDefinition;
import io.patchbay.spi.ActionResult;
import io.patchbay.spi.Connector;
import io.patchbay.spi.ConnectorContext;
import io.patchbay.spi.ConnectorInfo;
import io.patchbay.spi.CredentialSpec;
import io.patchbay.spi.Credentials;
import io.patchbay.spi.ProviderTokenReset;
import io.patchbay.spi.ProviderUnavailable;
import io.patchbay.spi.ProxyTarget;
import io.patchbay.spi.Verification;
import io.patchbay.spi.WebhookSubscriptions;
import io.patchbay.spi.WebhookVerifier;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import okhttp3.ResponseBody;

/** Toggl Track: credentials, live check, actions, pass-through, token reset and webhooks. Thread-safe. */
final class TogglConnector implements Connector, ProviderTokenReset, WebhookSubscriptions, WebhookVerifier {
    static final String ID = "toggl";
    static final URI DEFAULT_BASE_URL = URI.create("https://api.track.toggl.com");

    private static final Op RESET_TOKEN = Op.write("POST /api/v9/me/reset_token");
    /**
     * Credentials Toggl hands out in answers: the API token ({@code /me}, workspaces), a webhook subscription's
     * signing secret, a desktop sign-in token, the workspace's iCal feed URL (read without signing in), a
     * workspace user's invitation link and code, and members named plainly {@code token}: a saved report's share
     * token (the report is read without signing in), an SSO invitation's token and a data export's download token.
     */
    private static final Set<String> PROXY_SECRET_FIELDS = Set.of("api_token", "secret", "login_token", "ical_url",
            "invite_url", "invitation_code", "token");
    /** Routes whose answer is a new credential, a bare JSON string or a redirect that no member mask can catch. */
    private static final List<ProxyTarget.BlockedRoute> PROXY_BLOCKED_ROUTES = List.of(
            new ProxyTarget.BlockedRoute("POST", "api/v9/me/reset_token", "it would hand the new API token to the "
                    + "caller and leave the linked account with the old one, which stops working; reset the token in "
                    + "Toggl's profile settings, then rotate the account's credentials "
                    + "(PUT /v1/accounts/{account_id}/credentials)"),
            new ProxyTarget.BlockedRoute("POST", "api/v9/desktop_login_tokens", "it mints a token that signs in "
                    + "to Toggl as this user, a credential as strong as the API token; sign in to the Toggl desktop "
                    + "app with the user's own login instead"),
            new ProxyTarget.BlockedRoute("GET", "api/v9/desktop_login", "it mints a token that signs in to Toggl "
                    + "as this user, a credential as strong as the API token; sign in to the Toggl desktop app with "
                    + "the user's own login instead"),
            new ProxyTarget.BlockedRoute("POST", "api/v9/workspaces/{workspace_id}/ical/reset", "it replaces the "
                    + "workspace's iCal feed URL, which anyone holding it can read without signing in, and answers "
                    + "the new one; reset the feed in Toggl itself"),
            new ProxyTarget.BlockedRoute("POST", "api/v9/workspaces/{workspace_id}/ical/toggle", "it switches the "
                    + "workspace's iCal feed on or off and answers the feed's secret link as a bare JSON string, "
                    + "which anyone holding it can read without signing in; switch the feed in Toggl itself"));

    private final ConnectorInfo info;
    private final URI baseUrl;
    private final TogglHttp http;
    private final TogglVerifier verifier;
    private final TogglActions actions;
    private final TogglWebhooks webhooks;
    private final List<ActionDefinition> definitions = TogglActionCatalog.definitions();

    TogglConnector(ConnectorContext context, String version) {
        this.info = new ConnectorInfo(ID, "Toggl Track",
                "Time tracking: time entries, timers, projects, clients, tags, tasks and reports of Toggl Track "
                        + "workspaces.", version, URI.create("https://toggl.com/track/"));
        this.baseUrl = context.baseUrl(DEFAULT_BASE_URL);
        TogglSettings settings = TogglSettings.from(context.settings());
        this.http = new TogglHttp(baseUrl, context, settings, "Patchbay-Toggl/" + version);
        this.verifier = new TogglVerifier(http);
        this.webhooks = new TogglWebhooks(http);
        this.actions = new TogglActions(http, new TogglReports(http), webhooks);
    }

    @Override
    public ConnectorInfo info() {
        return info;
    }

    @Override
    public CredentialSpec credentialSpec() {
        return TogglCredentials.SPEC;
    }

    @Override
    public Verification verify(Credentials credentials) {
        return http.within(() -> verifier.verify(credentials));
    }

    @Override
    public List<ActionDefinition> actions() {
        return definitions;
    }

    @Override
    public ActionResult invoke(ActionCall call) {
        return http.within(() -> actions.invoke(call));
    }

    /**
     * Basic auth for every path below the base URL. {@code Set-Cookie} is stripped: a session cookie Toggl might
     * set on a Basic-authenticated request is as good as the password and must not reach the caller. Toggl hands
     * out the API token as {@code api_token} ({@code GET /me}, also to an account linked by email and password,
     * which stores no token to mask) and other credentials in named members ({@link #PROXY_SECRET_FIELDS}); a
     * token reset would give the caller the new token while the account kept the dead one, and the other blocked
     * routes answer a new credential no member name marks. Proxied requests keep to the pace of the connector's
     * own: Toggl's leaky bucket counts them all for the token.
     */
    @Override
    public ProxyTarget proxyTarget(Credentials credentials) {
        TogglCredentials.requireWellFormed(credentials);
        return new ProxyTarget(baseUrl, Map.of(TogglApi.AUTH, TogglCredentials.authorization(credentials)),
                Set.of("set-cookie"), Set.of(), PROXY_SECRET_FIELDS, PROXY_BLOCKED_ROUTES)
                .withAdmission(http.admission(credentials));
    }

    @Override
    public URI baseUrl() {
        return baseUrl;
    }

    /**
     * {@code POST /me/reset_token}: the old token stops working at once and the answer is the new one, a JSON
     * string in practice; a bare token is read too. Returns API-token credentials even when the account was linked
     * by email and password.
     */
    @Override
    public Credentials resetToken(Credentials current) {
        return http.within(() -> reset(current));
    }

    private Credentials reset(Credentials current) {
        String body;
        try (ResponseBody answer = http.call(current, RESET_TOKEN, auth -> http.api().resetToken(auth))) {
            body = answer == null ? "" : answer.string();
        } catch (IOException e) {
            throw unreadableReset(e);
        }
        return TogglCredentials.apiToken(newToken(body).orElseThrow(() -> unreadableReset(null)));
    }

    /** The token in a reset answer: a JSON string or the bare token, nothing else. */
    static Optional<String> newToken(String body) {
        String text = body == null ? "" : body.strip();
        if (text.length() >= 2 && text.startsWith("\"") && text.endsWith("\"")) {
            text = text.substring(1, text.length() - 1).strip();
        }
        return text.matches(TogglCredentials.TOKEN_PATTERN) ? Optional.of(text) : Optional.empty();
    }

    /** The reset may have happened: say so, and where the user finds the token that works now. */
    private static ProviderUnavailable unreadableReset(Exception cause) {
        return new ProviderUnavailable("unreadable_response", "Toggl did not answer a token in the expected format ("
                + RESET_TOKEN.what() + "); the reset may have happened, so the old token may no longer work: copy the "
                + "current one from Toggl's Profile settings (API Token section) and link again", cause);
    }

    @Override
    public Subscription create(Credentials credentials, String workspaceId, URI callbackUrl, List<String> events,
                               String description) {
        return http.within(() -> webhooks.create(credentials, workspaceId, callbackUrl, events, description));
    }

    @Override
    public List<Subscription> list(Credentials credentials, String workspaceId) {
        return http.within(() -> webhooks.list(credentials, workspaceId));
    }

    @Override
    public void delete(Credentials credentials, String workspaceId, String subscriptionId) {
        http.within(() -> webhooks.delete(credentials, workspaceId, subscriptionId));
    }

    @Override
    public boolean verify(Map<String, String> headers, byte[] body, String secret) {
        return TogglWebhooks.verify(headers, body, secret);
    }

    @Override
    public void close() {
        http.close();
    }

    @Override
    public String toString() {
        return "TogglConnector[" + baseUrl + "]";
    }
}
