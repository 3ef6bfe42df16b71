package io.patchbay.server.actions;

import com.networknt.schema.Error;
import com.networknt.schema.ExecutionContext;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.NodePath;
import io.patchbay.server.http.ApiException;
import io.patchbay.server.http.Json;
import io.patchbay.spi.ActionDefinition;
import io.patchbay.spi.FieldError;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks action input against the action's JSON Schema (draft 2020-12 unless the schema says otherwise). Each
 * violation becomes a field error whose {@code field} is the path into the input, e.g. {@code items[2].name}.
 * {@code format} is asserted ({@code schema_format}): a {@code date-time} field takes RFC 3339 text only.
 * A schema is checked against the draft 2020-12 meta-schema on the action's first call, not at start-up: the
 * validator takes about half a second of CPU to load. A connector whose schema is not valid answers every call of
 * that action with {@code connector_definition_invalid}, naming the connector, the action and the problem.
 */
final class InputValidator {
    /** Keywords whose error sits on the parent object but is about one named property. */
    private static final Set<String> PROPERTY_KEYWORDS = Set.of("required", "additionalProperties",
            "unevaluatedProperties", "dependentRequired", "propertyNames");

    /** The most schema errors one answer lists. */
    static final int MAX_ERRORS = 50;

    private static final Logger LOG = LoggerFactory.getLogger(InputValidator.class);

    /** By connector and action: the compiled schema, or why the connector's schema cannot be used. */
    private final Map<String, Compiled> schemas = new ConcurrentHashMap<>();

    private record Compiled(Schema schema, String problem) {
    }

