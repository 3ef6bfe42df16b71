package io.patchbay.connector.toggl;

import static io.patchbay.connector.toggl.fake.FakeToggl.ALICE;
import static io.patchbay.connector.toggl.fake.FakeToggl.BOB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import io.patchbay.connector.toggl.fake.Fault;
import io.patchbay.connector.toggl.fake.FakeRequest;
import io.patchbay.connector.toggl.fake.FakeToggl;
import io.patchbay.spi.ActionCall;
import io.patchbay.spi.Connector;
import io.patchbay.spi.Credentials;
import io.patchbay.spi.FieldError;
import io.patchbay.spi.InsufficientPermissions;
import io.patchbay.spi.InputRejected;
import io.patchbay.spi.ProviderRejected;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** search_time_entries_report: Reports API v3 paging by X-Next-Row-Number, windows, filters and limits. */
class TogglReportsTest {
    @RegisterExtension
    static final TogglOnFake TOGGL = new TogglOnFake();
    private static final FakeToggl FAKE = TOGGL.fake();
    private static final Connector CONNECTOR = TOGGL.connector();
    private static final String SEARCH = "/reports/api/v3/workspace/2001/search/time_entries";

    private final LocalDate today = LocalDate.ofInstant(FAKE.seededAt(), ZoneOffset.UTC);

    @SuppressWarnings("unchecked")
    private static Map<String, Object> search(Connector connector, Credentials credentials, Map<String, Object> input) {
        return (Map<String, Object>) connector.invoke(new ActionCall("search_time_entries_report", credentials,
                Optional.of("2001"), input)).output();
    }

    private static Map<String, Object> search(Map<String, Object> input) {
        return search(CONNECTOR, TestContexts.token(ALICE), input);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> entries(Map<String, Object> output) {
        return (List<Map<String, Object>>) output.get("time_entries");
    }

    private static List<Instant> starts(List<Map<String, Object>> entries) {
        return entries.stream().map(e -> Instant.parse((String) e.get("start"))).toList();
    }

    @Test
    void followsEveryPageThroughTheNextRowNumberAlone() {
        Map<String, Object> out = search(Map.of("start_date", today.minusDays(250).toString(),
                "end_date", today.toString()));

        List<FakeRequest> requests = FAKE.requests("POST", SEARCH);
        // 200 days of Alice and 10 of Bob, as the admin sees them: 50 a page.
        assertThat(requests).hasSize(5);
        assertThat(requests.get(0).jsonObject()).containsOnly(
                entry("start_date", today.minusDays(250).toString()), entry("end_date", today.toString()),
                entry("order_by", "date"), entry("order_dir", "DESC"), entry("page_size", 50.0));
        assertThat(requests.subList(1, 5)).extracting(r -> r.jsonObject().get("first_row_number"))
                .containsExactly(51.0, 101.0, 151.0, 201.0);
        assertThat(requests).allSatisfy(r -> assertThat(r.jsonObject()).doesNotContainKey("first_id"));

        List<Map<String, Object>> entries = entries(out);
        assertThat(out).containsEntry("pages", 5).containsEntry("truncated", false)
                .containsEntry("truncated_by", null).containsEntry("quota_resets_in_seconds", null);
        assertThat(entries).hasSize(210);
        assertThat(entries).extracting(e -> e.get("id")).doesNotHaveDuplicates();
        assertThat(starts(entries)).isSortedAccordingTo(java.util.Comparator.reverseOrder());
        Map<String, Object> yesterday = entries.stream()
                .filter(e -> e.get("id").equals(FakeToggl.FIRST_HISTORY_ENTRY_ID)).findFirst().orElseThrow();
        assertThat(yesterday).as("Reports answer in Alice's zone; the action answers UTC").contains(
                entry("start", today.minusDays(1) + "T09:00:00Z"), entry("stop", today.minusDays(1) + "T10:15:00Z"),
                entry("duration", 4500L), entry("user_id", 1001L), entry("user_name", "Alice Admin"),
                entry("project_id", 4002L), entry("description", "Work session 1"), entry("billable", false));
    }

    @Test
    void rangesLongerThanAYearAreSearchedYearByYearNewestFirst() {
        Map<String, Object> out = search(Map.of("start_date", today.minusDays(500).toString(),
                "end_date", today.toString()));

        List<FakeRequest> firstPages = FAKE.requests("POST", SEARCH).stream()
                .filter(r -> !r.jsonObject().containsKey("first_row_number")).toList();
        LocalDate split = today.minusDays(500).plusYears(1);
        assertThat(firstPages).extracting(r -> r.jsonObject().get("start_date"), r -> r.jsonObject().get("end_date"))
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(split.toString(), today.toString()),
                        org.assertj.core.groups.Tuple.tuple(today.minusDays(500).toString(),
                                split.minusDays(1).toString()));
        assertThat(entries(out)).hasSize(210);
        assertThat(starts(entries(out))).isSortedAccordingTo(java.util.Comparator.reverseOrder());
    }

