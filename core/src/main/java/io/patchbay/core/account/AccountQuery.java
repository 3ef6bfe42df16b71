package io.patchbay.core.account;

import java.util.Objects;
import java.util.Optional;

/**
 * A filtered page request over one tenant's accounts, as seen by {@link #viewer()}. Results are ordered by id
 * (ids grow with creation time); {@link #cursor()} is the last id of the previous page.
 */
public record AccountQuery(
        Viewer viewer,
        Optional<String> connectorId,
        Optional<String> ownerId,
        Optional<AccountStatus> status,
        Optional<String> label,
        int limit,
        Optional<String> cursor) {

    public static final int MAX_LIMIT = 200;

    public AccountQuery {
        Objects.requireNonNull(viewer, "viewer");
        Objects.requireNonNull(connectorId, "connectorId");
        Objects.requireNonNull(ownerId, "ownerId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(cursor, "cursor");
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT);
        }
    }

    public static AccountQuery all(Viewer viewer, int limit) {
        return new AccountQuery(viewer, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), limit,
                Optional.empty());
    }

    public AccountQuery after(String cursorId) {
        return new AccountQuery(viewer, connectorId, ownerId, status, label, limit, Optional.of(cursorId));
    }

    /** Whether an account passes the filters and the viewer's visibility; the reference semantics for stores. */
    public boolean matches(LinkedAccount account) {
        return viewer.canSee(account)
                && connectorId.map(account.connectorId()::equals).orElse(true)
                && ownerId.map(account.ownerId()::equals).orElse(true)
                && status.map(s -> s == account.status()).orElse(true)
                && label.map(account.label()::equals).orElse(true)
                && cursor.map(c -> account.id().compareTo(c) > 0).orElse(true);
    }
}
