package io.patchbay.core.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JsonSchemaShapeTest {

    @Test
    void soundSchemasPass() {
        assertThat(JsonSchemaShape.problem("{}")).isEmpty();
        assertThat(JsonSchemaShape.problem("""
                {"type": "object", "additionalProperties": false,
                 "properties": {"ids": {"type": "array", "items": {"type": ["integer", "null"]}},
                                "name": {"type": "string", "pattern": "^a\\\\d+\\u00e9$"}, "any": true,
                                "n": {"type": "number", "minimum": -1.5e3}},
                 "required": ["ids"], "anyOf": [{"required": ["name"]}, {"required": ["n"]}]}
                """)).isEmpty();
    }

    @Test
    void eachProblemIsNamedWithWhereItIs() {
        assertThat(JsonSchemaShape.problem("[]")).contains("not a JSON object but an array");
        assertThat(JsonSchemaShape.problem("{\"type\": \"object\",}")).hasValueSatisfying(p ->
                assertThat(p).startsWith("not valid JSON: expected a member name at offset"));
        assertThat(JsonSchemaShape.problem("{\"type\": \"object\"} x")).hasValueSatisfying(p ->
                assertThat(p).startsWith("not valid JSON: unexpected 'x' after the value"));
        assertThat(JsonSchemaShape.problem("{\"properties\": []}"))
                .contains("$.properties: must be an object of schemas, got an array");
        assertThat(JsonSchemaShape.problem("{\"properties\": {\"a\": \"string\"}}"))
                .contains("$.properties.a: must be a schema (an object), got a string");
        assertThat(JsonSchemaShape.problem("{\"properties\": {\"a\": {\"type\": 1}}}")).hasValueSatisfying(p ->
                assertThat(p).startsWith("$.properties.a.type: a number is not a JSON Schema type"));
        assertThat(JsonSchemaShape.problem("{\"items\": {\"type\": \"text\"}}")).hasValueSatisfying(p ->
                assertThat(p).startsWith("$.items.type: 'text' is not a JSON Schema type"));
        assertThat(JsonSchemaShape.problem("{\"properties\": {}, \"required\": \"a\"}"))
                .contains("$.required: must be an array of property names, got a string");
        assertThat(JsonSchemaShape.problem("{\"a\": 1, \"a\": 2}")).hasValueSatisfying(p ->
                assertThat(p).contains("member 'a' repeated"));
    }
}