    @Test
    void anOpenEndedRangeSearchesOnlyTheYearsAnEntryCanStartIn() {
        assertThat(TogglReports.windows(LocalDate.of(1990, 6, 1), LocalDate.of(2099, 12, 31)))
                .extracting(w -> w[0].toString(), w -> w[1].toString())
                .startsWith(org.assertj.core.groups.Tuple.tuple("2005-12-31", "2006-12-30"))
                .endsWith(org.assertj.core.groups.Tuple.tuple("2030-12-31", "2031-01-01"))
                .hasSize(TogglActions.LAST_START_YEAR - TogglActions.FIRST_START_YEAR + 2);
        assertThat(TogglReports.windows(LocalDate.of(2040, 1, 1), LocalDate.of(2099, 12, 31))).isEmpty();
    }

    @Test
    void noWindowIsASingleDayAndNoneSpansMoreThanAYear() {
        assertThat(TogglReports.windows(LocalDate.of(2025, 1, 1), LocalDate.of(2099, 12, 31)))
                .extracting(w -> w[0].toString(), w -> w[1].toString())
                .endsWith(org.assertj.core.groups.Tuple.tuple("2030-01-01", "2030-12-30"),
                        org.assertj.core.groups.Tuple.tuple("2030-12-31", "2031-01-01"));
        assertThat(TogglReports.windows(LocalDate.of(2024, 3, 1), LocalDate.of(2025, 3, 1)))
                .extracting(w -> w[0].toString(), w -> w[1].toString())
                .containsExactly(org.assertj.core.groups.Tuple.tuple("2024-03-01", "2025-02-27"),
                        org.assertj.core.groups.Tuple.tuple("2025-02-28", "2025-03-01"));
        for (LocalDate[] window : TogglReports.windows(LocalDate.of(1990, 6, 1), LocalDate.of(2099, 12, 31))) {
            assertThat(window[0]).isBefore(window[1]);
            assertThat(window[1]).isBefore(window[0].plusYears(1));
        }
    }

    @Test
    void aRangeEndingADayAfterAWholeYearSendsNoWindowWhoseStartIsItsEnd() {
        LocalDate start = today.minusDays(400);
        LocalDate end = start.plusYears(1);

        Map<String, Object> out = search(Map.of("start_date", start.toString(), "end_date", end.toString()));

        List<FakeRequest> firstPages = FAKE.requests("POST", SEARCH).stream()
                .filter(r -> !r.jsonObject().containsKey("first_row_number")).toList();
        assertThat(firstPages).extracting(r -> r.jsonObject().get("start_date"), r -> r.jsonObject().get("end_date"))
                .containsExactly(org.assertj.core.groups.Tuple.tuple(end.minusDays(1).toString(), end.toString()),
                        org.assertj.core.groups.Tuple.tuple(start.toString(), end.minusDays(2).toString()));
        assertThat(out).containsEntry("truncated", false);
    }

