package io.patchbay.server.connectors;

import io.patchbay.server.http.Fields;
import io.patchbay.spi.Connector;
import io.patchbay.spi.Credentials;
import java.util.Map;
import java.util.Optional;

/** The {@code auth_method} and {@code credentials} members of a request; the method defaults to the connector's. */
public final class CredentialsInput {
    private final Optional<String> authMethod;
    private final Map<String, String> values;

    private CredentialsInput(Optional<String> authMethod, Map<String, String> values) {
        this.authMethod = authMethod;
        this.values = values;
    }

    /** Reads both members; shape errors are reported by {@link Fields#done()}. */
    public static CredentialsInput read(Fields body) {
        return new CredentialsInput(body.optionalString("auth_method"), body.requireStringMap("credentials"));
    }

    public Credentials credentials(Connector connector) {
        return new Credentials(authMethod.orElseGet(() -> connector.credentialSpec().defaultMethod().id()), values);
    }

    @Override
    public String toString() {
        return "CredentialsInput[authMethod=" + authMethod.orElse("default") + ", fields=" + values.keySet() + "]";
    }
}
