package io.patchbay.spi;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of a successful live check.
 *
 * @param identity   who the credentials belong to
 * @param workspaces what they reach; empty when the provider has no workspace notion
 * @param notices    findings that concern the credentials as a whole
 */
public record Verification(ProviderIdentity identity, List<Workspace> workspaces, List<Notice> notices) {
    public Verification {
        Objects.requireNonNull(identity, "identity");
        workspaces = List.copyOf(workspaces);
        notices = List.copyOf(notices);
    }

    public Optional<Workspace> workspace(String id) {
        return workspaces.stream().filter(w -> w.id().equals(id)).findFirst();
    }
}
