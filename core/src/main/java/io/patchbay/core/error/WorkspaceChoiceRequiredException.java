package io.patchbay.core.error;

import io.patchbay.spi.Workspace;
import java.util.List;

/** The credentials reach several workspaces and the caller did not say which one to link. */
public final class WorkspaceChoiceRequiredException extends PatchbayException {
    private final List<Workspace> options;

    public WorkspaceChoiceRequiredException(List<Workspace> options) {
        super("workspace_required", "These credentials reach " + options.size()
                + " workspaces; choose one with workspace_id");
        this.options = List.copyOf(options);
    }

    public List<Workspace> options() {
        return options;
    }
}
