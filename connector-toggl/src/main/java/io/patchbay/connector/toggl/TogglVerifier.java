package io.patchbay.connector.toggl;

import io.patchbay.connector.toggl.TogglFailures.Op;
import io.patchbay.spi.Credentials;
import io.patchbay.spi.Notice;
import io.patchbay.spi.ProviderIdentity;
import io.patchbay.spi.ProviderUnavailable;
import io.patchbay.spi.Verification;
import io.patchbay.spi.Workspace;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The live check, in exactly two requests: {@code GET /me} (who) and {@code GET /me/workspaces} (where, and the
 * role in each). Both count against Toggl's small per-user hourly quota, so nothing else is asked:
 * {@code /me?with_related_data=true} would fold the two into one but also drags every project, client, tag and
 * recent time entry along.
 */
final class TogglVerifier {
    static final String NOT_WORKSPACE_ADMIN = "not_workspace_admin";
    static final String NO_WORKSPACES = "no_workspaces";

    private static final Op ME = Op.identity("GET /api/v9/me");
    /** Asked only after /me accepted the credentials: a 403 here is a refused resource, not a bad token. */
    private static final Op WORKSPACES = Op.read("GET /api/v9/me/workspaces");

    private final TogglHttp http;

    TogglVerifier(TogglHttp http) {
        this.http = http;
    }

    Verification verify(Credentials credentials) {
        Dto.Me me = http.call(credentials, ME, auth -> http.api().me(auth));
        if (me == null || me.id() == null) {
            throw new ProviderUnavailable("unreadable_response", "Toggl answered /me without a user", null);
        }
        List<Dto.MeWorkspace> found = http.call(credentials, WORKSPACES, auth -> http.api().workspaces(auth));
        List<Workspace> workspaces = new ArrayList<>();
        Optional<String> organization = Optional.empty();
        for (Dto.MeWorkspace workspace : found == null ? List.<Dto.MeWorkspace>of() : found) {
            if (workspace.id() == null) {
                continue;
            }
            boolean admin = Output.isAdmin(workspace);
            String name = Output.workspaceName(workspace);
            List<Notice> notices = admin ? List.of() : List.of(Notice.warning(NOT_WORKSPACE_ADMIN,
                    "You are not an admin of the Toggl workspace '" + name + "': link it for yourself "
                            + "only. Reports and webhooks will see just your own time entries, and you cannot "
                            + "manage other members' entries."));
            workspaces.add(new Workspace(String.valueOf(workspace.id()), name, Output.role(workspace), admin,
                    notices));
            if (workspace.id().equals(me.defaultWorkspaceId()) && workspace.organizationId() != null) {
                organization = Optional.of(String.valueOf(workspace.organizationId()));
            }
        }
        List<Notice> notices = workspaces.isEmpty()
                ? List.of(Notice.warning(NO_WORKSPACES, "This Toggl user belongs to no workspace yet."))
                : List.of();
        Map<String, String> attributes = new LinkedHashMap<>();
        if (me.timezone() != null) {
            attributes.put("timezone", me.timezone());
        }
        if (me.defaultWorkspaceId() != null) {
            attributes.put("default_workspace_id", String.valueOf(me.defaultWorkspaceId()));
        }
        String email = me.email() == null || me.email().isBlank() ? null : me.email();
        String name = me.fullname() != null && !me.fullname().isBlank() ? me.fullname()
                : email != null ? email : "Toggl user " + me.id();
        ProviderIdentity identity = new ProviderIdentity(String.valueOf(me.id()), Optional.ofNullable(email), name,
                organization, attributes);
        return new Verification(identity, workspaces, notices);
    }
}
