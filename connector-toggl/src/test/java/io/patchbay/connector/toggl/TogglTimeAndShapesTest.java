package io.patchbay.connector.toggl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import com.squareup.moshi.JsonDataException;
import io.patchbay.spi.ConnectorContext;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The lenient timestamp reading, and Toggl's recorded answer shapes read through the connector's own Moshi. */
class TogglTimeAndShapesTest {
    private final TogglHttp http = new TogglHttp(java.net.URI.create("http://127.0.0.1:9"),
            ConnectorContext.defaults("toggl"), TogglSettings.DEFAULTS, "test");

    @ParameterizedTest
    @CsvSource({
            "2024-12-16T02:18:20Z, 2024-12-16T02:18:20Z",
            "2024-12-16T02:18:20+00:00, 2024-12-16T02:18:20Z",
            "2024-12-16T01:18:20.433038Z, 2024-12-16T01:18:20.433038Z",
            "2024-07-30T11:13:46+03:00, 2024-07-30T08:13:46Z",
            "2024-07-30T11:13:46-0530, 2024-07-30T16:43:46Z",
            "2024-12-16T02:18:20.1Z, 2024-12-16T02:18:20.100Z",
            "2024-12-16T02:18:20.123456789+01:00, 2024-12-16T01:18:20.123456789Z",
            "2024-12-16t02:18:20z, 2024-12-16T02:18:20Z"})
    void readsEveryTimestampFormTogglSends(String text, String expected) {
        assertThat(TogglTime.parse(text)).isEqualTo(Instant.parse(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2024-12-16T02:18Z", "2024-12-16T02:18:20", "2024-12-16", "2024-12-16 02:18:20Z",
            "2024-12-16T02:18:20.1234567890Z", "yesterday"})
    void refusesWhatIsNotRfc3339WithSecondsAndOffset(String text) {
        assertThat(TogglTime.tryParse(text)).isEmpty();
    }

    @Test
    void writesUtcRfc3339() {
        assertThat(TogglTime.format(Instant.parse("2024-12-16T02:18:20Z"))).isEqualTo("2024-12-16T02:18:20Z");
        assertThat(TogglTime.format(null)).isNull();
    }

    @Test
    void aRecordedRunningEntryFromCurrentReadsWithItsLegacyFields() throws Exception {
        // GET /me/time_entries/current, recorded: duration is minus the start epoch, pid left out, tags [].
        String json = "{\"id\":3731531776,\"wid\":2230580,\"uid\":2166261,\"task_id\":null,\"billable\":false,"
                + "\"start\":\"2024-12-13T00:18:26+00:00\",\"stop\":null,\"duration\":-1734049106,"
                + "\"description\":null,\"tags\":null,\"tag_ids\":null,\"duronly\":true,"
                + "\"at\":\"2024-12-13T00:18:27.123456Z\",\"server_deleted_at\":null,\"unknown_field\":{\"x\":1}}";
        Dto.TimeEntry entry = http.moshi().adapter(Dto.TimeEntry.class).fromJson(json);

        Map<String, Object> out = Output.timeEntry(entry, Instant.parse("2024-12-13T01:18:26Z"));
        assertThat(out).contains(entry("workspace_id", 2230580L), entry("user_id", 2166261L),
                entry("project_id", null), entry("running", true), entry("duration", 3600L), entry("stop", null),
                entry("tags", List.of()), entry("tag_ids", List.of()), entry("description", null),
                entry("updated_at", "2024-12-13T00:18:27.123456Z"));
    }

    @Test
    void aZeroDurationEntryIsStoppedNotRunning() throws Exception {
        String json = "{\"id\":1,\"workspace_id\":2,\"start\":\"2024-12-16T02:18:20Z\",\"stop\":null,\"duration\":0}";
        Dto.TimeEntry entry = http.moshi().adapter(Dto.TimeEntry.class).fromJson(json);

        assertThat(Output.timeEntry(entry, Instant.now())).contains(entry("running", false), entry("duration", 0L));
    }

    @Test
    void clientsCarryOnlyWid() throws Exception {
        String json = "{\"id\":64890399,\"wid\":2230580,\"archived\":false,\"name\":\"AGL\","
                + "\"at\":\"2024-03-17T10:55:38+00:00\",\"creator_id\":2166261}";
        Dto.Client client = http.moshi().adapter(Dto.Client.class).fromJson(json);

        assertThat(Output.client(client)).contains(entry("workspace_id", 2230580L), entry("name", "AGL"),
                entry("updated_at", "2024-03-17T10:55:38Z"));
    }

    @Test
    void aProjectWithADateOnlyStartAndLegacyNamesReads() throws Exception {
        String json = "{\"id\":63334341,\"wid\":2230580,\"cid\":64890399,\"name\":\"Podcast\",\"is_private\":false,"
                + "\"active\":false,\"at\":\"2024-03-17T10:58:41+00:00\",\"created_at\":\"2017-08-28T10:48:31+00:00\","
                + "\"start_date\":\"2017-08-28\",\"status\":\"archived\",\"color\":\"#465bb3\"}";
        Dto.Project project = http.moshi().adapter(Dto.Project.class).fromJson(json);

        assertThat(Output.project(project)).contains(entry("workspace_id", 2230580L), entry("client_id", 64890399L),
                entry("active", false), entry("status", "archived"), entry("created_at", "2017-08-28T10:48:31Z"));
    }

    @Test
    void anUnreadableTimestampIsAJsonError() {
        assertThatThrownBy(() -> http.moshi().adapter(Dto.Tag.class).fromJson("{\"id\":1,\"at\":\"soon\"}"))
                .isInstanceOf(JsonDataException.class).hasMessageContaining("$.at");
    }

    @Test
    void settingsAreReadCaseInsensitivelyAndBadValuesAreNamed() {
        TogglSettings settings = TogglSettings.from(Map.of("RETRY_MAX_ATTEMPTS", "5", "requests-per-second", "2.5"));
        assertThat(settings.maxAttempts()).isEqualTo(5);
        assertThat(settings.requestsPerSecond()).isEqualTo(2.5);
        assertThatThrownBy(() -> TogglSettings.from(Map.of("retry_initial_delay_ms", "fast")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("retry_initial_delay_ms");
        assertThatThrownBy(() -> TogglSettings.from(Map.of("requests_per_second", "0")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("requests_per_second");
        assertThatThrownBy(() -> TogglSettings.from(Map.of("BASEURL", "http://proxy", "retry_max_attempt", "2")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Unknown setting(s) [baseurl, retry_max_attempt] for connector toggl")
                .hasMessageContaining("retry_max_attempts").hasMessageNotContaining("http://proxy");
    }

    @Test
    void aBaseUrlThatIsNotHttpIsRefusedWhenTheConnectorIsCreated() {
        for (String url : List.of("ftp://api.track.toggl.com", "mailto:api@toggl.com", "file:///api")) {
            assertThatThrownBy(() -> new TogglConnectorFactory().create(
                    ConnectorContext.defaults("toggl").withBaseUrl(java.net.URI.create(url))))
                    .as(url).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("the Toggl base URL must be an http(s) URL: " + url);
        }
    }

    @Test
    void errorBodiesAreReadInEveryFormTogglUses() {
        assertThat(TogglFailures.detail("\"Time entry not found\"", "application/json", List.of()))
                .contains("Time entry not found");
        assertThat(TogglFailures.detail("Invalid start date\n", "text/plain", List.of()))
                .contains("Invalid start date");
        assertThat(TogglFailures.detail("<html><title>429</title></html>", "text/html", List.of())).isEmpty();
        assertThat(TogglFailures.detail("", null, List.of())).isEmpty();
        assertThat(TogglFailures.detail("\"\"", "application/json", List.of())).isEmpty();
    }

    @Test
    void retryAfterAcceptsSecondsOrAnHttpDate() {
        java.time.Clock clock = java.time.Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), java.time.ZoneOffset.UTC);
        assertThat(TogglFailures.retryAfter("120", clock)).contains(java.time.Duration.ofSeconds(120));
        assertThat(TogglFailures.retryAfter("Wed, 01 Jan 2025 00:01:30 GMT", clock))
                .contains(java.time.Duration.ofSeconds(90));
        assertThat(TogglFailures.retryAfter("soon", clock)).isEmpty();
    }
}
