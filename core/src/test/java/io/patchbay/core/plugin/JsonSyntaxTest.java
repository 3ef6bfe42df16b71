package io.patchbay.core.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonSyntaxTest {
    @Test
    void wellFormedJsonPasses() {
        for (String json : List.of("{}", " true ", "[1, -0.5, 2e+10, \"a\\\"\\u00e9\\n\", null, false, {\"a\":[]}]",
                "{\"type\":\"object\",\"properties\":{\"q\":{\"type\":\"string\"}}}")) {
            assertThat(JsonSyntax.problem(json)).as(json).isEmpty();
        }
    }

    @Test
    void malformedJsonIsNamedWithWhere() {
        Map<String, String> problems = Map.of(
                "", "unexpected end of text at offset 0",
                "{\"type\":", "unexpected end of text at offset 8",
                "{type:1}", "expected a property name in double quotes at offset 1",
                "[1,]", "unexpected character ']' at offset 3",
                "{\"a\":01}", "expected '}' at offset 6",
                "\"open", "a string without its closing quote at offset 5",
                "\"\\x\"", "an unknown escape in a string at offset 2",
                "{} {}", "more text after the JSON value at offset 3",
                "[".repeat(300), "nested more than 200 levels deep at offset 201");
        problems.forEach((json, problem) -> assertThat(JsonSyntax.problem(json)).as(json).hasValue(problem));
    }
}