    @Test
    void aSingleDayIsAskedAsThatDayAndTheNextAndOnlyItsOwnEntriesAreAnswered() {
        LocalDate day = today.minusDays(2);

        Map<String, Object> out = search(Map.of("start_date", day.toString(), "end_date", day.toString()));

        assertThat(FAKE.requests("POST", SEARCH)).singleElement().satisfies(r -> assertThat(r.jsonObject())
                .containsEntry("start_date", day.toString()).containsEntry("end_date", day.plusDays(1).toString()));
        assertThat(entries(out)).extracting(e -> e.get("description"))
                .containsExactlyInAnyOrder("Work session 2", "Bob's task 2");
    }

    @Test
    void ascendingOrderWalksTheWindowsOldestFirst() {
        Map<String, Object> out = search(Map.of("start_date", today.minusDays(500).toString(),
                "end_date", today.toString(), "order_dir", "ASC"));

        assertThat(FAKE.requests("POST", SEARCH).get(0).jsonObject())
                .containsEntry("start_date", today.minusDays(500).toString()).containsEntry("order_dir", "ASC");
        assertThat(starts(entries(out))).isSorted();
    }

    @Test
    void aMemberSeesOnlyOwnEntries() {
        Map<String, Object> out = search(CONNECTOR, TestContexts.token(BOB), Map.of(
                "start_date", today.minusDays(30).toString(), "end_date", today.toString()));

        assertThat(entries(out)).hasSize(10).allSatisfy(e -> assertThat(e.get("user_id")).isEqualTo(1002L));
    }

    @Test
    void filtersAreSentAsTogglNamesThem() {
        Map<String, Object> out = search(Map.of("start_date", today.minusDays(60).toString(),
                "end_date", today.toString(), "project_ids", List.of(4001), "tag_ids", List.of(6001),
                "billable", true, "description", "session", "user_ids", List.of(1001)));

        assertThat(FAKE.requests("POST", SEARCH).get(0).jsonObject()).contains(
                entry("project_ids", List.of(4001.0)), entry("tag_ids", List.of(6001.0)), entry("billable", true),
                entry("description", "session"), entry("user_ids", List.of(1001.0)));
        // Days divisible by 6 are on the website project, billable and tagged: 10 in 60 days.
        assertThat(entries(out)).hasSize(10).allSatisfy(e -> {
            assertThat(e.get("project_id")).isEqualTo(4001L);
            assertThat(e.get("tag_ids")).isEqualTo(List.of(6001L));
            assertThat(e.get("billable")).isEqualTo(true);
        });
    }

    @Test
    void aFailedPageIsRetriedBecauseTheSearchOnlyReads() {
        FAKE.enqueue(Fault.serverError().onPath(SEARCH));

        Map<String, Object> out = search(Map.of("start_date", today.minusDays(30).toString(),
                "end_date", today.toString()));

        assertThat(FAKE.requests("POST", SEARCH)).hasSize(2);
        assertThat(entries(out)).hasSize(40);
    }

    @Test
    void aQuotaSpentMidSearchAnswersThePagesReadAndWhenTheQuotaResets() {
        // Free-plan arithmetic: three report pages left in the organization's hourly window.
        FAKE.quota(30, 3);

        Map<String, Object> out = search(Map.of("start_date", today.minusDays(250).toString(),
                "end_date", today.toString()));

        assertThat(FAKE.requests("POST", SEARCH)).as("three pages, then the 402, which is not retried").hasSize(4);
        assertThat(entries(out)).hasSize(150);
        assertThat(entries(out)).extracting(e -> e.get("id")).doesNotHaveDuplicates();
        assertThat(out).containsEntry("pages", 3).containsEntry("truncated", true)
                .containsEntry("truncated_by", "quota");
        assertThat((Long) out.get("quota_resets_in_seconds")).isBetween(3500L, 3600L);
    }

