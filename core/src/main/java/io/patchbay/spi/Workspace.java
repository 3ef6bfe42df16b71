package io.patchbay.spi;

import java.util.List;
import java.util.Objects;

/**
 * A workspace the credentials reach and what the user may do there.
 *
 * @param id      provider id of the workspace, as a string
 * @param name    display name
 * @param role    the user's role as the provider names it (e.g. {@code admin}, {@code owner}, {@code member})
 * @param admin   whether that role can administer the workspace
 * @param notices permission findings for linking this workspace (warnings or errors)
 */
public record Workspace(String id, String name, String role, boolean admin, List<Notice> notices) {
    public Workspace {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(role, "role");
        notices = List.copyOf(notices);
    }

    public boolean blocked() {
        return notices.stream().anyMatch(n -> n.severity() == Notice.Severity.ERROR);
    }
}
