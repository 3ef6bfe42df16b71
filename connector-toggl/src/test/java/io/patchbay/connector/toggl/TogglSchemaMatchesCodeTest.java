package io.patchbay.connector.toggl;

import static io.patchbay.connector.toggl.fake.FakeToggl.ALICE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.Moshi;
import com.squareup.moshi.Types;
import io.patchbay.connector.toggl.fake.FakeToggl;
import io.patchbay.spi.ActionCall;
import io.patchbay.spi.Connector;
import io.patchbay.spi.InputRejected;
import io.patchbay.testkit.InputSchemas;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The input schemas say what the code enforces: input the connector refuses is refused by the schema too (the REST
 * API checks the schema first, and clients build forms from it), and input the schema accepts gets past the code.
 */
class TogglSchemaMatchesCodeTest {
    @RegisterExtension
    static final TogglOnFake TOGGL = new TogglOnFake();
    private static final FakeToggl FAKE = TOGGL.fake();
    private static final Connector CONNECTOR = TOGGL.connector();
    private static final JsonAdapter<Map<String, Object>> JSON = new Moshi.Builder().build()
            .adapter(Types.newParameterizedType(Map.class, String.class, Object.class));
    private static final String START = "\"start\":\"2025-03-03T09:00:00Z\"";
    private static final String IDS_101 = IntStream.rangeClosed(1, 101).mapToObj(Integer::toString)
            .collect(Collectors.joining(",", "[", "]"));

    static Stream<Arguments> refusedByTheCode() {
        return Stream.of(
                Arguments.of("create_time_entry", "{" + START + "}"),
                Arguments.of("create_time_entry", "{" + START + ",\"duration\":31622401}"),
                Arguments.of("create_time_entry", "{" + START + ",\"duration\":60,\"tags\":[\" \"]}"),
                Arguments.of("create_time_entry", "{" + START + ",\"duration\":60,\"tags\":[\"\"]}"),
                Arguments.of("create_time_entry", "{" + START + ",\"duration\":60,\"tags\":[\"\\u2003\"]}"),
                Arguments.of("start_timer", "{\"tags\":[\"\\t\"]}"),
                Arguments.of("update_time_entry", "{\"time_entry_id\":1}"),
                Arguments.of("update_time_entry", "{\"time_entry_id\":1,\"workspace_id\":2001}"),
                Arguments.of("update_time_entry", "{\"time_entry_id\":1,\"tag_action\":\"add\"}"),
                Arguments.of("update_time_entry", "{\"time_entry_id\":1,\"duration\":31622401}"),
                Arguments.of("list_time_entries", "{" + START + "}"),
                Arguments.of("list_time_entries", "{\"end\":\"2025-03-03T09:00:00Z\"}"),
                Arguments.of("create_project", "{\"name\":\"\"}"),
                Arguments.of("create_project", "{\"name\":\" \\t\\n\"}"),
                Arguments.of("create_project", "{\"name\":\"\\u3000\"}"),
                Arguments.of("create_project", "{\"name\":\"Site\",\"color\":\"#06aaf5\\n\"}"),
                Arguments.of("create_client", "{\"name\":\"  \"}"),
                Arguments.of("create_tag", "{\"name\":\"\\u2028\"}"),
                Arguments.of("validate_webhook_subscription", "{\"subscription_id\":1,\"validation_code\":\"\"}"),
                Arguments.of("validate_webhook_subscription",
                        "{\"subscription_id\":1,\"validation_code\":\"abc def\"}"),
                Arguments.of("validate_webhook_subscription",
                        "{\"subscription_id\":1,\"validation_code\":\"abc\\n\"}"),
                Arguments.of("validate_webhook_subscription",
                        "{\"subscription_id\":1,\"validation_code\":\"c\\u00f6de\"}"),
                report("user_ids"), report("project_ids"), report("client_ids"), report("tag_ids"),
                report("task_ids"));
    }

    private static Arguments report(String list) {
        return Arguments.of("search_time_entries_report", "{\"start_date\":\"2025-03-01\",\"end_date\":"
                + "\"2025-03-02\",\"" + list + "\":" + IDS_101 + "}");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("refusedByTheCode")
    void inputTheCodeRefusesTheSchemaRefusesToo(String action, String input) {
        Throwable thrown = catchThrowable(() -> invoke(action, input));
        assertThat(thrown).as("the code refuses it").isInstanceOf(InputRejected.class);
        assertThat(FAKE.requests()).isEmpty();

        assertThat(InputSchemas.problems(CONNECTOR, action, input)).as("the schema refuses it").isNotEmpty();
    }

    static Stream<Arguments> acceptedByTheSchema() {
        // Toggl lists time entries only about three months back.
        Instant yesterday = Instant.now().minus(Duration.ofDays(1)).truncatedTo(ChronoUnit.SECONDS);
        return Stream.of(
                Arguments.of("create_time_entry", "{" + START + ",\"duration\":31622400}"),
                Arguments.of("create_time_entry", "{" + START + ",\"stop\":\"2025-03-03T10:00:00Z\","
                        + "\"tags\":[\"\\u00a0nbsp\"]}"),
                Arguments.of("update_time_entry", "{\"time_entry_id\":" + FakeToggl.FIRST_HISTORY_ENTRY_ID
                        + ",\"tag_action\":\"add\",\"tag_ids\":[" + FakeToggl.TAG_MEETING + "]}"),
                Arguments.of("update_time_entry", "{\"time_entry_id\":" + FakeToggl.FIRST_HISTORY_ENTRY_ID
                        + ",\"description\":\"\"}"),
                Arguments.of("list_time_entries", "{}"),
                Arguments.of("list_time_entries", "{\"start\":\"" + yesterday + "\",\"end\":\""
                        + yesterday.plusSeconds(3600) + "\"}"),
                Arguments.of("create_tag", "{\"name\":\" x \"}"),
                Arguments.of("search_time_entries_report", "{\"start_date\":\"2025-03-01\",\"end_date\":"
                        + "\"2025-03-02\",\"user_ids\":" + IDS_101.replace(",101", "") + "}"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("acceptedByTheSchema")
    void inputTheSchemaAcceptsGetsPastTheCode(String action, String input) {
        assertThat(InputSchemas.problems(CONNECTOR, action, input)).as("the schema accepts it").isEmpty();

        invoke(action, input);
        assertThat(FAKE.requests()).as("sent to Toggl").isNotEmpty();
        assertThat(FAKE.internalErrors()).isEmpty();
    }

    @Test
    void theNotBlankPatternIsStringIsBlankForEveryCharacter() {
        Pattern notBlank = Pattern.compile(Schema.NOT_BLANK);
        List<Integer> disagree = IntStream.rangeClosed(0, Character.MAX_VALUE)
                .filter(c -> String.valueOf((char) c).isBlank() == notBlank.matcher(String.valueOf((char) c)).find())
                .boxed().toList();
        assertThat(disagree).isEmpty();
    }

    private static void invoke(String action, String input) {
        Map<String, Object> values;
        try {
            values = JSON.fromJson(input);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        CONNECTOR.invoke(new ActionCall(action, TestContexts.token(ALICE), Optional.of("2001"), values));
    }
}
