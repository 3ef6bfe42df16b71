package io.patchbay.core.account;

import io.patchbay.spi.Credentials;
import java.util.Objects;
import java.util.Optional;

/**
 * What an end user submits to link an account.
 *
 * @param workspaceId required when the credentials reach several workspaces
 * @param label       defaults to the provider identity and workspace names
 */
public record LinkRequest(String connectorId, Credentials credentials, Optional<String> workspaceId,
                          Optional<String> label, String ownerId, Optional<String> teamId, Visibility visibility) {
    public LinkRequest {
        Objects.requireNonNull(connectorId, "connectorId");
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(workspaceId, "workspaceId");
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(ownerId, "ownerId");
        Objects.requireNonNull(teamId, "teamId");
        Objects.requireNonNull(visibility, "visibility");
    }
}
