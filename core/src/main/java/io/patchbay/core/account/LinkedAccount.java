package io.patchbay.core.account;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A third-party account an end user linked. The secret itself is not here: it is sealed and stored beside the
 * record, and only {@link #secretHint()} (the last 4 characters) is ever shown.
 *
 * @param id                opaque id, {@code acc_...}
 * @param providerUserId    the provider's id of the user the credentials belong to
 * @param providerAccountId the provider-side account/organization, when there is one
 * @param workspaceId       the linked workspace, empty when the provider has none
 * @param version           optimistic-locking version, incremented by every update
 */
public record LinkedAccount(
        String id,
        String tenantId,
        String connectorId,
        String authMethod,
        String label,
        String ownerId,
        Optional<String> teamId,
        Visibility visibility,
        String providerUserId,
        Optional<String> providerEmail,
        String providerDisplayName,
        Optional<String> providerAccountId,
        Optional<String> workspaceId,
        Optional<String> workspaceName,
        Optional<String> workspaceRole,
        AccountStatus status,
        Optional<String> statusReason,
        String secretHint,
        Instant createdAt,
        Instant updatedAt,
        Optional<Instant> lastVerifiedAt,
        long version) {

    public LinkedAccount {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(connectorId, "connectorId");
        Objects.requireNonNull(authMethod, "authMethod");
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(ownerId, "ownerId");
        Objects.requireNonNull(teamId, "teamId");
        Objects.requireNonNull(visibility, "visibility");
        Objects.requireNonNull(providerUserId, "providerUserId");
        Objects.requireNonNull(providerEmail, "providerEmail");
        Objects.requireNonNull(providerDisplayName, "providerDisplayName");
        Objects.requireNonNull(providerAccountId, "providerAccountId");
        Objects.requireNonNull(workspaceId, "workspaceId");
        Objects.requireNonNull(workspaceName, "workspaceName");
        Objects.requireNonNull(workspaceRole, "workspaceRole");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(statusReason, "statusReason");
        Objects.requireNonNull(secretHint, "secretHint");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        Objects.requireNonNull(lastVerifiedAt, "lastVerifiedAt");
        if (secretHint.length() > 4) {
            throw new IllegalArgumentException("a secret hint shows at most 4 characters");
        }
        if (visibility == Visibility.TEAM && teamId.isEmpty()) {
            throw new IllegalArgumentException("team visibility needs the owner's team");
        }
    }

    public LinkedAccount withLabel(String newLabel, Instant at) {
        return new LinkedAccount(id, tenantId, connectorId, authMethod, newLabel, ownerId, teamId, visibility,
                providerUserId, providerEmail, providerDisplayName, providerAccountId, workspaceId, workspaceName,
                workspaceRole, status, statusReason, secretHint, createdAt, at, lastVerifiedAt, version);
    }

    public LinkedAccount withVisibility(Visibility newVisibility, Instant at) {
        return new LinkedAccount(id, tenantId, connectorId, authMethod, label, ownerId, teamId, newVisibility,
                providerUserId, providerEmail, providerDisplayName, providerAccountId, workspaceId, workspaceName,
                workspaceRole, status, statusReason, secretHint, createdAt, at, lastVerifiedAt, version);
    }

    public LinkedAccount withStatus(AccountStatus newStatus, Optional<String> reason, Optional<Instant> verifiedAt,
                                    Instant at) {
        return new LinkedAccount(id, tenantId, connectorId, authMethod, label, ownerId, teamId, visibility,
                providerUserId, providerEmail, providerDisplayName, providerAccountId, workspaceId, workspaceName,
                workspaceRole, newStatus, reason, secretHint, createdAt, at, verifiedAt, version);
    }

    /** After a rotation: new method and hint, refreshed provider facts, verified now. */
    public LinkedAccount withRotatedCredentials(String newAuthMethod, String newHint, Optional<String> email,
                                                String displayName, Optional<String> role, Instant at) {
        return new LinkedAccount(id, tenantId, connectorId, newAuthMethod, label, ownerId, teamId, visibility,
                providerUserId, email, displayName, providerAccountId, workspaceId, workspaceName,
                role, AccountStatus.ACTIVE, Optional.empty(), newHint, createdAt, at, Optional.of(at), version);
    }

    /** The version the store assigns after a successful update. */
    public LinkedAccount nextVersion() {
        return new LinkedAccount(id, tenantId, connectorId, authMethod, label, ownerId, teamId, visibility,
                providerUserId, providerEmail, providerDisplayName, providerAccountId, workspaceId, workspaceName,
                workspaceRole, status, statusReason, secretHint, createdAt, updatedAt, lastVerifiedAt, version + 1);
    }
}
