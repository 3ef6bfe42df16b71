package io.patchbay.spi;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An operation a linked account can run.
 *
 * @param name         stable snake_case name, e.g. {@code list_time_entries}
 * @param title        short human title
 * @param description  what it does, for the catalog and docs
 * @param inputSchema  JSON Schema (draft 2020-12) of the input object, as JSON text
 * @param outputSchema JSON Schema of the result, as JSON text
 * @param readOnly     true when the action changes nothing at the provider (safe to retry)
 */
public record ActionDefinition(String name, String title, String description, String inputSchema,
                               String outputSchema, boolean readOnly) {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");

    public ActionDefinition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(inputSchema, "inputSchema");
        Objects.requireNonNull(outputSchema, "outputSchema");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("action name must be snake_case: " + name);
        }
    }
}
