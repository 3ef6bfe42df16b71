package io.patchbay.server.actions;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.NodePath;
import io.patchbay.server.http.Json;
import io.patchbay.spi.ActionDefinition;
import io.patchbay.spi.FieldError;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks action input against the action's JSON Schema (draft 2020-12 unless the schema says otherwise). Each
 * violation becomes a field error whose {@code field} is the path into the input, e.g. {@code items[2].name}.
 */
final class InputValidator {
    /** Keywords whose error sits on the parent object but is about one named property. */
    private static final Set<String> PROPERTY_KEYWORDS = Set.of("required", "additionalProperties",
            "unevaluatedProperties", "dependentRequired", "propertyNames");

    private final Map<String, Schema> schemas = new ConcurrentHashMap<>();

    /** Made on the first action call: the validator is large and start-up does not need it. */
    private static final class Registry {
        static final SchemaRegistry INSTANCE = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    }

    List<FieldError> validate(String connectorId, ActionDefinition action, Map<String, Object> input) {
        Schema schema = schemas.computeIfAbsent(connectorId + "/" + action.name(),
                k -> Registry.INSTANCE.getSchema(action.inputSchema(), InputFormat.JSON));
        return schema.validate(Json.writeValue(input), InputFormat.JSON).stream()
                .map(InputValidator::fieldError)
                .distinct()
                .toList();
    }

    private static FieldError fieldError(Error error) {
        StringBuilder field = new StringBuilder();
        NodePath location = error.getInstanceLocation();
        for (int i = 0; i < location.getNameCount(); i++) {
            Object element = location.getElement(i);
            if (element instanceof Integer index) {
                field.append('[').append(index).append(']');
            } else {
                field.append(field.length() == 0 ? "" : ".").append(element);
            }
        }
        if (PROPERTY_KEYWORDS.contains(error.getKeyword()) && error.getProperty() != null) {
            field.append(field.length() == 0 ? "" : ".").append(error.getProperty());
        }
        String name = field.length() == 0 ? "input" : field.toString();
        return new FieldError(name, "schema_" + error.getKeyword(), name + ": " + message(error));
    }

    // The library prefixes its message with the JSON path; the field already says where.
    private static String message(Error error) {
        String message = error.getMessage();
        int colon = message.indexOf(": ");
        return message.startsWith("$") && colon > 0 ? message.substring(colon + 2) : message;
    }
}
