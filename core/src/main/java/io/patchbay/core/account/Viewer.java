package io.patchbay.core.account;

import io.patchbay.core.Ids;
import io.patchbay.core.error.InvalidInputException;
import io.patchbay.spi.FieldError;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * On whose behalf a request runs. A tenant-wide viewer (no owner) sees every account of its tenant; an end user
 * sees their own accounts, their team's TEAM accounts and the tenant's TENANT accounts. Never another tenant's.
 *
 * <p>Its tenant, owner and team ids are checked as linking checks them ({@link Ids#check}): a blank or padded one,
 * one with control characters or longer than {@link Ids#MAX_LENGTH}, is an {@link InvalidInputException} naming
 * {@code tenant_id}, {@code owner_id} or {@code team_id}, whatever the viewer was to be used for.
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
        // Checked here, as linking checks them: a blank or padded id would silently match nothing when listing.
        List<FieldError> errors = new ArrayList<>();
        Ids.check("tenant_id", tenantId).ifPresent(errors::add);
        ownerId.flatMap(id -> Ids.check("owner_id", id)).ifPresent(errors::add);
        teamId.flatMap(id -> Ids.check("team_id", id)).ifPresent(errors::add);
        if (!errors.isEmpty()) {
            throw new InvalidInputException(errors);
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
