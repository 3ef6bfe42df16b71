package io.patchbay.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Whether an action's schema is one a host can use: valid JSON, valid against JSON Schema's draft 2020-12
 * meta-schema (the dialect hosts validate input with), {@code required} naming only declared properties, which
 * the meta-schema allows but no caller could ever satisfy, and references that resolve.
 */
final class SchemaCheck {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final Schema META_SCHEMA = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
            .getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));
    /** Configured as the server's: formats are asserted. */
    private static final SchemaRegistry HOST_REGISTRY = SchemaRegistry.withDefaultDialect(
            SpecificationVersion.DRAFT_2020_12, builder -> builder.schemaRegistryConfig(SchemaRegistryConfig.builder()
                    .formatAssertionsEnabled(true).build()));
    private static final List<String> SCHEMA_LISTS = List.of("allOf", "anyOf", "oneOf", "prefixItems");
    private static final List<String> SCHEMA_MAPS = List.of("properties", "patternProperties", "$defs",
            "dependentSchemas");
    private static final List<String> SCHEMAS = List.of("items", "additionalProperties", "not", "if", "then",
            "else", "contains", "propertyNames", "unevaluatedItems", "unevaluatedProperties");
    /** Keywords whose schemas apply to the same object as their parent, so may require the parent's properties. */
    private static final Set<String> BRANCHES = Set.of("allOf", "anyOf", "oneOf", "not", "if", "then", "else");

    private SchemaCheck() {
    }

    /** What is wrong with an action's input schema: it must describe a JSON object. Empty when nothing is. */
    static List<String> inputProblems(String schema) {
        List<String> problems = new ArrayList<>();
        JsonNode root = parse(schema, problems);
        if (root != null && !"object".equals(root.path("type").asText())) {
            problems.add("the input schema must be an object schema with \"type\":\"object\": an action's input is a "
                    + "JSON object");
        }
        check(root, problems);
        return problems;
    }

    /** What is wrong with any schema (an action's output). Empty when nothing is. */
    static List<String> problems(String schema) {
        List<String> problems = new ArrayList<>();
        check(parse(schema, problems), problems);
        return problems;
    }

    private static JsonNode parse(String schema, List<String> problems) {
        try {
            return JSON.readTree(schema);
        } catch (JsonProcessingException e) {
            problems.add("not valid JSON: " + e.getOriginalMessage());
            return null;
        }
    }

    private static void check(JsonNode root, List<String> problems) {
        if (root == null) {
            return;
        }
        META_SCHEMA.validate(root).forEach(error -> problems.add("#" + pointer(error.getInstanceLocation().toString())
                + ": " + error.getMessage()));
        if (problems.isEmpty()) {
            walkRequired(root, "#", Set.of(), problems);
        }
        if (problems.isEmpty()) {
            compile(root, problems);
        }
    }

    /**
     * Builds the schema as a host does before its first validation, so what only shows then (a {@code $ref} to
     * nothing) fails here rather than every call of the action once the connector ships.
     */
    private static void compile(JsonNode root, List<String> problems) {
        try {
            HOST_REGISTRY.getSchema(root).initializeValidators();
        } catch (RuntimeException e) {
            problems.add("a host cannot use it: " + e.getMessage());
        }
    }

    // The library writes locations as "$.properties.a"; the kit's messages use JSON pointers ("#/properties/a").
    private static String pointer(String location) {
        return location.startsWith("$") ? location.substring(1).replace('.', '/') : location;
    }

    /**
     * @param inherited the property names of the schema a combinator branch belongs to: {@code
     *                  "oneOf":[{"required":["a"]},{"required":["b"]}]} names its parent's properties
     */
    private static void walkRequired(JsonNode schema, String at, Set<String> inherited, List<String> problems) {
        if (!schema.isObject()) {
            return; // true or false: the meta-schema allows nothing else
        }
        Set<String> declared = new HashSet<>(inherited);
        schema.path("properties").fieldNames().forEachRemaining(declared::add);
        for (JsonNode name : schema.path("required")) {
            if (!declared.contains(name.asText())) {
                problems.add(at + "/required: '" + name.asText() + "' is not among the properties " + declared);
            }
        }
        Set<String> own = Set.copyOf(declared);
        for (String key : SCHEMA_MAPS) {
            schema.path(key).fields().forEachRemaining(
                    e -> walkRequired(e.getValue(), at + "/" + key + "/" + e.getKey(), Set.of(), problems));
        }
        for (String key : SCHEMA_LISTS) {
            JsonNode list = schema.path(key);
            for (int i = 0; i < list.size(); i++) {
                walkRequired(list.get(i), at + "/" + key + "/" + i, BRANCHES.contains(key) ? own : Set.of(), problems);
            }
        }
        for (String key : SCHEMAS) {
            if (schema.has(key)) {
                walkRequired(schema.get(key), at + "/" + key, BRANCHES.contains(key) ? own : Set.of(), problems);
            }
        }
    }
}