    /** Made on the first action call: the validator is large and start-up does not need it. */
    private static final class Registry {
        // Formats are asserted, not only annotations: "yesterday" for a date-time field is the caller's 422, not
        // a parse failure (500) inside the connector.
        static final SchemaRegistry INSTANCE = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
                builder -> builder.schemaRegistryConfig(SchemaRegistryConfig.builder()
                        .formatAssertionsEnabled(true).build()));
        static final Schema META_SCHEMA = INSTANCE.getSchema(
                SchemaLocation.of(SpecificationVersion.DRAFT_2020_12.getDialectId()));
    }

    /**
     * @throws ApiException {@code connector_definition_invalid} (500) when the connector's schema is not valid
     */
    List<FieldError> validate(String connectorId, ActionDefinition action, Map<String, Object> input) {
        Compiled compiled = schemas.computeIfAbsent(connectorId + "/" + action.name(),
                k -> compile(connectorId, action));
        if (compiled.problem() != null) {
            throw new ApiException(500, "connector_definition_invalid", "Connector definition invalid",
                    "Connector '" + connectorId + "' declares an input schema for action '" + action.name()
                            + "' that is not a valid JSON Schema: " + compiled.problem()
                            + ". The connector needs fixing; its other actions still work.");
        }
        FirstErrors errors = new FirstErrors();
        compiled.schema().validate(Json.writeValue(input), InputFormat.JSON,
                (Consumer<ExecutionContext>) errors::collectFrom);
        List<FieldError> found = fieldErrors(errors);
        return errors.more ? Stream.concat(found.stream(), Stream.of(new FieldError("input", "too_many_errors",
                "input: more than " + MAX_ERRORS + " problems; the first are listed"))).toList() : found;
    }

    /**
     * The first {@value #MAX_ERRORS} errors of one validation, then the walk stops: an array of 500,000 wrong items
     * would otherwise cost seconds of CPU and an answer of tens of megabytes. It stops the library's way, by turning
     * on fail-fast, whose exception every keyword passes through (another exception would be logged as a failure
     * of the schema). Combinators (anyOf, oneOf, not, if) collect their branches' errors in lists of their own, so
     * only errors that stand reach this one.
     */
    private static final class FirstErrors extends ArrayList<Error> {
        private ExecutionContext context;
        private boolean more;

        void collectFrom(ExecutionContext context) {
            this.context = context;
            context.setErrors(this);
        }

        @Override
        public boolean add(Error error) {
            if (size() < MAX_ERRORS) {
                return super.add(error);
            }
            more = true;
            context.setFailFast(true); // the library throws at once, after this add, and ends the validation
            return false;
        }

        @Override
        public boolean addAll(Collection<? extends Error> errors) {
            errors.forEach(this::add);
            return !errors.isEmpty();
        }
    }

    /** Once per action: a broken schema is logged once, with the connector named, then answered from here. */
    private static Compiled compile(String connectorId, ActionDefinition action) {
        String problem;
        try {
            List<Error> errors = Registry.META_SCHEMA.validate(action.inputSchema(), InputFormat.JSON);
            if (errors.isEmpty()) {
                Schema schema = Registry.INSTANCE.getSchema(action.inputSchema(), InputFormat.JSON);
                // References are resolved here, once: a $ref to nothing would otherwise fail every call with a 500.
                schema.initializeValidators();
                return new Compiled(schema, null);
            }
            problem = errors.stream().limit(3).map(Error::toString).collect(Collectors.joining("; "));
        } catch (RuntimeException e) {
            problem = "it cannot be read (" + e.getMessage() + ")";
        }
        LOG.error("Connector '{}': the input schema of action '{}' is not a valid JSON Schema, so the action "
                + "cannot run: {}", connectorId, action.name(), problem);
        return new Compiled(null, problem);
    }

    /**
     * One field error per problem. The branches of an {@code anyOf} or {@code oneOf} of which none held are one
     * problem, not one per branch: {@code "anyOf":[{"required":["stop"]},{"required":["duration"]}]} is "give stop
     * or duration", where a list of both requirements would read as both being needed.
     */
    private static List<FieldError> fieldErrors(List<Error> errors) {
        Map<String, List<Error>> groups = new LinkedHashMap<>();
        for (Error error : errors) {
            String combinator = combinator(error.getEvaluationPath());
            String key = combinator == null ? "error:" + groups.size() : combinator + "@" + error.getInstanceLocation();
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(error);
        }
        List<FieldError> found = new ArrayList<>();
        for (List<Error> group : groups.values()) {
            String combinator = combinator(group.get(0).getEvaluationPath());
            found.add(combinator == null ? fieldError(group.get(0)) : branchesError(group, combinator));
        }
        return found.stream().distinct().toList();
    }

    /**
     * The evaluation path up to the outermost anyOf or oneOf whose branch produced this error (e.g. {@code
     * /properties/x/anyOf}); null when no branch did.
     */
    private static String combinator(NodePath path) {
        StringBuilder prefix = new StringBuilder();
        for (int i = 0; i < path.getNameCount(); i++) {
            Object element = path.getElement(i);
            prefix.append('/').append(element);
            if (("anyOf".equals(element) || "oneOf".equals(element)) && i + 1 < path.getNameCount()) {
                return prefix.toString();
            }
        }
        return null;
    }

    private static FieldError branchesError(List<Error> branches, String combinator) {
        String name = field(branches.get(0).getInstanceLocation());
        String keyword = combinator.substring(combinator.lastIndexOf('/') + 1);
        List<String> required = branches.stream().filter(e -> "required".equals(e.getKeyword()))
                .map(Error::getProperty).distinct().toList();
        String what = required.size() == branches.size()
                ? "needs " + (required.size() == 1 ? required.get(0) : "one of " + String.join(", ", required))
                : "matches none of the allowed forms: " + branches.stream().map(InputValidator::message).distinct()
                        .collect(Collectors.joining("; or "));
        return new FieldError(name, "schema_" + keyword, name + ": " + what);
    }

    /** An instance location as the field name callers see: {@code data_fields[1].custom_id}, {@code input} at the top. */
    private static String field(NodePath location) {
        StringBuilder field = new StringBuilder();
        for (int i = 0; i < location.getNameCount(); i++) {
            Object element = location.getElement(i);
            if (element instanceof Integer index) {
                field.append('[').append(index).append(']');
            } else {
                field.append(field.length() == 0 ? "" : ".").append(element);
            }
        }
        return field.length() == 0 ? "input" : field.toString();
    }

    private static FieldError fieldError(Error error) {
        String name = field(error.getInstanceLocation());
        if (PROPERTY_KEYWORDS.contains(error.getKeyword()) && error.getProperty() != null) {
            name = name.equals("input") ? error.getProperty() : name + "." + error.getProperty();
        }
        return new FieldError(name, "schema_" + error.getKeyword(), name + ": " + message(error));
    }

    // The library prefixes its message with the JSON path; the field already says where.
    private static String message(Error error) {
        String message = error.getMessage();
        int colon = message.indexOf(": ");
        return message.startsWith("$") && colon > 0 ? message.substring(colon + 2) : message;
    }
}
