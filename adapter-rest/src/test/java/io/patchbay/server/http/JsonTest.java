package io.patchbay.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The check a connector's action schemas pass as it loads. */
class JsonTest {
    @Test
    void oneWellFormedValuePasses() {
        for (String json : List.of("{}", " true ", "[1, -0.5, 2e+10, \"a\\\"\\u00e9\\n\", null, false, {\"a\":[]}]",
                "{\"type\":\"object\",\"properties\":{\"q\":{\"type\":\"string\",\"minimum\":-1.5e3}}}\n")) {
            assertThat(Json.syntaxProblem(json)).as(json).isEmpty();
        }
    }

    @Test
    void anythingElseIsNamedWithWhereItBreaks() {
        Map<String, String> problems = Map.of(
                "{\"type\": object}", "$.type",
                "{\"type\":", "$.type",
                "{type:1}", "$.",
                "[1,]", "$[1]",
                "{} {}", "$",
                "\"open", "$");
        problems.forEach((json, where) -> assertThat(Json.syntaxProblem(json)).as(json)
                .hasValueSatisfying(problem -> assertThat(problem).contains(where)));
        assertThat(Json.syntaxProblem("")).isPresent();
    }
}
