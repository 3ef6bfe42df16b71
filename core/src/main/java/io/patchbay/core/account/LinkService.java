package io.patchbay.core.account;

import io.patchbay.core.Ids;
import io.patchbay.core.audit.AuditLog;
import io.patchbay.core.catalog.CallSecrets;
import io.patchbay.core.catalog.ConnectorCalls;
import io.patchbay.core.catalog.ConnectorCatalog;
import io.patchbay.core.error.DuplicateAccountException;
import io.patchbay.core.error.IdentityMismatchException;
import io.patchbay.core.error.InvalidInputException;
import io.patchbay.core.error.LinkBlockedException;
import io.patchbay.core.error.NotFoundException;
import io.patchbay.core.error.StaleVersionException;
import io.patchbay.core.error.WorkspaceChoiceRequiredException;
import io.patchbay.core.secret.CredentialsCodec;
import io.patchbay.spi.Connector;
import io.patchbay.spi.ConnectorException;
import io.patchbay.spi.Credentials;
import io.patchbay.spi.FieldError;
import io.patchbay.spi.InsufficientPermissions;
import io.patchbay.spi.InvalidCredentials;
import io.patchbay.spi.Notice;
import io.patchbay.spi.Verification;
import io.patchbay.spi.Workspace;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Use cases that put credentials in: check, link, rotate, re-verify. Nothing is stored unless the provider
 * accepted the credentials.
 */
public final class LinkService {
    private static final Logger LOG = LoggerFactory.getLogger(LinkService.class);
    private final ConnectorCatalog catalog;
    private final AccountVault vault;
    private final AccountAudit audit;
    private final Clock clock;
    private final ConnectorCalls calls;

