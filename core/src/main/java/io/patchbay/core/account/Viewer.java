package io.patchbay.core.account;

import java.util.Objects;
import java.util.Optional;

/**
 * On whose behalf a request runs. A tenant-wide viewer (no owner) sees every account of its tenant; an end user
 * sees their own accounts, their team's TEAM accounts and the tenant's TENANT accounts. Never another tenant's.
 *
 * @param actor who acts, as the audit log names it (the server's API key or connect session id); empty when the
 *              host does not say, and the audit log then names the owner, or {@code tenant}
 */
public record Viewer(String tenantId, Optional<String> ownerId, Optional<String> teamId, Optional<String> actor) {
    public Viewer {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(ownerId, "ownerId");
        Objects.requireNonNull(teamId, "teamId");
        Objects.requireNonNull(actor, "actor");
        if (ownerId.isEmpty() && teamId.isPresent()) {
            throw new IllegalArgumentException("a team is only meaningful with an owner");
        }
    }

    public Viewer(String tenantId, Optional<String> ownerId, Optional<String> teamId) {
        this(tenantId, ownerId, teamId, Optional.empty());
    }

    /** The same viewer, with who acts for it named for the audit log. */
    public Viewer actingAs(String actor) {
        return new Viewer(tenantId, ownerId, teamId, Optional.of(Objects.requireNonNull(actor, "actor")));
    }

    public static Viewer tenantWide(String tenantId) {
        return new Viewer(tenantId, Optional.empty(), Optional.empty());
    }

    public static Viewer endUser(String tenantId, String ownerId, String teamId) {
        return new Viewer(tenantId, Optional.of(Objects.requireNonNull(ownerId, "ownerId")),
                Optional.ofNullable(teamId));
    }

    public boolean isTenantWide() {
        return ownerId.isEmpty();
    }

    public boolean canSee(LinkedAccount account) {
        if (!account.tenantId().equals(tenantId)) {
            return false;
        }
        if (isTenantWide() || account.ownerId().equals(ownerId.get())) {
            return true;
        }
        return switch (account.visibility()) {
            case PRIVATE -> false;
            case TEAM -> teamId.isPresent() && account.teamId().equals(teamId);
            case TENANT -> true;
        };
    }

    /** Changing or deleting an account is for its owner or a tenant-wide caller. */
    public boolean canManage(LinkedAccount account) {
        return account.tenantId().equals(tenantId) && (isTenantWide() || account.ownerId().equals(ownerId.get()));
    }
}
