package io.patchbay.server.actions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.patchbay.server.http.ApiException;
import io.patchbay.spi.ActionDefinition;
import io.patchbay.spi.FieldError;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class InputValidatorTest {
    private final InputValidator validator = new InputValidator();

    @Test
    void inputIsCheckedAgainstTheSchemaWithTheFieldNamed() {
        ActionDefinition search = action("{\"type\":\"object\",\"properties\":{\"q\":{\"type\":\"string\","
                + "\"minLength\":2}},\"required\":[\"q\"],\"additionalProperties\":false}");

        assertThat(validator.validate("probe", search, Map.of("q", "coffee"))).isEmpty();
        assertThat(validator.validate("probe", search, Map.of("q", "c", "x", 1)))
                .extracting(FieldError::field, FieldError::code)
                .containsExactlyInAnyOrder(tuple("q", "schema_minLength"),
                        tuple("x", "schema_additionalProperties"));
    }

    @Test
    void aHugeInvalidInputListsItsFirstProblemsAndSaysThereAreMore() {
        ActionDefinition tags = action("{\"type\":\"object\",\"properties\":{\"tags\":{\"type\":\"array\","
                + "\"items\":{\"type\":\"string\"}}}}");

        List<FieldError> many = validator.validate("probe", tags, Map.of("tags", Collections.nCopies(500_000, 1)));
        assertThat(many).hasSize(InputValidator.MAX_ERRORS + 1);
        assertThat(many.get(0)).extracting(FieldError::field, FieldError::code).containsExactly("tags[0]",
                "schema_type");
        assertThat(many.get(InputValidator.MAX_ERRORS)).extracting(FieldError::field, FieldError::code)
                .containsExactly("input", "too_many_errors");

        assertThat(validator.validate("probe", tags, Map.of("tags", Collections.nCopies(InputValidator.MAX_ERRORS,
                1)))).as("exactly as many as are listed").hasSize(InputValidator.MAX_ERRORS)
                .extracting(FieldError::code).containsOnly("schema_type");
    }

    @Test
    void stoppingAtTheLimitIsNotLoggedAsAFailureOfTheSchema() {
        ActionDefinition names = action("{\"type\":\"object\",\"properties\":{\"names\":{\"type\":\"array\","
                + "\"items\":{\"type\":\"string\",\"pattern\":\"\\\\S\"}}}}");
        Logger library = (Logger) LoggerFactory.getLogger("com.networknt");
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        library.addAppender(events);
        try {
            List<FieldError> errors = validator.validate("probe", names, Map.of("names", Collections.nCopies(200,
                    " ")));
            assertThat(errors).hasSize(InputValidator.MAX_ERRORS + 1);
            assertThat(errors.get(0).code()).isEqualTo("schema_pattern");
            assertThat(events.list).as("the library's own log").isEmpty();
        } finally {
            library.detachAppender(events);
        }
    }

    @Test
    void theBranchesACombinatorTriesDoNotCountAsProblems() {
        // Each item fails anyOf's first branch and passes the second: no problem at all, however many items.
        ActionDefinition ids = action("{\"type\":\"object\",\"properties\":{\"ids\":{\"type\":\"array\","
                + "\"items\":{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"integer\"}]}}}}");

        assertThat(validator.validate("probe", ids, Map.of("ids", Collections.nCopies(200, 7)))).isEmpty();
        assertThat(validator.validate("probe", ids, Map.of("ids", List.of(7, true, 8))))
                .extracting(FieldError::field, FieldError::code).containsExactly(tuple("ids[1]", "schema_anyOf"));
    }

    @Test
    void aCombinatorNoBranchOfWhichHoldsIsOneProblemNotOnePerBranch() {
        // "stop or duration": listing both requirements would tell a caller that both are needed.
        ActionDefinition entry = action("{\"type\":\"object\",\"properties\":{\"start\":{\"type\":\"string\"},"
                + "\"stop\":{\"type\":\"string\"},\"duration\":{\"type\":\"integer\"}},\"required\":[\"start\"],"
                + "\"anyOf\":[{\"required\":[\"stop\"]},{\"required\":[\"duration\"]}]}");

        assertThat(validator.validate("probe", entry, Map.of("start", "x", "duration", 60))).isEmpty();
        assertThat(validator.validate("probe", entry, Map.of("start", "x")))
                .extracting(FieldError::field, FieldError::code, FieldError::message)
                .containsExactly(tuple("input", "schema_anyOf", "input: needs stop or duration"));
        assertThat(validator.validate("probe", entry, Map.of("duration", 60)))
                .extracting(FieldError::field, FieldError::code).containsExactly(tuple("start", "schema_required"));
    }

    @Test
    void eachCombinatorIsOneErrorSayingWhatWouldDo() {
        ActionDefinition pair = action("{\"type\":\"object\",\"anyOf\":[{\"required\":[\"a\",\"b\"]},"
                + "{\"required\":[\"c\"]}],\"properties\":{\"oneOf\":{\"type\":\"string\"}}}");
        assertThat(new InputValidator().validate("pair", pair, Map.of()))
                .extracting(FieldError::field, FieldError::code, FieldError::message)
                .containsExactly(tuple("input", "schema_anyOf", "input: needs a and b or c"));
        assertThat(new InputValidator().validate("pair", pair, Map.of("c", 1, "oneOf", 5)))
                .as("a property named like a combinator is a property").extracting(FieldError::field, FieldError::code)
                .containsExactly(tuple("oneOf", "schema_type"));

        // A branch failing on a member and one failing on a requirement are still one problem, on their object.
        ActionDefinition either = action("{\"type\":\"object\",\"properties\":{\"d\":{\"type\":\"integer\"}},"
                + "\"anyOf\":[{\"required\":[\"stop\"]},{\"properties\":{\"d\":{\"minimum\":0}}}]}");
        assertThat(new InputValidator().validate("either", either, Map.of("d", -1)))
                .extracting(FieldError::field, FieldError::code).containsExactly(tuple("input", "schema_anyOf"));

        ActionDefinition exactlyOne = action("{\"type\":\"object\",\"properties\":{\"v\":{\"oneOf\":["
                + "{\"type\":\"integer\"},{\"type\":\"integer\",\"minimum\":0},{\"type\":\"string\"}]}}}");
        assertThat(new InputValidator().validate("one", exactlyOne, Map.of("v", true)))
                .as("none held: one error, not the library's own beside the branches'")
                .extracting(FieldError::field, FieldError::code).containsExactly(tuple("v", "schema_oneOf"));
        assertThat(new InputValidator().validate("one", exactlyOne, Map.of("v", 5)))
                .as("two held: only that is said").singleElement()
                .satisfies(e -> assertThat(e.message()).contains("2 are valid"));
    }

    @Test
    void formatsAreCheckedSoABadDateIsTheCallersMistake() {
        ActionDefinition since = action("{\"type\":\"object\",\"properties\":{\"at\":{\"type\":\"string\","
                + "\"format\":\"date-time\"},\"on\":{\"type\":\"string\",\"format\":\"date\"}}}");

        assertThat(validator.validate("probe", since, Map.of("at", "2024-12-16T02:18:20Z", "on", "2024-12-16")))
                .isEmpty();
        assertThat(validator.validate("probe", since, Map.of("at", "yesterday", "on", "2024-02-30")))
                .extracting(FieldError::field, FieldError::code)
                .containsExactlyInAnyOrder(tuple("at", "schema_format"), tuple("on", "schema_format"));
    }

    @Test
    void aSchemaThatIsNotValidJsonSchemaIsTheConnectorsFaultNamedWithTheAction() {
        // Well-formed JSON, but minLength must be a non-negative integer: the meta-schema says so.
        ActionDefinition search = action("{\"type\":\"object\",\"properties\":{\"q\":{\"type\":\"string\","
                + "\"minLength\":\"5\"}}}");
        ActionDefinition unreadable = new ActionDefinition("list", "List", "Lists", "{\"type\":", "{}", true);

        for (ActionDefinition action : List.of(search, unreadable, search)) {
            assertThatThrownBy(() -> validator.validate("probe", action, Map.of()))
                    .isInstanceOfSatisfying(ApiException.class, e -> {
                        assertThat(e.status()).isEqualTo(500);
                        assertThat(e.code()).isEqualTo("connector_definition_invalid");
                    })
                    .hasMessageContaining("Connector 'probe'")
                    .hasMessageContaining("action '" + action.name() + "'")
                    .hasMessageContaining(action == search ? "minLength" : "cannot be read");
        }
    }

    @Test
    void aReferenceToNothingIsTheConnectorsFaultLoggedOnce() {
        ActionDefinition search = action("{\"type\":\"object\",\"properties\":{\"q\":"
                + "{\"$ref\":\"#/$defs/query\"}}}");
        Logger logger = (Logger) LoggerFactory.getLogger(InputValidator.class);
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        logger.addAppender(events);
        try {
            for (int call = 0; call < 2; call++) {
                assertThatThrownBy(() -> validator.validate("probe", search, Map.of("q", "coffee")))
                        .isInstanceOfSatisfying(ApiException.class, e -> {
                            assertThat(e.status()).isEqualTo(500);
                            assertThat(e.code()).isEqualTo("connector_definition_invalid");
                        })
                        .hasMessageContaining("Connector 'probe' declares an input schema for action 'search' that "
                                + "is not a valid JSON Schema")
                        .hasMessageContaining("Reference /$defs/query cannot be resolved");
            }
            assertThat(events.list).singleElement().satisfies(e -> {
                assertThat(e.getLevel()).isEqualTo(Level.ERROR);
                assertThat(e.getFormattedMessage()).contains("Connector 'probe'").contains("action 'search'")
                        .contains("Reference /$defs/query cannot be resolved");
            });
        } finally {
            logger.detachAppender(events);
        }
    }

    private static ActionDefinition action(String inputSchema) {
        return new ActionDefinition("search", "Search", "Searches", inputSchema, "{}", true);
    }
}