    /** @param calls runs each provider check under the host's deadline */
    public LinkService(ConnectorCatalog catalog, AccountVault vault, AuditLog audit, Clock clock,
                       ConnectorCalls calls) {
        this.calls = Objects.requireNonNull(calls, "calls");
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.vault = Objects.requireNonNull(vault, "vault");
        this.audit = new AccountAudit(Objects.requireNonNull(audit, "audit"), clock);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Format check, then live check and discovery. Saves nothing. */
    public Verification check(String connectorId, Credentials credentials) {
        Objects.requireNonNull(connectorId, "connectorId");
        Objects.requireNonNull(credentials, "credentials");
        Connector connector = catalog.get(connectorId);
        checkFormat(connector, credentials);
        return verify(connector, credentials);
    }

    /**
     * Links an account for the viewer's tenant. A viewer acting for an end user links only for that user: the
     * request's owner must be the viewer's, and so must its team when the viewer names one, as the REST layer also
     * requires; a request naming no team takes the viewer's. A viewer without a team links with the request's team
     * as given: the caller (the host's backend) decides it.
     */
    public LinkResult link(Viewer viewer, LinkRequest asked) {
        Objects.requireNonNull(viewer, "viewer");
        Objects.requireNonNull(asked, "request");
        // Linked without it, the account could never be shared with the team its owner is in.
        LinkRequest request = asked.teamId().isPresent() || viewer.teamId().isEmpty() ? asked
                : new LinkRequest(asked.connectorId(), asked.credentials(), asked.workspaceId(), asked.label(),
                        asked.ownerId(), viewer.teamId(), asked.visibility());
        // The viewer's own ids were checked where it was made; the request's are checked here.
        List<FieldError> inputErrors = new ArrayList<>();
        Ids.check("owner_id", request.ownerId()).ifPresent(inputErrors::add);
        request.teamId().flatMap(t -> Ids.check("team_id", t)).ifPresent(inputErrors::add);
        if (viewer.ownerId().isPresent() && !viewer.ownerId().get().equals(request.ownerId())) {
            inputErrors.add(new FieldError("owner_id", "owner_mismatch",
                    "owner_id differs from the end user the caller acts for"));
        }
        if (viewer.teamId().isPresent() && request.teamId().isPresent() && !viewer.teamId().equals(request.teamId())) {
            inputErrors.add(new FieldError("team_id", "owner_mismatch",
                    "team_id differs from the team of the end user the caller acts for"));
        }
        if (!inputErrors.isEmpty()) {
            throw new InvalidInputException(inputErrors);
        }
        Connector connector = catalog.get(request.connectorId());
        request.label().ifPresent(l -> Labels.check("label", l).ifPresent(inputErrors::add));
        if (request.visibility() == Visibility.TEAM && request.teamId().isEmpty()) {
            inputErrors.add(new FieldError("visibility", "team_required",
                    "team visibility needs the owner's team_id"));
        }
        if (!inputErrors.isEmpty()) {
            throw new InvalidInputException(inputErrors);
        }
        checkFormat(connector, request.credentials());
        Verification verification = verify(connector, request.credentials());
        Optional<Workspace> workspace = chooseWorkspace(verification, request.workspaceId());
        workspace.filter(Workspace::blocked).ifPresent(w -> {
            throw new LinkBlockedException(w.notices().stream()
                    .filter(n -> n.severity() == Notice.Severity.ERROR).toList());
        });

        Instant now = clock.instant();
        String id = Ids.next("acc", now);
        String hint = CredentialsCodec.hint(request.credentials(),
                connector.credentialSpec().hintedKeys(request.credentials().authMethod()));
        var identity = verification.identity();
        LinkedAccount account = new LinkedAccount(id, viewer.tenantId(), request.connectorId(),
                request.credentials().authMethod(),
                request.label().orElseGet(() -> defaultLabel(verification, workspace)),
                request.ownerId(), request.teamId(), request.visibility(),
                identity.id(), identity.email(), identity.displayName(), identity.accountId(),
                workspace.map(Workspace::id), workspace.map(Workspace::name), workspace.map(Workspace::role),
                AccountStatus.ACTIVE, Optional.empty(), hint, now, now, Optional.of(now), 0);
        try {
            vault.store().insert(account, vault.seal(viewer.tenantId(), id, request.credentials()));
        } catch (DuplicateAccountException e) {
            // Duplicates are found tenant-wide; the existing account's id is told only to whom may see it.
            boolean visible = vault.store().find(viewer.tenantId(), e.existingAccountId()).filter(viewer::canSee)
                    .isPresent();
            throw visible ? e : e.hiddenFromCaller();
        }
        // Linked for its owner, whether the viewer acts for them or a tenant-wide key named them in the request.
        audit.record(viewer, Optional.of(account.ownerId()), "account.linked", account, Map.of("connector",
                account.connectorId(),
                "workspace", account.workspaceId().orElse("")));

        List<Notice> warnings = new ArrayList<>(verification.notices());
        workspace.ifPresent(w -> warnings.addAll(w.notices()));
        return new LinkResult(account, warnings);
    }

    /**
     * Replaces the credentials of an account in place. The new ones must verify, belong to the same provider user
     * and still reach the linked workspace.
     */
    public LinkResult rotate(Viewer viewer, String accountId, Credentials credentials) {
        return rotate(viewer, accountId, credentials, Optional.empty());
    }

    /**
     * As {@link #rotate(Viewer, String, Credentials)}, only while the account is at {@code expectedVersion} (a
     * caller's If-Match): the version checked is the one the update compares and sets, so a change in between is a
     * {@link StaleVersionException}, never overwritten.
     */
    public LinkResult rotate(Viewer viewer, String accountId, Credentials credentials,
                             Optional<Long> expectedVersion) {
        return rotate(viewer, accountId, credentials, expectedVersion, ChangeGuard.NONE);
    }

    /**
     * As {@link #rotate(Viewer, String, Credentials, Optional)}, asking {@code guard} once the new credentials are
     * checked, just before they are stored: if it refuses, nothing is stored; if storing them then fails, it is told.
     */
    public LinkResult rotate(Viewer viewer, String accountId, Credentials credentials,
                             Optional<Long> expectedVersion, ChangeGuard guard) {
        Objects.requireNonNull(viewer, "viewer");
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(expectedVersion, "expectedVersion");
        Objects.requireNonNull(guard, "guard");
        LinkedAccount account = AccountVault.atVersion(vault.manageable(viewer, accountId), expectedVersion);
        Connector connector = catalog.get(account.connectorId());
        checkFormat(connector, credentials);
        Verification verification = verify(connector, credentials);
        if (!verification.identity().id().equals(account.providerUserId())) {
            throw new IdentityMismatchException(accountId);
        }
        Optional<Workspace> workspace = Optional.empty();
        if (account.workspaceId().isPresent()) {
            String wanted = account.workspaceId().get();
            workspace = verification.workspace(wanted);
            if (workspace.isEmpty()) {
                throw InvalidInputException.of("credentials", "workspace_unreachable",
                        "The new credentials no longer reach workspace " + wanted);
            }
        }
        Instant now = clock.instant();
        String hint = CredentialsCodec.hint(credentials, connector.credentialSpec().hintedKeys(credentials.authMethod()));
        LinkedAccount rotated = account.withRotatedCredentials(credentials.authMethod(), hint,
                verification.identity().email(), verification.identity().displayName(),
                workspace.map(Workspace::role), now);
        byte[] sealed = vault.seal(account.tenantId(), accountId, credentials);
        guard.beforeStore();
        LinkedAccount stored;
        try {
            stored = vault.store().update(rotated, sealed);
        } catch (RuntimeException e) {
            guard.notStored(e);
            throw e;
        }
        audit.record(viewer, "account.credentials_rotated", stored, Map.of());
        List<Notice> warnings = new ArrayList<>(verification.notices());
        workspace.ifPresent(w -> warnings.addAll(w.notices()));
        return new LinkResult(stored, warnings);
    }

    /**
     * Checks stored credentials against the provider and records the outcome as the account's status. A provider
     * that is down or rate limited leaves the account {@link AccountStatus#UNVERIFIED} with the reason, and the
     * failure is rethrown so the caller can retry later; it is rethrown also when that status cannot be saved (the
     * account was rotated or deleted meanwhile).
     */
    public LinkedAccount reverify(Viewer viewer, String accountId) {
        return reverify(viewer, accountId, Optional.empty());
    }

    /** As {@link #reverify(Viewer, String)}, only while the account is at {@code expectedVersion}, atomically. */
    public LinkedAccount reverify(Viewer viewer, String accountId, Optional<Long> expectedVersion) {
        Objects.requireNonNull(viewer, "viewer");
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(expectedVersion, "expectedVersion");
        // A verify records a status and a new version: a change, so the owner's, as renaming is.
        LinkedAccount account = AccountVault.atVersion(vault.manageable(viewer, accountId), expectedVersion);
        Connector connector = catalog.get(account.connectorId());
        Credentials credentials = vault.open(account);
        Instant now = clock.instant();
        try {
            Verification verification = verify(connector, credentials);
            if (!verification.identity().id().equals(account.providerUserId())) {
                return save(viewer, account.withStatus(AccountStatus.INVALID_CREDENTIALS,
                        Optional.of("identity_changed: the credentials now belong to another provider user"),
                        Optional.of(now), now));
            }
            Optional<Workspace> workspace = account.workspaceId().flatMap(verification::workspace);
            if (account.workspaceId().isPresent() && workspace.isEmpty()) {
                return save(viewer, account.withStatus(AccountStatus.INSUFFICIENT_PERMISSIONS,
                        Optional.of("workspace_unreachable: the credentials no longer reach the workspace"),
                        Optional.of(now), now));
            }
            Optional<Notice> blocking = workspace.flatMap(w -> w.notices().stream()
                    .filter(n -> n.severity() == Notice.Severity.ERROR).findFirst());
            if (blocking.isPresent()) {
                return save(viewer, account.withStatus(AccountStatus.INSUFFICIENT_PERMISSIONS,
                        Optional.of(blocking.get().code() + ": " + blocking.get().message()), Optional.of(now), now));
            }
            return save(viewer, account.withStatus(AccountStatus.ACTIVE, Optional.empty(), Optional.of(now), now));
        } catch (InvalidCredentials e) {
            return save(viewer, account.withStatus(AccountStatus.INVALID_CREDENTIALS,
                    Optional.of(e.code() + ": " + e.getMessage()), Optional.of(now), now));
        } catch (InsufficientPermissions e) {
            return save(viewer, account.withStatus(AccountStatus.INSUFFICIENT_PERMISSIONS,
                    Optional.of(e.code() + ": " + e.getMessage()), Optional.of(now), now));
        } catch (ConnectorException e) {
            markUnverified(viewer, account, e, now);
            throw e;
        }
    }

    /**
     * Best effort: the caller must get the provider's error (and its Retry-After) whatever happens to the status. The
     * account may have been rotated or deleted during the provider call, or the store may fail; that is logged.
     */
    private void markUnverified(Viewer viewer, LinkedAccount account, ConnectorException cause, Instant now) {
        try {
            save(viewer, account.withStatus(AccountStatus.UNVERIFIED,
                    Optional.of(cause.code() + ": " + cause.getMessage()), account.lastVerifiedAt(), now));
        } catch (StaleVersionException | NotFoundException e) {
            LOG.info("Status of account {} (tenant {}) not set to UNVERIFIED after {}: it changed meanwhile ({})",
                    account.id(), account.tenantId(), cause.code(), e.code());
        } catch (RuntimeException e) {
            LOG.warn("Status of account {} (tenant {}) not set to UNVERIFIED after {}: {}", account.id(),
                    account.tenantId(), cause.code(), e.toString());
        }
    }

    private LinkedAccount save(Viewer viewer, LinkedAccount account) {
        LinkedAccount stored = vault.store().update(account);
        audit.record(viewer, "account.verified", stored, Map.of("status", stored.status().name()));
        return stored;
    }

    private Verification verify(Connector connector, Credentials credentials) {
        return calls.call(connector, credentials, "verify", () -> connector.verify(credentials));
    }

    private static void checkFormat(Connector connector, Credentials credentials) {
        List<FieldError> errors = CallSecrets.during(CallSecrets.of(connector, credentials),
                () -> connector.checkFormat(credentials));
        if (!errors.isEmpty()) {
            throw new InvalidInputException(errors.stream()
                    .map(e -> new FieldError(e.field().equals("auth_method") ? "auth_method" : "credentials." + e.field(),
                            e.code(), e.message()))
                    .toList());
        }
    }

    private static Optional<Workspace> chooseWorkspace(Verification verification, Optional<String> wanted) {
        List<Workspace> workspaces = verification.workspaces();
        if (wanted.isPresent()) {
            return Optional.of(verification.workspace(wanted.get()).orElseThrow(() ->
                    InvalidInputException.of("workspace_id", "unknown_workspace",
                            "These credentials do not reach workspace '" + wanted.get() + "'; they reach "
                                    + workspaces.stream().map(Workspace::id).toList())));
        }
        if (workspaces.isEmpty()) {
            return Optional.empty();
        }
        if (workspaces.size() == 1) {
            return Optional.of(workspaces.get(0));
        }
        throw new WorkspaceChoiceRequiredException(workspaces);
    }

    private static String defaultLabel(Verification verification, Optional<Workspace> workspace) {
        String who = verification.identity().email().orElse(verification.identity().displayName());
        return workspace.map(w -> who + " · " + w.name()).orElse(who);
    }

}
