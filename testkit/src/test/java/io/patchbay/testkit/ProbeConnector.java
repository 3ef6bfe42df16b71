package io.patchbay.testkit;

import io.patchbay.spi.ActionCall;
import io.patchbay.spi.ActionDefinition;
import io.patchbay.spi.ActionResult;
import io.patchbay.spi.AuthMethod;
import io.patchbay.spi.Connector;
import io.patchbay.spi.ConnectorContext;
import io.patchbay.spi.ConnectorFactory;
import io.patchbay.spi.ConnectorInfo;
import io.patchbay.spi.CredentialField;
import io.patchbay.spi.CredentialSpec;
import io.patchbay.spi.Credentials;
import io.patchbay.spi.InvalidCredentials;
import io.patchbay.spi.ProviderIdentity;
import io.patchbay.spi.ProviderUnavailable;
import io.patchbay.spi.ProxyTarget;
import io.patchbay.spi.Verification;
import io.patchbay.spi.Workspace;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A small real connector for the kit's own tests: {@code GET <base>/api/me} with a bearer token. Each {@link Flaw}
 * breaks one rule the kit must catch; {@link Flaw#NONE} keeps them all.
 */
final class ProbeConnector implements Connector {
    static final String ID = "probe";
    static final String GOOD_TOKEN = "probe-token-0123456789";
    static final String BAD_TOKEN = "probe-token-9876543210";
    private static final URI DEFAULT_BASE = URI.create("https://probe.invalid");

    enum Flaw {
        NONE, IGNORES_BASE_URL, LOGS_TOKEN, IGNORES_CALL_TIMEOUT, INPUT_NOT_AN_OBJECT, UNKNOWN_TYPE,
        REQUIRED_NOT_A_PROPERTY, INVALID_JSON, PROXY_ELSEWHERE
    }

    /** A factory for one flaw. */
    record Factory(Flaw flaw) implements ConnectorFactory {
        @Override
        public String id() {
            return ID;
        }

        @Override
        public Connector create(ConnectorContext context) {
            return new ProbeConnector(context, flaw);
        }
    }

    private final ConnectorContext context;
    private final Flaw flaw;
    private final URI base;
    private final HttpClient http;

    private ProbeConnector(ConnectorContext context, Flaw flaw) {
        this.context = context;
        this.flaw = flaw;
        // Port 9 (discard) on the loopback: a fixed address where nothing answers, like a hard-coded provider URL.
        this.base = flaw == Flaw.IGNORES_BASE_URL ? URI.create("http://127.0.0.1:9") : context.baseUrl(DEFAULT_BASE);
        this.http = HttpClient.newBuilder().connectTimeout(context.connectTimeout()).build();
    }

    @Override
    public ConnectorInfo info() {
        return new ConnectorInfo(ID, "Probe", "The conformance kit's own test connector", "1.0.0", DEFAULT_BASE);
    }

    @Override
    public CredentialSpec credentialSpec() {
        return CredentialSpec.of(new AuthMethod("api_token", "API token", true,
                List.of(CredentialField.secret("api_token", "API token", "The probe's token")),
                List.of("Use the token the test gives"), List.of()));
    }

    @Override
    public Verification verify(Credentials credentials) {
        String token = credentials.require("api_token");
        if (flaw == Flaw.LOGS_TOKEN) {
            context.logger().log(System.Logger.Level.DEBUG, "Verifying with token {0}", token);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base.toString().replaceAll("/+$", "")
                + "/api/me")).header("Authorization", "Bearer " + token);
        if (flaw != Flaw.IGNORES_CALL_TIMEOUT) {
            request.timeout(context.callTimeout());
        }
        int status;
        try {
            status = http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (HttpTimeoutException e) {
            throw new ProviderUnavailable(ProviderUnavailable.TIMEOUT, "The probe did not answer in time", e);
        } catch (IOException e) {
            throw new ProviderUnavailable(ProviderUnavailable.UNREACHABLE, "The probe could not be reached", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderUnavailable("interrupted", e);
        }
        if (status == 401) {
            throw new InvalidCredentials("invalid_credentials", "api_token", "The probe refused the token");
        }
        if (status != 200) {
            throw new ProviderUnavailable("provider_error", "The probe answered HTTP " + status, null);
        }
        return new Verification(new ProviderIdentity("u1", Optional.empty(), "Probe user", Optional.empty(),
                Map.of()), List.of(new Workspace("w1", "Probe workspace", "admin", true, List.of())), List.of());
    }

    @Override
    public List<ActionDefinition> actions() {
        String input = switch (flaw) {
            case INPUT_NOT_AN_OBJECT -> "{\"type\":\"array\",\"items\":{\"type\":\"string\"}}";
            case UNKNOWN_TYPE -> "{\"type\":\"object\",\"properties\":{\"limit\":{\"type\":\"int\"}}}";
            case REQUIRED_NOT_A_PROPERTY -> "{\"type\":\"object\",\"required\":[\"limt\"],"
                    + "\"properties\":{\"limit\":{\"type\":\"integer\"}}}";
            case INVALID_JSON -> "{\"type\":\"object\",\"properties\":{\"limit\":{\"type\":\"integer\"}}";
            default -> "{\"type\":\"object\",\"required\":[\"limit\"],\"properties\":{\"limit\":{\"type\":\"integer\"},"
                    + "\"type\":{\"enum\":[\"a\",\"b\"]}},\"oneOf\":[{\"required\":[\"type\"]},{\"required\":[]}]}";
        };
        return List.of(new ActionDefinition("whoami", "Who am I", "The probe's user", input,
                "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\"}}}", true));
    }

    @Override
    public ActionResult invoke(ActionCall call) {
        return new ActionResult(Map.of("id", verify(call.credentials()).identity().id()));
    }

    @Override
    public ProxyTarget proxyTarget(Credentials credentials) {
        // Another port of the same host: an origin of its own, where the credentials must never go.
        URI target = flaw == Flaw.PROXY_ELSEWHERE ? URI.create("http://127.0.0.1:9/") : base;
        return new ProxyTarget(target, Map.of("Authorization", "Bearer " + credentials.require("api_token")),
                Set.of());
    }

    @Override
    public URI baseUrl() {
        return context.baseUrl(DEFAULT_BASE);
    }
}
