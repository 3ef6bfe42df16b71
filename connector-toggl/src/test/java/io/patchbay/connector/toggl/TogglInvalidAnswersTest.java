package io.patchbay.connector.toggl;

import static io.patchbay.connector.toggl.fake.FakeToggl.ALICE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.patchbay.connector.toggl.fake.FakeToggl;
import io.patchbay.connector.toggl.fake.Fault;
import io.patchbay.spi.ActionCall;
import io.patchbay.spi.Connector;
import io.patchbay.spi.ProviderUnavailable;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Answers no API request should get: interim 1xx answers (read past by OkHttp to the real one), an unasked
 * {@code 101 Switching Protocols}, a redirect. The caller learns what happened, not a rejection of their input.
 */
class TogglInvalidAnswersTest {
    @RegisterExtension
    static final TogglOnFake TOGGL = new TogglOnFake();
    private static final FakeToggl FAKE = TOGGL.fake();
    private static final Connector CONNECTOR = TOGGL.connector();
    private static final String ENTRIES = "/api/v9/workspaces/2001/time_entries";
    private static final String PROJECTS = "/api/v9/workspaces/2001/projects";

    @SuppressWarnings("unchecked")
    private static Map<String, Object> run(String action, Map<String, Object> input) {
        return (Map<String, Object>) CONNECTOR.invoke(new ActionCall(action, TestContexts.token(ALICE),
                Optional.of("2001"), input)).output();
    }

    @ParameterizedTest
    @ValueSource(ints = {100, 102, 103})
    void anInterimAnswerBeforeTheRealOneIsReadPast(int interim) {
        FAKE.enqueue(Fault.interimFirst(interim).onPath(ENTRIES));

        @SuppressWarnings("unchecked")
        Map<String, Object> entry = (Map<String, Object>) run("start_timer", Map.of("description", "after " + interim))
                .get("time_entry");

        assertThat(entry).containsEntry("running", true);
        assertThat(FAKE.requests("POST", ENTRIES)).hasSize(1);
        assertThat(FAKE.timeEntries("after " + interim)).hasSize(1);
    }

    @Test
    void anUnaskedSwitchingProtocolsOnAWriteSaysTheAnswerWasInvalidAndTheOutcomeUnknown() {
        FAKE.enqueue(Fault.switchingProtocols().onPath(ENTRIES));

        ProviderUnavailable failure = catchThrowableOfType(ProviderUnavailable.class,
                () -> run("start_timer", Map.of("description", "upgraded")));

        assertThat(failure.code()).isEqualTo("unexpected_response");
        assertThat(failure.getMessage()).contains("HTTP 101 (Switching Protocols)").contains("not a valid answer")
                .contains("may have applied it");
        assertThat(FAKE.requests("POST", ENTRIES)).hasSize(1);
    }

    @Test
    void anUnaskedSwitchingProtocolsOnAReadIsNotReadAgain() {
        FAKE.enqueue(Fault.switchingProtocols().onPath(PROJECTS));

        ProviderUnavailable failure = catchThrowableOfType(ProviderUnavailable.class,
                () -> run("list_projects", Map.of()));

        assertThat(failure.code()).isEqualTo("unexpected_response");
        assertThat(failure.getMessage()).doesNotContain("may have applied");
        assertThat(FAKE.requests("GET", PROJECTS)).hasSize(1);
    }

    @Test
    void aRedirectIsReportedWithItsHostAndNotFollowed() {
        FAKE.enqueue(Fault.redirect("https://elsewhere.example/login?next=%2Fapi").onPath(PROJECTS));

        ProviderUnavailable failure = catchThrowableOfType(ProviderUnavailable.class,
                () -> run("list_projects", Map.of()));

        assertThat(failure.code()).isEqualTo("unexpected_response");
        assertThat(failure.getMessage()).contains("redirect (HTTP 302 to elsewhere.example)").doesNotContain("login");
        assertThat(FAKE.requests()).hasSize(1);
    }

    @Test
    void anInterimAnswerFollowedByNothingIsATimeout() {
        // OkHttp waits past the interim answer for the real one; none coming is, to the caller, no answer in time.
        FAKE.enqueue(new Fault(0, Map.of(), "", Duration.ofSeconds(10), ENTRIES, false, List.of(103)));

        ProviderUnavailable failure = catchThrowableOfType(ProviderUnavailable.class,
                () -> run("start_timer", Map.of("description", "hinted")));

        assertThat(failure.code()).isEqualTo(ProviderUnavailable.TIMEOUT);
        assertThat(failure.getMessage()).contains("may have applied it");
    }

    @Test
    void anEmptySuccessBodyOnAWriteSaysSoAndThatItWasProbablyApplied() {
        FAKE.enqueue(new Fault(200, Map.of("Content-Type", "application/json; charset=utf-8"), "", Duration.ZERO,
                ENTRIES));

        ProviderUnavailable failure = catchThrowableOfType(ProviderUnavailable.class,
                () -> run("start_timer", Map.of("description", "silent")));

        assertThat(failure.code()).isEqualTo("unreadable_response");
        assertThat(failure.getMessage()).contains("empty body").contains("probably applied")
                .doesNotContain("connection");
    }

    @Test
    void anEmptySuccessBodyOnAReadSaysSo() {
        FAKE.enqueue(new Fault(200, Map.of("Content-Type", "application/json; charset=utf-8"), "", Duration.ZERO,
                PROJECTS), 3);

        ProviderUnavailable failure = catchThrowableOfType(ProviderUnavailable.class,
                () -> run("list_projects", Map.of()));

        assertThat(failure.code()).isEqualTo("unreadable_response");
        assertThat(failure.getMessage()).contains("empty body").doesNotContain("applied");
        assertThat(FAKE.requests("GET", PROJECTS)).as("the same answer would come again").hasSize(1);
    }

    @Test
    void anUnreadableSuccessBodyOnAReadIsNotReadAgain() {
        FAKE.enqueue(new Fault(200, Map.of("Content-Type", "application/json; charset=utf-8"),
                "{\"id\": \"not a list\"}", Duration.ZERO, PROJECTS), 3);

        ProviderUnavailable failure = catchThrowableOfType(ProviderUnavailable.class,
                () -> run("list_projects", Map.of()));

        assertThat(failure.code()).isEqualTo("unreadable_response");
        assertThat(FAKE.requests("GET", PROJECTS)).as("retrying only spends the hourly quota").hasSize(1);
    }
}
