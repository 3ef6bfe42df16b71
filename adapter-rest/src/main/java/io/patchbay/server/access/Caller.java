package io.patchbay.server.access;

import io.patchbay.core.access.ApiKey;
import io.patchbay.core.access.ConnectSession;
import io.patchbay.core.account.Viewer;
import io.patchbay.server.http.ApiException;
import java.util.Objects;
import java.util.Optional;

/** Who is calling: an application with an API key (possibly on behalf of an end user), or a connect session. */
public sealed interface Caller permits Caller.Key, Caller.Session {

    Viewer viewer();

    default String tenantId() {
        return viewer().tenantId();
    }

    /** For logs and audit: never the token. */
    String id();

    /** A connect session may only touch the connectors it allows; keys are not limited here. */
    default void requireConnector(String connectorId) {
        if (this instanceof Session s && !s.session().allowedConnectors().contains(connectorId)) {
            throw new ApiException(403, "connector_not_allowed", "Connector not allowed",
                    "This connect session allows only " + s.session().allowedConnectors().stream().sorted().toList());
        }
    }

    /** An API key; the viewer is tenant-wide unless the request names an end user. */
    record Key(ApiKey apiKey, Viewer viewer) implements Caller {
        public Key {
            Objects.requireNonNull(apiKey, "apiKey");
            // What the key changes is audited as the key's doing.
            viewer = Objects.requireNonNull(viewer, "viewer").actingAs(apiKey.id());
        }

        @Override
        public String id() {
            return apiKey.id();
        }
    }

    /** A connect session acts as its end user and only within its scope. */
    record Session(ConnectSession session) implements Caller {
        public Session {
            Objects.requireNonNull(session, "session");
        }

        @Override
        public Viewer viewer() {
            return new Viewer(session.tenantId(), Optional.of(session.ownerId()), session.teamId(),
                    Optional.of(session.id()));
        }

        @Override
        public String id() {
            return session.id();
        }
    }
}
