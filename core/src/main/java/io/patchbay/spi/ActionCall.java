package io.patchbay.spi;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One invocation of an action.
 *
 * @param action      the action name
 * @param credentials the linked account's opened credentials, for this call only
 * @param workspaceId the linked account's workspace, when it has one (used as the default workspace)
 * @param input       the input object as JSON-like values: String, Number, Boolean, List, Map, or null
 */
public record ActionCall(String action, Credentials credentials, Optional<String> workspaceId,
                        Map<String, Object> input) {
    public ActionCall {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(workspaceId, "workspaceId");
        input = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(input));
    }
}
