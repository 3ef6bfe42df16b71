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
        List<FieldError> found = fieldErrors(errors, errors.more);
        return errors.more ? Stream.concat(found.stream(), Stream.of(new FieldError("input", "too_many_errors",
                "input: more than " + MAX_ERRORS + " problems; the first are listed"))).toList() : found;
    }

    /**
     * The first {@value #MAX_ERRORS} errors of one validation, then the walk stops: an array of 500,000 wrong items
     * would otherwise cost seconds of CPU and an answer of tens of megabytes. It stops the library's way, by turning
     * on fail-fast, whose exception every keyword passes through (another exception would be logged as a failure
     * of the schema). The branches of a failed anyOf or oneOf reach this list too; {@link #fieldErrors} makes them
     * one problem.
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
     * problem, on the object the combinator applies to, not one per branch: {@code
     * "anyOf":[{"required":["stop"]},{"required":["duration"]}]} is "needs stop or duration", where a list of both
     * requirements would read as both being needed. A {@code oneOf} that more than one branch matched is its own
     * error alone. When the cap cut the list short, a last combinator's group may be incomplete and is left out.
     */
    private static List<FieldError> fieldErrors(List<Error> errors, boolean capped) {
        Map<String, List<Located>> groups = new LinkedHashMap<>();
        for (Error error : errors) {
            Located located = Located.of(error);
            groups.computeIfAbsent(located.groupKey(groups.size()), k -> new ArrayList<>()).add(located);
        }
        List<List<Located>> listed = new ArrayList<>(groups.values());
        if (capped && listed.size() > 1 && listed.get(listed.size() - 1).get(0).combinator() != null) {
            listed.remove(listed.size() - 1);
        }
        List<FieldError> found = new ArrayList<>();
        for (List<Located> group : listed) {
            found.add(group.get(0).combinator() == null ? fieldError(group.get(0).error()) : combined(group));
        }
        return found.stream().distinct().toList();
    }

    /** Where an error came from among a combinator's branches: the combinator, the branch, and its object. */
    private record Branch(String combinator, String keyword, int index, String object) {
    }

    /** An error and the branch it came through (null when none), worked out once. */
    private record Located(Error error, Branch branch) {
        static Located of(Error error) {
            return new Located(error, branchOf(error));
        }

        /** The combinator whose own error this is ({@code oneOf}: none or several branches held); null otherwise. */
        String own() {
            return branch == null && COMBINATORS.contains(error.getKeyword()) ? error.getKeyword() : null;
        }

        /** The combinator this error belongs to, through a branch or as its own; null when none. */
        String combinator() {
            return branch != null ? branch.keyword() : own();
        }

        /** A combinator's own error and its branches' errors share a key: the combinator and its object. */
        String groupKey(int position) {
            if (branch != null) {
                return branch.combinator() + "@" + branch.object();
            }
            NodePath evaluation = error.getEvaluationPath();
            NodePath location = error.getInstanceLocation();
            return own() != null ? steps(evaluation, evaluation.getNameCount()) + "@"
                    + field(location, location.getNameCount()) : "error:" + position;
        }
    }

    private static final Set<String> COMBINATORS = Set.of("anyOf", "oneOf");
    /** Keywords followed in an evaluation path by a name or index, not by another keyword. */
    private static final Set<String> NAMED = Set.of("properties", "patternProperties", "$defs", "definitions",
            "dependentSchemas", "prefixItems", "allOf", "anyOf", "oneOf");
    /** Keywords whose subschemas apply to a member or item: the instance location goes one step deeper. */
    private static final Set<String> DESCENDING = Set.of("properties", "patternProperties", "additionalProperties",
            "unevaluatedProperties", "items", "prefixItems", "additionalItems", "unevaluatedItems", "contains");

    /** The outermost anyOf or oneOf branch the error came through; null when none. */
    private static Branch branchOf(Error error) {
        NodePath path = error.getEvaluationPath();
        boolean keywordAt = true;
        for (int i = 0; i < path.getNameCount(); i++) {
            Object element = path.getElement(i);
            if (keywordAt && COMBINATORS.contains(element) && i + 1 < path.getNameCount()
                    && path.getElement(i + 1) instanceof Integer index) {
                NodePath location = error.getInstanceLocation();
                int object = Math.max(0, location.getNameCount() - descents(path, i + 2));
                return new Branch(steps(path, i + 1), (String) element, index, field(location, object));
            }
            keywordAt = !(keywordAt && NAMED.contains(String.valueOf(element)));
        }
        return null;
    }

    /** How many steps into members or items the evaluation path takes from {@code from} on. */
    private static int descents(NodePath path, int from) {
        int depth = 0;
        boolean keywordAt = true;
        for (int i = from; i < path.getNameCount(); i++) {
            String element = String.valueOf(path.getElement(i));
            if (keywordAt && DESCENDING.contains(element)) {
                depth++;
            }
            keywordAt = !(keywordAt && NAMED.contains(element));
        }
        return depth;
    }

    private static FieldError combined(List<Located> group) {
        Error own = group.stream().filter(l -> l.own() != null).map(Located::error).findFirst().orElse(null);
        List<Located> branches = group.stream().filter(l -> l.branch() != null).toList();
        if (branches.isEmpty() || own != null && own.getArguments() != null && own.getArguments().length > 0
                && own.getArguments()[0] instanceof Number valid && valid.intValue() > 1) {
            // Several branches held: what failed in the others is beside the point.
            return fieldError(own != null ? own : group.get(0).error());
        }
        Branch first = branches.get(0).branch();
        String name = named(first.object());
        Map<Integer, List<Error>> byBranch = new java.util.TreeMap<>();
        branches.forEach(l -> byBranch.computeIfAbsent(l.branch().index(), k -> new ArrayList<>()).add(l.error()));
        boolean requiredOnly = branches.stream().allMatch(l -> "required".equals(l.error().getKeyword())
                && l.branch().object().equals(first.object()));
        String what = requiredOnly
                ? "needs " + byBranch.values().stream().map(errors -> errors.stream().map(Error::getProperty)
                        .distinct().collect(Collectors.joining(" and "))).collect(Collectors.joining(" or "))
                : "matches none of the allowed forms: " + byBranch.values().stream().map(errors -> errors.stream()
                        .map(InputValidator::describe).distinct().collect(Collectors.joining(", ")))
                        .collect(Collectors.joining("; or "));
        return new FieldError(name, "schema_" + first.keyword(), name + ": " + what);
    }

    /** An error as one part of a combinator's message: where, when it is not the combinator's object, and why. */
    private static String describe(Error error) {
        String where = field(error.getInstanceLocation(), error.getInstanceLocation().getNameCount());
        return (where.isEmpty() ? "" : where + ": ") + message(error);
    }

    /** The first {@code count} steps of an evaluation path, as {@code /properties/x/anyOf}. */
    private static String steps(NodePath path, int count) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < count; i++) {
            text.append('/').append(path.getElement(i));
        }
        return text.toString();
    }

    /** The first {@code count} steps of an instance location as callers name fields ({@code data_fields[1].id}). */
    private static String field(NodePath location, int count) {
        StringBuilder field = new StringBuilder();
        for (int i = 0; i < count; i++) {
            Object element = location.getElement(i);
            if (element instanceof Integer index) {
                field.append('[').append(index).append(']');
            } else {
                field.append(field.length() == 0 ? "" : ".").append(element);
            }
        }
        return field.toString();
    }

    /** A field name; the input itself is {@code input}. */
    private static String named(String path) {
        return path.isEmpty() ? "input" : path;
    }

    private static FieldError fieldError(Error error) {
        String at = field(error.getInstanceLocation(), error.getInstanceLocation().getNameCount());
        if (PROPERTY_KEYWORDS.contains(error.getKeyword()) && error.getProperty() != null) {
            at = at.isEmpty() ? error.getProperty() : at + "." + error.getProperty();
        }
        String name = named(at);
        return new FieldError(name, "schema_" + error.getKeyword(), name + ": " + message(error));
    }

    // The library prefixes its message with the JSON path; the field already says where.
    private static String message(Error error) {
        String message = error.getMessage();
        int colon = message.indexOf(": ");
        return message.startsWith("$") && colon > 0 ? message.substring(colon + 2) : message;
    }
}