    @Test
    void aQuotaSpentBeforeTheFirstPageIsStillAFailure() {
        FAKE.quota(30, 0);

        assertThatThrownBy(() -> search(Map.of("start_date", today.minusDays(10).toString(),
                "end_date", today.toString())))
                .isInstanceOfSatisfying(io.patchbay.spi.RateLimited.class,
                        e -> assertThat(e.quotaExhausted()).isTrue());
    }

    @Test
    void thePageCapStopsEarlyAndSaysSo() {
        try (Connector capped = new TogglConnectorFactory().create(
                TestContexts.with(FAKE.baseUrl(), Map.of("report_max_pages", "2")))) {
            Map<String, Object> out = search(capped, TestContexts.token(ALICE), Map.of(
                    "start_date", today.minusDays(250).toString(), "end_date", today.toString()));

            assertThat(out).containsEntry("pages", 2).containsEntry("truncated", true)
                    .containsEntry("truncated_by", "page_cap").containsEntry("quota_resets_in_seconds", null);
            assertThat(entries(out)).hasSize(100);
        }
        assertThat(FAKE.requests("POST", SEARCH)).hasSize(2);
    }

    @Test
    void datesAreCheckedBeforeAnyRequest() {
        assertThatThrownBy(() -> search(Map.of("start_date", "2025-02-01", "end_date", "2025-01-01")))
                .isInstanceOfSatisfying(InputRejected.class, e -> assertThat(e.fieldErrors())
                        .extracting(FieldError::field, FieldError::code)
                        .containsExactly(org.assertj.core.groups.Tuple.tuple("end_date", "before_start")));
        assertThatThrownBy(() -> search(Map.of("start_date", "01/02/2025", "end_date", "2025-03-01",
                "order_by", "random")))
                .isInstanceOfSatisfying(InputRejected.class, e -> assertThat(e.fieldErrors())
                        .extracting(FieldError::field).containsExactlyInAnyOrder("start_date", "order_by"));
        assertThatThrownBy(() -> search(Map.of("start_date", "2026-02-01", "end_date", "2026-02-30")))
                .isInstanceOfSatisfying(InputRejected.class, e -> assertThat(e.fieldErrors())
                        .extracting(FieldError::field, FieldError::code)
                        .containsExactly(org.assertj.core.groups.Tuple.tuple("end_date", "date")));
        assertThat(FAKE.requests()).isEmpty();
    }

    @Test
    void aWorkspaceOutOfReachIsAPermissionProblem() {
        assertThatThrownBy(() -> search(CONNECTOR, TestContexts.token(BOB), Map.of("workspace_id", 2002,
                "start_date", "2025-01-01", "end_date", "2025-01-31")))
                .isInstanceOfSatisfying(InsufficientPermissions.class,
                        e -> assertThat(e.getMessage()).contains("Workspace not found/accessible"));
    }

    @Test
    void theBillableFilterOnAFreeWorkspaceIsNamedAsNeedingAPaidPlan() {
        assertThatThrownBy(() -> search(Map.of("workspace_id", "2002", "start_date", today.minusDays(7).toString(),
                "end_date", today.toString(), "billable", true)))
                .isInstanceOfSatisfying(io.patchbay.spi.InsufficientPermissions.class, e -> {
                    assertThat(e.code()).isEqualTo("plan_required");
                    assertThat(e.getMessage()).contains("billable").contains("Workspace needs to have this feature "
                            + "enabled");
                });
        assertThat(FAKE.requests("POST", "/reports/api/v3/workspace/2002/search/time_entries")).hasSize(1);

        Map<String, Object> withoutIt = search(Map.of("workspace_id", "2002",
                "start_date", today.minusDays(7).toString(), "end_date", today.toString()));
        assertThat(withoutIt).containsEntry("truncated", false);
    }
}
