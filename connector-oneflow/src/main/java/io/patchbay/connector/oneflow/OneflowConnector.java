package io.patchbay.connector.oneflow;

import io.patchbay.spi.ActionCall;
import io.patchbay.spi.ActionDefinition;
import io.patchbay.spi.ActionResult;
import io.patchbay.spi.Connector;
import io.patchbay.spi.ConnectorContext;
import io.patchbay.spi.ConnectorInfo;
import io.patchbay.spi.CredentialSpec;
import io.patchbay.spi.Credentials;
import io.patchbay.spi.FieldError;
import io.patchbay.spi.ProxyTarget;
import io.patchbay.spi.Verification;
import io.patchbay.spi.WebhookVerifier;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The Oneflow connector: an account API token plus the email of the user every call acts as. */
final class OneflowConnector implements Connector, WebhookVerifier {
    static final URI DEFAULT_BASE_URL = URI.create("https://api.oneflow.com/v1");

    private final ConnectorInfo info;
    private final OneflowHttp http;
    private final OneflowVerifier verifier;
    private final OneflowActions actions;

    OneflowConnector(ConnectorContext context, String version) {
        this.info = new ConnectorInfo(OneflowConnectorFactory.ID, "Oneflow",
                "Contracts in Oneflow: list workspaces, templates and contracts, create and publish contracts "
                        + "from templates, read and fill data fields, follow events and download signed files.",
                version, URI.create("https://oneflow.com"));
        this.http = new OneflowHttp(context.baseUrl(DEFAULT_BASE_URL), context,
                OneflowSettings.from(context.settings()));
        this.verifier = new OneflowVerifier(http);
        this.actions = new OneflowActions(http);
    }

    @Override
    public ConnectorInfo info() {
        return info;
    }

    @Override
    public CredentialSpec credentialSpec() {
        return OneflowCredentials.SPEC;
    }

    @Override
    public List<FieldError> checkFormat(Credentials credentials) {
        return OneflowCredentials.check(credentials);
    }

    @Override
    public Verification verify(Credentials credentials) {
        return http.within(() -> verifier.verify(OneflowCredentials.auth(credentials)));
    }

    @Override
    public List<ActionDefinition> actions() {
        return actions.definitions();
    }

    @Override
    public ActionResult invoke(ActionCall call) {
        return http.within(() -> actions.invoke(call));
    }

    /**
     * Both headers; only the token is secret. The user's email is data Oneflow answers everywhere (users,
     * participants, parties): masked, it would be lost from every answer.
     */
    @Override
    public ProxyTarget proxyTarget(Credentials credentials) {
        OneflowApi.Auth auth = OneflowCredentials.auth(credentials);
        return new ProxyTarget(http.baseUrl(), auth.headers(), Set.of("set-cookie"),
                Set.of(OneflowApi.Auth.EMAIL_HEADER), Set.of(), List.of()).withAdmission(http.admission(auth.token()));
    }

    @Override
    public URI baseUrl() {
        return http.baseUrl();
    }

    /** Checks {@code signature = sha1(callback_id + sign_key)} in the body; Oneflow signs no header. */
    @Override
    public boolean verify(Map<String, String> headers, byte[] body, String secret) {
        return OneflowWebhooks.verify(body, secret);
    }

    @Override
    public void close() {
        http.close();
    }
}
