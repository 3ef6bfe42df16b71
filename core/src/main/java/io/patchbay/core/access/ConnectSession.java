package io.patchbay.core.access;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A short-lived grant for an end user's browser to link accounts within a fixed scope, without an API key.
 *
 * @param tokenHash         SHA-256 of the session token, lower-case hex (the token is returned once)
 * @param allowedConnectors connector ids the session may link; never empty
 * @param accountId         set in edit mode: the session may only rotate this account, once
 * @param usedAt            when an edit-mode session was consumed
 * @param createdByKeyId    the API key that created it (empty for sessions stored before this was recorded):
 *                          revoking the key ends the session
 */
public record ConnectSession(String id, String tenantId, String tokenHash, String ownerId, Optional<String> teamId,
                             Set<String> allowedConnectors, Optional<String> label, Optional<String> accountId,
                             Instant createdAt, Instant expiresAt, Optional<Instant> usedAt,
                             Optional<String> createdByKeyId) {
    public ConnectSession {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(tokenHash, "tokenHash");
        Objects.requireNonNull(ownerId, "ownerId");
        Objects.requireNonNull(teamId, "teamId");
        allowedConnectors = Set.copyOf(Objects.requireNonNull(allowedConnectors, "allowedConnectors"));
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(usedAt, "usedAt");
        Objects.requireNonNull(createdByKeyId, "createdByKeyId");
        if (allowedConnectors.isEmpty()) {
            throw new IllegalArgumentException("a connect session allows at least one connector");
        }
        if (!expiresAt.isAfter(createdAt)) {
            throw new IllegalArgumentException("a connect session expires after it is created");
        }
    }

    public boolean editMode() {
        return accountId.isPresent();
    }
}
