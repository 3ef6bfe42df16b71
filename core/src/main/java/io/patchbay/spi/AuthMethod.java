package io.patchbay.spi;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One way to authenticate, e.g. "API token" or "email + password".
 *
 * @param id              stable id, e.g. {@code api_token}
 * @param label           what the connect page shows
 * @param recommended     whether the connect page should preselect it
 * @param fields          the inputs, in display order
 * @param setupGuide      the steps a user follows at the provider to obtain the values
 * @param permissionNotes what the account needs at the provider, e.g. "workspace admin to link for a team"
 */
public record AuthMethod(
        String id, String label, boolean recommended, List<CredentialField> fields,
        List<String> setupGuide, List<String> permissionNotes) {

    public AuthMethod {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(label, "label");
        fields = List.copyOf(fields);
        setupGuide = List.copyOf(setupGuide);
        permissionNotes = List.copyOf(permissionNotes);
        if (fields.isEmpty()) {
            throw new IllegalArgumentException("auth method " + id + " has no fields");
        }
        Set<String> keys = new HashSet<>();
        for (CredentialField field : fields) {
            if (!keys.add(field.key())) {
                throw new IllegalArgumentException("auth method " + id + " repeats field " + field.key());
            }
        }
    }

    public Optional<CredentialField> field(String key) {
        return fields.stream().filter(f -> f.key().equals(key)).findFirst();
    }
}
