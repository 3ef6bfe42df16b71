package io.patchbay.core.plugin;

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
import io.patchbay.spi.ProxyTarget;
import io.patchbay.spi.Verification;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A connector on the test class path, registered in META-INF/services, to test precedence over folders. */
public final class ClassPathEchoFactory implements ConnectorFactory {
    static final String ID = "classpath-echo";
    /** The context the registry gave the last connector made here, as a connector would keep it. */
    static volatile ConnectorContext lastContext;

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Connector create(ConnectorContext context) {
        lastContext = context;
        return connector(ID, context.baseUrl(URI.create("https://example.invalid")));
    }

    /** A connector that answers its definition and nothing else. */
    static Connector connector(String id, URI base) {
        return new Connector() {
            @Override
            public ConnectorInfo info() {
                return new ConnectorInfo(id, "Class path echo", "Loaded from the class path", "1", base);
            }

            @Override
            public CredentialSpec credentialSpec() {
                return CredentialSpec.of(new AuthMethod("api_token", "API token", true,
                        List.of(CredentialField.secret("api_token", "Token", "Any")), List.of("Any"), List.of()));
            }

            @Override
            public Verification verify(Credentials credentials) {
                throw new UnsupportedOperationException("not used by registry tests");
            }

            @Override
            public List<ActionDefinition> actions() {
                return List.of();
            }

            @Override
            public ActionResult invoke(ActionCall call) {
                throw new UnsupportedOperationException("not used by registry tests");
            }

            @Override
            public ProxyTarget proxyTarget(Credentials credentials) {
                return new ProxyTarget(base, Map.of(), Set.of());
            }

            @Override
            public URI baseUrl() {
                return base;
            }
        };
    }
}
