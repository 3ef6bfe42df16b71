package io.patchbay.spi;

import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * A provider integration: describes the credentials it needs, checks them offline and live, and runs actions.
 *
 * <p>Implementations are thread-safe. Failures are reported with the subclasses of {@link ConnectorException}.
 *
 * <p>{@link #info()}, {@link #credentialSpec()} and {@link #actions()} describe the connector and do not change
 * while it is loaded: the host reads them when it loads the connector and serves its catalog from what it read,
 * never asking again per request.
 */
public interface Connector extends AutoCloseable {

    ConnectorInfo info();

    CredentialSpec credentialSpec();

    /**
     * Offline check of the shape of the credentials: no network. Returns one error per bad field; empty when the
     * credentials are well formed. The default checks required fields and patterns declared in the spec.
     */
    default List<FieldError> checkFormat(Credentials credentials) {
        return credentialSpec().check(credentials);
    }

    /**
     * Live check against the provider: who the credentials belong to, which workspaces they reach and the role in
     * each. Throws {@link InvalidCredentials}, {@link ProviderUnavailable}, {@link RateLimited}, ...
     */
    Verification verify(Credentials credentials);

    List<ActionDefinition> actions();

    /**
     * Runs one action. Input was validated against the action's input schema by the host (the server always does;
     * an embedding host is asked to), so its types and required members can be relied on.
     */
    ActionResult invoke(ActionCall call);

    /** Where an authenticated pass-through request goes, and the headers that authenticate it. */
    ProxyTarget proxyTarget(Credentials credentials);

    /** The base URL this connector talks to (the provider's, or the configured override). */
    URI baseUrl();

    /**
     * Optional capabilities beyond the core contract, such as {@link ProviderTokenReset} or
     * {@link WebhookSubscriptions}. Empty when the connector does not offer it.
     */
    default <T> Optional<T> capability(Class<T> type) {
        return type.isInstance(this) ? Optional.of(type.cast(this)) : Optional.empty();
    }

    @Override
    default void close() {
    }
}
