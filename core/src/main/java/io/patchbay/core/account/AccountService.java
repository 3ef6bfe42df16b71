package io.patchbay.core.account;

import io.patchbay.core.audit.AuditLog;
import io.patchbay.core.error.InvalidInputException;
import io.patchbay.core.error.NotFoundException;
import io.patchbay.core.error.StaleVersionException;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** Use cases on linked accounts that do not touch credentials: read, list, rename, share, disconnect. */
public final class AccountService {
    /**
     * How long an edit without a precondition keeps reading the account again after losing a race for its version,
     * each time after a short random pause so that writers racing for one account spread out instead of starving one.
     */
    private static final java.time.Duration UNCONDITIONAL_PATIENCE = java.time.Duration.ofSeconds(5);

    private final AccountVault vault;
    private final AccountAudit audit;
    private final Clock clock;

    public AccountService(AccountVault vault, AuditLog audit, Clock clock) {
        this.vault = Objects.requireNonNull(vault, "vault");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.audit = new AccountAudit(Objects.requireNonNull(audit, "audit"), clock);
    }

    public LinkedAccount get(Viewer viewer, String accountId) {
        Objects.requireNonNull(viewer, "viewer");
        Objects.requireNonNull(accountId, "accountId");
        return vault.visible(viewer, accountId);
    }

    public Page<LinkedAccount> list(AccountQuery query) {
        Objects.requireNonNull(query, "query");
        return vault.store().list(query);
    }

    /**
     * Renames an account. With {@code expectedVersion} the update only applies to that version (the caller's
     * If-Match); without, to whatever version is current when it is stored.
     */
    public LinkedAccount rename(Viewer viewer, String accountId, String label, Optional<Long> expectedVersion) {
        Objects.requireNonNull(label, "label");
        return edit(viewer, accountId, Optional.of(label), Optional.empty(), expectedVersion);
    }

    public LinkedAccount changeVisibility(Viewer viewer, String accountId, Visibility visibility,
                                          Optional<Long> expectedVersion) {
        Objects.requireNonNull(visibility, "visibility");
        return edit(viewer, accountId, Optional.empty(), Optional.of(visibility), expectedVersion);
    }

    /**
     * Changes the label, the visibility or both in one update: every value is checked first, so a refused change
     * leaves the account as it was (and its version with it).
     */
    public LinkedAccount edit(Viewer viewer, String accountId, Optional<String> label,
                              Optional<Visibility> visibility, Optional<Long> expectedVersion) {
        Objects.requireNonNull(viewer, "viewer");
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(visibility, "visibility");
        Objects.requireNonNull(expectedVersion, "expectedVersion");
        if (label.isEmpty() && visibility.isEmpty()) {
            throw InvalidInputException.of("label", "nothing_to_change", "Send label, visibility or both");
        }
        label.flatMap(l -> Labels.check("label", l)).ifPresent(e -> {
            throw new InvalidInputException(java.util.List.of(e));
        });
        // Without a precondition the change applies to whatever is current: a write that got in between the read and
        // this update is read again rather than answered with a conflict the caller never asked to be told about.
        long giveUp = System.nanoTime() + UNCONDITIONAL_PATIENCE.toNanos();
        for (int attempt = 1; ; attempt++) {
            try {
                return editOnce(viewer, accountId, label, visibility, expectedVersion);
            } catch (StaleVersionException e) {
                if (expectedVersion.isPresent() || System.nanoTime() - giveUp > 0) {
                    throw e;
                }
                pause(attempt);
            }
        }
    }

    /** Up to 1 ms more per attempt lost, at most 20 ms: random, so racing writers take turns. */
    private static void pause(int attempt) {
        try {
            Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextLong(1, Math.min(attempt, 20) + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the account was edited by others", e);
        }
    }

    private LinkedAccount editOnce(Viewer viewer, String accountId, Optional<String> label,
                                   Optional<Visibility> visibility, Optional<Long> expectedVersion) {
        LinkedAccount account = AccountVault.atVersion(vault.manageable(viewer, accountId), expectedVersion);
        if (visibility.filter(v -> v == Visibility.TEAM).isPresent() && account.teamId().isEmpty()) {
            throw InvalidInputException.of("visibility", "team_required",
                    "Account " + accountId + " has no team; team visibility needs the owner's team");
        }
        // What would not change is left out: a PATCH that changes nothing keeps the version (and the caller's
        // ETag) and records no event.
        Optional<String> newLabel = label.filter(l -> !l.equals(account.label()));
        Optional<Visibility> newVisibility = visibility.filter(v -> v != account.visibility());
        if (newLabel.isEmpty() && newVisibility.isEmpty()) {
            return account;
        }
        LinkedAccount changed = account;
        if (newLabel.isPresent()) {
            changed = changed.withLabel(newLabel.get(), clock.instant());
        }
        if (newVisibility.isPresent()) {
            changed = changed.withVisibility(newVisibility.get(), clock.instant());
        }
        LinkedAccount stored = vault.store().update(changed);
        if (newLabel.isPresent()) {
            audit.record(viewer, "account.renamed", stored, Map.of());
        }
        if (newVisibility.isPresent()) {
            audit.record(viewer, "account.visibility_changed", stored, Map.of("visibility",
                    newVisibility.get().name()));
        }
        return stored;
    }

    /** Deletes the account and erases its sealed secret. */
    public void disconnect(Viewer viewer, String accountId) {
        disconnect(viewer, accountId, Optional.empty());
    }

    /**
     * As {@link #disconnect(Viewer, String)}; with {@code expectedVersion} (the caller's If-Match) only that version
     * is deleted, in one step with the check, so a change made after the caller read the account is never lost.
     *
     * @throws StaleVersionException when the account is at another version
     */
    public void disconnect(Viewer viewer, String accountId, Optional<Long> expectedVersion) {
        Objects.requireNonNull(viewer, "viewer");
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(expectedVersion, "expectedVersion");
        LinkedAccount account = AccountVault.atVersion(vault.manageable(viewer, accountId), expectedVersion);
        boolean deleted = expectedVersion.isPresent()
                ? vault.store().delete(account.tenantId(), accountId, expectedVersion.get())
                : vault.store().delete(account.tenantId(), accountId);
        if (!deleted) {
            throw new NotFoundException("account", accountId);
        }
        audit.record(viewer, "account.disconnected", account, Map.of("connector", account.connectorId()));
    }
}
