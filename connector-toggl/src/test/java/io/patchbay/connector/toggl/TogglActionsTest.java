package io.patchbay.connector.toggl;

import static io.patchbay.connector.toggl.fake.FakeToggl.ALICE;
import static io.patchbay.connector.toggl.fake.FakeToggl.ALICE_RUNNING_ENTRY_ID;
import static io.patchbay.connector.toggl.fake.FakeToggl.BOB;
import static io.patchbay.connector.toggl.fake.FakeToggl.FIRST_HISTORY_ENTRY_ID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import io.patchbay.connector.toggl.fake.FakeRequest;
import io.patchbay.connector.toggl.fake.FakeToggl;
import io.patchbay.spi.ActionCall;
import io.patchbay.spi.Connector;
import io.patchbay.spi.Credentials;
import io.patchbay.spi.FieldError;
import io.patchbay.spi.InputRejected;
import io.patchbay.spi.InsufficientPermissions;
import io.patchbay.spi.ProviderRejected;
import io.patchbay.testkit.InputSchemas;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every action against the fake: the request actually sent, the answer shaped, and the input checked first. */
class TogglActionsTest {
    @RegisterExtension
    static final TogglOnFake TOGGL = new TogglOnFake();
    private static final FakeToggl FAKE = TOGGL.fake();
    private static final Connector CONNECTOR = TOGGL.connector();

    static Map<String, Object> run(Credentials credentials, Optional<String> workspace, String action,
                                   Map<String, Object> input) {
        Object output = CONNECTOR.invoke(new ActionCall(action, credentials, workspace, input)).output();
        assertThat(FAKE.internalErrors()).isEmpty();
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) output;
        return map;
    }

    static Map<String, Object> run(String action, Map<String, Object> input) {
        return run(TestContexts.token(ALICE), Optional.of("2001"), action, input);
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> items(Map<String, Object> output, String key) {
        return (List<Map<String, Object>>) output.get(key);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(Map<String, Object> output, String key) {
        return (Map<String, Object>) output.get(key);
    }

    /** The connector's own refusal: an {@link InputRejected}, never a provider answer, and nothing sent. */
    static InputRejected invalid(String action, Map<String, Object> input) {
        int before = FAKE.requests().size();
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> run(action, input));
        assertThat(thrown).as("rejected input of " + action).isInstanceOf(InputRejected.class);
        InputRejected rejected = (InputRejected) thrown;
        assertThat(rejected.code()).isEqualTo("invalid_input");
        assertThat(FAKE.requests()).as("invalid input never reaches Toggl").hasSize(before);
        return rejected;
    }

    static FakeRequest only(String method, String path) {
        List<FakeRequest> found = FAKE.requests(method, path);
        assertThat(found).as(method + " " + path).hasSize(1);
        FakeRequest request = found.get(0);
        assertThat(request.path()).isEqualTo(path);
        assertThat(request.basicAuth()).isPresent();
        return request;
    }

    @Test
    void listWorkspacesAnswersEveryWorkspaceWithTheRole() {
        Map<String, Object> out = run("list_workspaces", Map.of());

        only("GET", "/api/v9/me/workspaces");
        assertThat(items(out, "workspaces")).extracting(w -> w.get("id"), w -> w.get("role"), w -> w.get("admin"),
                        w -> w.get("organization_id"), w -> w.get("premium"))
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(2001L, "admin", true, 3001L, true),
                        org.assertj.core.groups.Tuple.tuple(2002L, "admin", true, 3001L, false),
                        org.assertj.core.groups.Tuple.tuple(2003L, "user", false, 3002L, true));
    }

    @Test
    void aWorkspaceWithoutANameGetsOneAndOneWithoutAnIdIsLeftOutAsTheOutputSchemaSays() {
        FAKE.enqueue(new io.patchbay.connector.toggl.fake.Fault(200, Map.of("Content-Type", "application/json"),
                "[{\"id\":2001,\"organization_id\":3001,\"name\":null,\"role\":\"admin\",\"admin\":true},"
                        + "{\"id\":2002,\"organization_id\":3001,\"name\":\" \",\"role\":\"user\"},"
                        + "{\"organization_id\":3001,\"name\":\"No id\",\"role\":\"user\"}]",
                Duration.ZERO, "/api/v9/me/workspaces"));

        Map<String, Object> out = run("list_workspaces", Map.of());

        assertThat(items(out, "workspaces")).extracting(w -> w.get("id"), w -> w.get("name")).containsExactly(
                org.assertj.core.groups.Tuple.tuple(2001L, "Workspace 2001"),
                org.assertj.core.groups.Tuple.tuple(2002L, "Workspace 2002"));
        String schema = CONNECTOR.actions().stream().filter(a -> a.name().equals("list_workspaces")).findFirst()
                .orElseThrow().outputSchema();
        assertThat(com.networknt.schema.SchemaRegistry.withDefaultDialect(
                        com.networknt.schema.SpecificationVersion.DRAFT_2020_12)
                .getSchema(schema, com.networknt.schema.InputFormat.JSON)
                .validate(new com.squareup.moshi.Moshi.Builder().build().adapter(Object.class).toJson(out),
                        com.networknt.schema.InputFormat.JSON)).isEmpty();
    }

    @Test
    void anUnknownActionIsRejected() {
        assertThatThrownBy(() -> run("launch_rocket", Map.of()))
                .isInstanceOfSatisfying(InputRejected.class, e -> assertThat(e.code()).isEqualTo("unknown_action"));
    }

    @Test
    void unknownInputFieldsAreNamed() {
        InputRejected rejected = invalid("list_tags", Map.of("colour", "red"));
        assertThat(rejected.fieldErrors()).extracting(FieldError::field, FieldError::code)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("colour", "unknown_field"));
    }

    @Test
    void withoutALinkedWorkspaceTheWorkspaceIdIsRequired() {
        int before = FAKE.requests().size();
        assertThatThrownBy(() -> run(TestContexts.token(ALICE), Optional.empty(), "list_tags", Map.of()))
                .isInstanceOfSatisfying(InputRejected.class, e -> assertThat(e.fieldErrors())
                        .extracting(FieldError::field, FieldError::code)
                        .containsExactly(org.assertj.core.groups.Tuple.tuple("workspace_id", "required")));
        assertThat(FAKE.requests()).hasSize(before);

        run(TestContexts.token(ALICE), Optional.empty(), "list_tags", Map.of("workspace_id", "2003"));
        assertThat(FAKE.requests().subList(before, FAKE.requests().size())).isNotEmpty()
                .allSatisfy(r -> assertThat(r.path()).isEqualTo("/api/v9/workspaces/2003/tags"));
    }

    @Nested
    class TimeEntries {
        private final Instant now = FAKE.seededAt();
        private final LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);

        @Test
        void listTimeEntriesSendsTheRangeInUtcAndFlagsTheRunningEntry() {
            String start = today.minusDays(7) + "T02:00:00+02:00";
            Map<String, Object> out = run("list_time_entries", Map.of("start", start,
                    "end", "2099-01-01T00:00:00Z"));

            FakeRequest request = only("GET", "/api/v9/me/time_entries");
            assertThat(request.query("start_date")).isEqualTo(today.minusDays(7) + "T00:00:00Z");
            assertThat(request.query("end_date")).isEqualTo("2099-01-01T00:00:00Z");
            List<Map<String, Object>> entries = items(out, "time_entries");
            // 7 days of the studio, 5 of the lab, 3 of Globex (all on or after day 7 at 09:00) and the running one.
            assertThat(entries).hasSize(16);
            assertThat(out.get("truncated")).isEqualTo(false);
            Map<String, Object> running = entries.get(0);
            assertThat(running).contains(entry("id", ALICE_RUNNING_ENTRY_ID), entry("running", true),
                    entry("stop", null), entry("workspace_id", 2001L), entry("project_id", 4001L));
            assertThat((Long) running.get("duration")).as("elapsed seconds, never the negative raw value")
                    .isBetween(1500L, 1500L + 600);
            assertThat(entries.subList(1, entries.size())).allSatisfy(e -> assertThat(e.get("running")).isEqualTo(false));
        }

        @Test
        void startAndEndGoTogether() {
            InputRejected rejected = invalid("list_time_entries", Map.of("start", "2025-01-01T00:00:00Z"));
            assertThat(rejected.fieldErrors()).extracting(FieldError::field).containsExactly("end");
        }

        @Test
        void aRangeOlderThanTogglsLookbackPointsToTheReport() {
            String start = now.minus(Duration.ofDays(120)).toString();
            assertThatThrownBy(() -> run("list_time_entries", Map.of("start", start, "end", now.toString())))
                    .isInstanceOfSatisfying(ProviderRejected.class, e -> {
                        assertThat(e.code()).isEqualTo("too_far_back");
                        assertThat(e.getMessage()).contains("start_date must not be earlier than")
                                .contains("search_time_entries_report");
                        assertThat(e.fieldErrors()).extracting(FieldError::field).containsExactly("start");
                    });
        }

        @Test
        void getTimeEntryReadsTheUsersEntry() {
            Map<String, Object> entry = object(run("get_time_entry",
                    Map.of("time_entry_id", FIRST_HISTORY_ENTRY_ID + 1)), "time_entry");

            only("GET", "/api/v9/me/time_entries/" + (FIRST_HISTORY_ENTRY_ID + 1));
            assertThat(entry).contains(entry("id", FIRST_HISTORY_ENTRY_ID + 1), entry("workspace_id", 2001L),
                    entry("project_id", null), entry("user_id", 1001L), entry("description", "Work session 2"),
                    entry("start", today.minusDays(2) + "T09:00:00Z"), entry("stop", today.minusDays(2) + "T10:30:00Z"),
                    entry("duration", 5400L), entry("running", false), entry("tags", List.of("billed")),
                    entry("tag_ids", List.of(FakeToggl.TAG_BILLED)));
            assertThat((String) entry.get("updated_at")).endsWith("Z");
        }

        @Test
        void createTimeEntrySendsUtcTimesCreatedWithAndOnlyTheGivenFields() {
            Map<String, Object> entry = object(run("create_time_entry", Map.of(
                    "start", "2025-03-03T10:00:00+01:00",
                    "stop", "2025-03-03T11:30:00+01:00",
                    "description", "Client call",
                    "project_id", 4001,
                    "tags", List.of("billed", "phone"),
                    "billable", true)), "time_entry");

            FakeRequest request = only("POST", "/api/v9/workspaces/2001/time_entries");
            assertThat(request.header("Content-Type")).startsWith("application/json");
            assertThat(request.jsonObject()).containsOnly(
                    entry("created_with", "Patchbay"), entry("workspace_id", 2001.0),
                    entry("start", "2025-03-03T09:00:00Z"), entry("stop", "2025-03-03T10:30:00Z"),
                    entry("description", "Client call"), entry("project_id", 4001.0),
                    entry("tags", List.of("billed", "phone")), entry("billable", true));
            assertThat(entry).contains(entry("duration", 5400L), entry("running", false),
                    entry("start", "2025-03-03T09:00:00Z"), entry("stop", "2025-03-03T10:30:00Z"),
                    entry("tags", List.of("billed", "phone")), entry("billable", true));
            assertThat(FAKE.timeEntry((Long) entry.get("id"))).isPresent();
        }

        @Test
        void createTimeEntryWithADurationAndAnotherWorkspace() {
            Map<String, Object> entry = object(run("create_time_entry", Map.of("workspace_id", 2002,
                    "start", "2025-03-03T09:00:00Z", "duration", 900)), "time_entry");

            assertThat(only("POST", "/api/v9/workspaces/2002/time_entries").jsonObject())
                    .contains(entry("workspace_id", 2002.0), entry("duration", 900.0)).doesNotContainKey("stop");
            assertThat(entry).contains(entry("workspace_id", 2002L), entry("stop", "2025-03-03T09:15:00Z"),
                    entry("tags", List.of()), entry("tag_ids", List.of()));
        }

        @Test
        void createTimeEntryRefusesWhatTogglWouldSilentlyGetWrong() {
            assertThat(invalid("create_time_entry", Map.of("start", "2025-03-03T09:00:00Z")).fieldErrors())
                    .extracting(FieldError::field, FieldError::code)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("stop", "required"));
            assertThat(invalid("create_time_entry", Map.of("start", "2025-03-03T09:00:00Z",
                    "stop", "2025-03-03T10:00:00Z", "duration", 60)).fieldErrors())
                    .extracting(FieldError::field).containsExactly("duration");
            assertThat(invalid("create_time_entry", Map.of("start", "2025-03-03 09:00", "duration", 60))
                    .fieldErrors()).extracting(FieldError::field, FieldError::code)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("start", "date_time"));
            assertThat(invalid("create_time_entry", Map.of("start", "2025-03-03T09:00:00Z", "duration", -5,
                    "project_id", "x")).fieldErrors()).extracting(FieldError::field)
                    .containsExactlyInAnyOrder("duration", "project_id");
        }

        @Test
        void impossibleCalendarDatesAreRefusedNotMovedToTheMonthsEnd() {
            assertThat(invalid("create_time_entry", Map.of("start", "2026-02-31T10:00:00Z", "duration", 60))
                    .fieldErrors()).extracting(FieldError::field, FieldError::code)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("start", "date_time"));
            assertThat(invalid("create_time_entry", Map.of("start", "2026-02-28T10:00:00Z",
                    "stop", "2026-02-29T10:00:00Z")).fieldErrors()).extracting(FieldError::field)
                    .containsExactly("stop");
            assertThat(invalid("list_time_entries", Map.of("start", "2026-11-31T00:00:00Z",
                    "end", "2026-12-02T00:00:00Z")).fieldErrors()).extracting(FieldError::field)
                    .containsExactly("start");
            assertThat(invalid("update_time_entry", Map.of("time_entry_id", 5, "start", "2026-04-31T09:00:00+02:00"))
                    .fieldErrors()).extracting(FieldError::field).containsExactly("start");
            assertThat(invalid("start_timer", Map.of("start", "2026-06-31T09:00:00Z")).fieldErrors())
                    .extracting(FieldError::field).containsExactly("start");
            assertThat(invalid("create_time_entry", Map.of("start", "2026-03-01T24:00:00Z", "duration", 60))
                    .fieldErrors()).extracting(FieldError::field).containsExactly("start");
            // A real leap day is fine.
            assertThat(object(run("create_time_entry", Map.of("start", "2028-02-29T10:00:00Z", "duration", 60)),
                    "time_entry")).containsEntry("start", "2028-02-29T10:00:00Z");
        }

        @Test
        void aStartOutsideTogglsYearsIsRefusedOnTheStartFieldBeforeAnythingIsSent() {
            String message = "start must lie in the years 2006 to 2030 (in UTC), the ones Toggl accepts";
            for (InputRejected rejected : List.of(
                    invalid("create_time_entry", Map.of("start", "2035-01-01T10:00:00Z", "duration", 60)),
                    invalid("create_time_entry", Map.of("start", "2005-12-31T23:30:00Z", "duration", 60)),
                    // 23:30 at -01:00 is already 2031 in UTC, the year Toggl checks.
                    invalid("update_time_entry", Map.of("time_entry_id", FIRST_HISTORY_ENTRY_ID + 1,
                            "start", "2030-12-31T23:30:00-01:00")),
                    invalid("start_timer", Map.of("start", "1999-05-01T09:00:00Z")))) {
                assertThat(rejected.fieldErrors()).extracting(FieldError::field, FieldError::code, FieldError::message)
                        .containsExactly(org.assertj.core.groups.Tuple.tuple("start", "out_of_range", message));
            }

            // The first moment of 2006 in UTC, written at another offset, is Toggl's and is sent.
            Map<String, Object> entry = object(run("create_time_entry", Map.of("start", "2005-12-31T23:30:00-01:00",
                    "duration", 60)), "time_entry");
            assertThat(only("POST", "/api/v9/workspaces/2001/time_entries").jsonObject())
                    .containsEntry("start", "2006-01-01T00:30:00Z");
            assertThat(entry).containsEntry("start", "2006-01-01T00:30:00Z");
        }

        @Test
        void tagListsAreCappedAtAHundredInTheSchemaAsInTheCode() {
            String tags = java.util.stream.IntStream.rangeClosed(1, 101).mapToObj(i -> "\"t" + i + "\"")
                    .collect(java.util.stream.Collectors.joining(",", "[", "]"));
            String ids = java.util.stream.IntStream.rangeClosed(1, 101).mapToObj(Integer::toString)
                    .collect(java.util.stream.Collectors.joining(",", "[", "]"));
            String lists = "\"tags\":" + tags + ",\"tag_ids\":" + ids + "}";
            for (String input : List.of("{\"start\":\"2025-03-03T09:00:00Z\",\"duration\":60," + lists, "{" + lists,
                    "{\"time_entry_id\":1," + lists)) {
                String action = input.contains("time_entry_id") ? "update_time_entry"
                        : input.contains("start") ? "create_time_entry" : "start_timer";
                assertThat(InputSchemas.problems(CONNECTOR, action, input)).as(action).containsExactly(
                        "/tags maxItems: must have at most 100 items but found 101",
                        "/tag_ids maxItems: must have at most 100 items but found 101");
            }
            assertThat(invalid("create_time_entry", Map.of("start", "2025-03-03T09:00:00Z", "duration", 60,
                    "tags", java.util.Collections.nCopies(101, "t"))).fieldErrors())
                    .extracting(FieldError::field).containsExactly("tags");
        }

        @Test
        void updateTimeEntrySendsOnlyTheChangesAndCanAddTags() {
            long id = FIRST_HISTORY_ENTRY_ID + 1;
            Map<String, Object> entry = object(run("update_time_entry", Map.of("time_entry_id", id,
                    "description", "Renamed", "tags", List.of("meeting"), "tag_action", "add")), "time_entry");

            assertThat(only("PUT", "/api/v9/workspaces/2001/time_entries/" + id).jsonObject()).containsOnly(
                    entry("description", "Renamed"), entry("tags", List.of("meeting")), entry("tag_action", "add"));
            assertThat(entry).contains(entry("description", "Renamed"), entry("tags", List.of("billed", "meeting")),
                    entry("duration", 5400L));
        }

        @Test
        void updateTimeEntryRefusesAStopThatIsNotStartPlusDuration() {
            long id = FIRST_HISTORY_ENTRY_ID + 1;
            InputRejected rejected = invalid("update_time_entry", Map.of("time_entry_id", id,
                    "start", "2025-03-03T09:00:00Z", "stop", "2025-03-03T10:00:00Z", "duration", 60));

            assertThat(rejected.fieldErrors()).extracting(FieldError::field, FieldError::code, FieldError::message)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("duration", "inconsistent",
                            "duration must equal the seconds between start and stop"));
            assertThat(FAKE.requests("PUT", "/api/v9/workspaces/2001/time_entries/" + id)).isEmpty();
        }

        @Test
        void updateTimeEntryWithStopAndDurationIsCheckedByTogglAgainstTheStoredStart() {
            long id = FIRST_HISTORY_ENTRY_ID + 1; // stored: 09:00 to 10:30, 5400 s
            String day = today.minusDays(2).toString();

            assertThatThrownBy(() -> run("update_time_entry", Map.of("time_entry_id", id,
                    "stop", day + "T10:00:00Z", "duration", 60)))
                    .isInstanceOfSatisfying(ProviderRejected.class, e -> {
                        assertThat(e.status()).isEqualTo(400);
                        assertThat(e.getMessage()).contains("stop and duration do not match start");
                    });
            assertThat(only("PUT", "/api/v9/workspaces/2001/time_entries/" + id).jsonObject()).containsOnly(
                    entry("stop", day + "T10:00:00Z"), entry("duration", 60.0));
            assertThat(FAKE.timeEntry(id).orElseThrow()).contains(entry("stop", day + "T10:30:00+00:00"),
                    entry("duration", 5400L));

            Map<String, Object> moved = object(run("update_time_entry", Map.of("time_entry_id", id,
                    "stop", day + "T10:00:00Z", "duration", 3600)), "time_entry");
            assertThat(moved).contains(entry("start", day + "T09:00:00Z"), entry("stop", day + "T10:00:00Z"),
                    entry("duration", 3600L));
        }

        @Test
        void updateTimeEntryNeedsSomethingToChange() {
            assertThat(invalid("update_time_entry", Map.of("time_entry_id", 5)).fieldErrors())
                    .extracting(FieldError::code).containsExactly("nothing_to_change");
            assertThat(invalid("update_time_entry", Map.of("time_entry_id", 5, "tag_action", "add")).fieldErrors())
                    .extracting(FieldError::field).containsExactly("tag_action");
        }

        @Test
        void deleteTimeEntryDeletesAtToggl() {
            long id = FIRST_HISTORY_ENTRY_ID;
            assertThat(run("delete_time_entry", Map.of("time_entry_id", id)))
                    .containsOnly(entry("deleted", true), entry("time_entry_id", id));

            only("DELETE", "/api/v9/workspaces/2001/time_entries/" + id);
            assertThat(FAKE.timeEntry(id).orElseThrow().get("server_deleted_at")).isNotNull();
            assertThatThrownBy(() -> run("get_time_entry", Map.of("time_entry_id", id)))
                    .isInstanceOfSatisfying(ProviderRejected.class, e -> assertThat(e.status()).isEqualTo(404));
        }

        @Test
        void deleteTimeEntryTakesANoContentAnswerAsDone() {
            // Retrofit gives no body at all for a 204.
            FAKE.enqueue(new io.patchbay.connector.toggl.fake.Fault(204, Map.of(), "", Duration.ZERO,
                    "/api/v9/workspaces/2001/time_entries/"));
            assertThat(run("delete_time_entry", Map.of("time_entry_id", FIRST_HISTORY_ENTRY_ID)))
                    .containsOnly(entry("deleted", true), entry("time_entry_id", FIRST_HISTORY_ENTRY_ID));
            only("DELETE", "/api/v9/workspaces/2001/time_entries/" + FIRST_HISTORY_ENTRY_ID);
        }

        @Test
        void theCurrentEntryIsRunningWithAnElapsedDuration() {
            Map<String, Object> out = run("get_current_time_entry", Map.of());

            only("GET", "/api/v9/me/time_entries/current");
            assertThat(out.get("running")).isEqualTo(true);
            Map<String, Object> entry = object(out, "time_entry");
            assertThat(entry).contains(entry("id", ALICE_RUNNING_ENTRY_ID), entry("running", true),
                    entry("stop", null), entry("description", "Writing the connector"));
            assertThat((Long) entry.get("duration")).isBetween(1500L, 2100L);
        }

        @Test
        void noCurrentEntryIsANullEntry() {
            Map<String, Object> out = run(TestContexts.token(BOB), Optional.of("2001"), "get_current_time_entry",
                    Map.of());

            assertThat(out).containsEntry("running", false).containsEntry("time_entry", null);
        }

        @Test
        void noCurrentEntryAnsweredAs404IsNoEntryToo() {
            FAKE.noCurrentEntryIs404(true);

            Map<String, Object> out = run(TestContexts.token(BOB), Optional.of("2001"), "get_current_time_entry",
                    Map.of());

            assertThat(out).containsEntry("running", false).containsEntry("time_entry", null);
            assertThatThrownBy(() -> run(TestContexts.token(BOB), Optional.of("2001"), "stop_timer", Map.of()))
                    .isInstanceOfSatisfying(ProviderRejected.class,
                            e -> assertThat(e.code()).isEqualTo("no_running_time_entry"));
        }

        @Test
        void startAndStopATimer() {
            Credentials bob = TestContexts.token(BOB);
            Map<String, Object> started = object(run(bob, Optional.of("2001"), "start_timer",
                    Map.of("description", "Standup", "tag_ids", List.of(FakeToggl.TAG_MEETING))), "time_entry");

            Map<String, Object> body = only("POST", "/api/v9/workspaces/2001/time_entries").jsonObject();
            assertThat(body).contains(entry("duration", -1.0), entry("workspace_id", 2001.0),
                    entry("created_with", "Patchbay"), entry("description", "Standup"),
                    entry("tag_ids", List.of((double) FakeToggl.TAG_MEETING)));
            assertThat(Duration.between(Instant.parse((String) body.get("start")), Instant.now()).abs())
                    .isLessThan(Duration.ofMinutes(1));
            assertThat(started).contains(entry("running", true), entry("stop", null), entry("tags", List.of("meeting")));

            Map<String, Object> stopped = object(run(bob, Optional.of("2001"), "stop_timer", Map.of()), "time_entry");

            only("GET", "/api/v9/me/time_entries/current");
            only("PATCH", "/api/v9/workspaces/2001/time_entries/" + started.get("id") + "/stop");
            assertThat(stopped).contains(entry("id", started.get("id")), entry("running", false));
            assertThat(stopped.get("stop")).isNotNull();
        }

        @Test
        void aMemberCannotCreateTagsThroughATimeEntryWhereOnlyAdminsMayCreateTags() {
            Credentials bob = TestContexts.token(BOB);
            assertThatThrownBy(() -> run(bob, Optional.of("2001"), "start_timer",
                    Map.of("description", "Pairing", "tags", List.of("meeting", "brand-new"))))
                    .isInstanceOfSatisfying(InsufficientPermissions.class, e -> {
                        assertThat(e.code()).isEqualTo("forbidden");
                        assertThat(e.getMessage()).contains("Only organization or workspace administrators");
                    });
            assertThat(FAKE.timeEntries("Pairing")).isEmpty();

            Map<String, Object> existing = object(run(bob, Optional.of("2001"), "create_time_entry",
                    Map.of("start", "2025-03-03T09:00:00Z", "duration", 60, "description", "Pairing",
                            "tags", List.of("meeting"))), "time_entry");
            assertThat(existing).containsEntry("tags", List.of("meeting"));
            assertThatThrownBy(() -> run(bob, Optional.of("2001"), "update_time_entry", Map.of("time_entry_id",
                    existing.get("id"), "description", "Renamed", "tags", List.of("brand-new"))))
                    .isInstanceOf(InsufficientPermissions.class);
            assertThat(FAKE.timeEntries("Pairing")).as("a refused update changes nothing").hasSize(1);

            // Admins may, as POST /tags allows them.
            assertThat(object(run("start_timer", Map.of("tags", List.of("brand-new"))), "time_entry"))
                    .containsEntry("tags", List.of("brand-new"));
            String startTimer = CONNECTOR.actions().stream().filter(a -> a.name().equals("start_timer"))
                    .findFirst().orElseThrow().description();
            assertThat(startTimer).as("undocumented at Toggl").doesNotContain("Toggl keeps one running entry");
        }

        @Test
        void stoppingWhenNothingRunsOrTwiceIsAConflict() {
            assertThatThrownBy(() -> run(TestContexts.token(BOB), Optional.of("2001"), "stop_timer", Map.of()))
                    .isInstanceOfSatisfying(ProviderRejected.class, e -> {
                        assertThat(e.status()).isEqualTo(409);
                        assertThat(e.code()).isEqualTo("no_running_time_entry");
                    });
            assertThat(FAKE.requests("PATCH", "/")).isEmpty();

            assertThatThrownBy(() -> run("stop_timer", Map.of("time_entry_id", FIRST_HISTORY_ENTRY_ID)))
                    .isInstanceOfSatisfying(ProviderRejected.class, e -> {
                        assertThat(e.status()).isEqualTo(409);
                        assertThat(e.getMessage()).contains("Time entry already stopped");
                    });
        }

        @Test
        void aRunningEntryWithoutItsWorkspaceIsAnUnreadableAnswerNotACrash() {
            FAKE.enqueue(new io.patchbay.connector.toggl.fake.Fault(200, Map.of("Content-Type", "application/json"),
                    "{\"id\": 4242, \"start\": \"2026-12-01T09:00:00Z\", \"duration\": -1}", java.time.Duration.ZERO,
                    "/api/v9/me/time_entries/current"));

            assertThatThrownBy(() -> run(TestContexts.token(BOB), Optional.of("2001"), "stop_timer", Map.of()))
                    .isInstanceOfSatisfying(io.patchbay.spi.ProviderUnavailable.class, e -> {
                        assertThat(e.code()).isEqualTo("unreadable_response");
                        assertThat(e.getMessage()).contains("lacks its id or workspace");
                    });
            assertThat(FAKE.requests("PATCH", "/")).isEmpty();
        }

        @Test
        void stopTimerWithAnIdStopsThatEntry() {
            Map<String, Object> stopped = object(run("stop_timer", Map.of("time_entry_id", ALICE_RUNNING_ENTRY_ID)),
                    "time_entry");

            assertThat(FAKE.requests("GET", "/api/v9/me/time_entries/current")).isEmpty();
            only("PATCH", "/api/v9/workspaces/2001/time_entries/" + ALICE_RUNNING_ENTRY_ID + "/stop");
            assertThat(stopped).containsEntry("running", false);
            assertThat((Long) stopped.get("duration")).isGreaterThanOrEqualTo(1500L);
        }
    }

    @Nested
    class WorkspaceEntities {
        @Test
        void listProjectsDefaultsToActiveAndAsksForFullPages() {
            Map<String, Object> out = run("list_projects", Map.of());

            FakeRequest request = only("GET", "/api/v9/workspaces/2001/projects");
            assertThat(request.query()).containsOnly(entry("active", List.of("true")), entry("page", List.of("1")),
                    entry("per_page", List.of("200")));
            assertThat(items(out, "projects")).extracting(p -> p.get("name"), p -> p.get("client_id"),
                            p -> p.get("workspace_id"), p -> p.get("status"))
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple("Internal", null, 2001L, "active"),
                            org.assertj.core.groups.Tuple.tuple("Website Redesign", 5001L, 2001L, "active"));
        }

        @Test
        void listProjectsByStatus() {
            assertThat(items(run("list_projects", Map.of("status", "archived")), "projects"))
                    .extracting(p -> p.get("name"), p -> p.get("active")).containsExactly(
                            org.assertj.core.groups.Tuple.tuple("Legacy Migration", false));
            assertThat(FAKE.lastRequest().query("active")).isEqualTo("false");
            assertThat(items(run("list_projects", Map.of("status", "both")), "projects")).hasSize(3);
            assertThat(FAKE.lastRequest().query("active")).isEqualTo("both");
            assertThat(invalid("list_projects", Map.of("status", "deleted")).fieldErrors())
                    .extracting(FieldError::code).containsExactly("enum");
        }

        @Test
        void listProjectsFollowsEveryPage() {
            FAKE.addProjects(2001, "Bulk", 250);

            List<Map<String, Object>> projects = items(run("list_projects", Map.of()), "projects");

            assertThat(projects).hasSize(252);
            assertThat(projects).extracting(p -> p.get("id")).doesNotHaveDuplicates();
            assertThat(FAKE.requests("GET", "/api/v9/workspaces/2001/projects"))
                    .extracting(r -> r.query("page")).containsExactly("1", "2");
        }

        @Test
        void listClientsActiveByDefaultOrByStatus() {
            assertThat(items(run("list_clients", Map.of()), "clients")).extracting(c -> c.get("name"),
                    c -> c.get("workspace_id"), c -> c.get("archived")).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("Acme Corp", 2001L, false));
            assertThat(FAKE.lastRequest().query()).isEmpty();

            assertThat(items(run("list_clients", Map.of("status", "both")), "clients")).hasSize(2);
            assertThat(FAKE.lastRequest().query("status")).isEqualTo("both");
        }

        @Test
        void listTagsFollowsEveryPage() {
            assertThat(items(run("list_tags", Map.of()), "tags")).extracting(t -> t.get("name"))
                    .containsExactly("billed", "meeting");

            FAKE.addTags(2001, "bulk", 205);
            FAKE.clearRequests();
            assertThat(items(run("list_tags", Map.of()), "tags")).hasSize(207);
            assertThat(FAKE.requests("GET", "/api/v9/workspaces/2001/tags"))
                    .extracting(r -> r.query("page"), r -> r.query("per_page"))
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("1", "200"),
                            org.assertj.core.groups.Tuple.tuple("2", "200"));
        }

        @Test
        void listTagsStopsWhenTogglIgnoresThePaging() {
            FAKE.tagsIgnorePaging(true);
            FAKE.clearRequests();
            assertThat(items(run("list_tags", Map.of()), "tags")).extracting(t -> t.get("name"))
                    .as("each tag once").containsExactly("billed", "meeting");
            // A first page shorter than asked may be Toggl's own page size, so page 2 is asked; the first page
            // again ends it.
            assertThat(FAKE.requests("GET", "/api/v9/workspaces/2001/tags")).extracting(r -> r.query("page"))
                    .containsExactly("1", "2");

            FAKE.addTags(2001, "bulk", 205);
            FAKE.clearRequests();
            assertThat(items(run("list_tags", Map.of()), "tags")).as("more than a page at once is all of them")
                    .hasSize(207);
            assertThat(FAKE.requests("GET", "/api/v9/workspaces/2001/tags")).hasSize(1);
        }

        @Test
        void listTasksConvertsTrackedMillisecondsAndFilters() {
            List<Map<String, Object>> tasks = items(run("list_tasks", Map.of()), "tasks");

            assertThat(FAKE.lastRequest().query()).contains(entry("active", List.of("true")))
                    .doesNotContainKey("pid");
            assertThat(tasks).extracting(t -> t.get("name")).containsExactly("Build", "Design");
            assertThat(tasks.get(1)).contains(entry("tracked_seconds", 7200L), entry("estimated_seconds", 36000L),
                    entry("project_id", 4001L), entry("active", true));

            List<Map<String, Object>> all = items(run("list_tasks", Map.of("project_id", 4001,
                    "include_done", true)), "tasks");
            assertThat(FAKE.lastRequest().query()).contains(entry("pid", List.of("4001")),
                    entry("active", List.of("both")));
            assertThat(all).extracting(t -> t.get("name"), t -> t.get("active")).containsExactlyInAnyOrder(
                    org.assertj.core.groups.Tuple.tuple("Build", true), org.assertj.core.groups.Tuple.tuple("Design",
                            true), org.assertj.core.groups.Tuple.tuple("Launch", false));
        }

        @Test
        void tagsAndTasksAreReadToTheEndWhenTogglCutsPagesShorterThanAsked() {
            // Toggl documents no largest per_page for tags and tasks; here it serves one item a page.
            FAKE.maxPerPage(1);

            assertThat(items(run("list_tags", Map.of()), "tags")).extracting(t -> t.get("name"))
                    .containsExactly("billed", "meeting");
            assertThat(FAKE.requests("GET", "/api/v9/workspaces/2001/tags"))
                    .extracting(r -> r.query("page"), r -> r.query("per_page")).containsExactly(
                            org.assertj.core.groups.Tuple.tuple("1", "200"), org.assertj.core.groups.Tuple.tuple("2",
                                    "200"), org.assertj.core.groups.Tuple.tuple("3", "200"));

            assertThat(items(run("list_tasks", Map.of("include_done", true)), "tasks")).extracting(t -> t.get("name"))
                    .containsExactly("Build", "Design", "Launch");
            assertThat(FAKE.requests("GET", "/api/v9/workspaces/2001/tasks")).as("total_count says when to stop")
                    .extracting(r -> r.query("page")).containsExactly("1", "2", "3");
        }

        @Test
        void listWorkspaceUsersWithRoles() {
            List<Map<String, Object>> users = items(run("list_workspace_users", Map.of()), "users");

            only("GET", "/api/v9/workspaces/2001/users");
            assertThat(users).extracting(u -> u.get("id"), u -> u.get("name"), u -> u.get("role"), u -> u.get("admin"))
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(1001L, "Alice Admin", "admin", true),
                            org.assertj.core.groups.Tuple.tuple(1002L, "Bob Member", "user", false));
        }

        @Test
        void createProjectSendsItsFields() {
            Map<String, Object> project = object(run("create_project", Map.of("name", "  Mobile App ",
                    "client_id", 5001, "color", "#ff0000", "billable", true)), "project");

            assertThat(only("POST", "/api/v9/workspaces/2001/projects").jsonObject()).containsOnly(
                    entry("name", "Mobile App"), entry("client_id", 5001.0), entry("billable", true),
                    entry("active", true), entry("color", "#ff0000"));
            assertThat(project).contains(entry("name", "Mobile App"), entry("workspace_id", 2001L),
                    entry("client_id", 5001L), entry("active", true), entry("color", "#ff0000"),
                    entry("status", "active"));
            assertThat(FAKE.project((Long) project.get("id"))).isPresent();
        }

        @Test
        void createProjectLeavesPrivacyToTheWorkspaceWhenNotGivenAndSaysSo() {
            Map<String, Object> labs = object(run("create_project", Map.of("workspace_id", FakeToggl.WS_LABS,
                    "name", "Open lab")), "project");
            Map<String, Object> studio = object(run("create_project", Map.of("name", "Closed studio")), "project");

            assertThat(FAKE.requests("POST", "/api/v9/workspaces/")).allSatisfy(r -> assertThat(r.jsonObject())
                    .doesNotContainKeys("is_private", "billable"));
            assertThat(labs).containsEntry("is_private", false);
            assertThat(studio).containsEntry("is_private", true);
            String schema = CONNECTOR.actions().stream().filter(a -> a.name().equals("create_project")).findFirst()
                    .orElseThrow().inputSchema();
            assertThat(schema).contains("projects_private_by_default").doesNotContain("default true");
        }

        @Test
        void createProjectChecksTheColourAndRespectsAdminOnlyWorkspaces() {
            assertThat(invalid("create_project", Map.of("name", "X", "color", "red")).fieldErrors())
                    .extracting(FieldError::field).containsExactly("color");
            assertThatThrownBy(() -> run("create_project", Map.of("workspace_id", 2003, "name", "Side project")))
                    .isInstanceOf(InsufficientPermissions.class);
            assertThatThrownBy(() -> run("create_project", Map.of("name", "Internal")))
                    .isInstanceOfSatisfying(ProviderRejected.class,
                            e -> assertThat(e.getMessage()).contains("Name has already been taken"));
        }

        @Test
        void createClientSendsNameAndNotes() {
            Map<String, Object> client = object(run("create_client", Map.of("name", "Umbrella",
                    "notes", "Via referral")), "client");

            assertThat(only("POST", "/api/v9/workspaces/2001/clients").jsonObject())
                    .containsOnly(entry("name", "Umbrella"), entry("notes", "Via referral"));
            assertThat(client).contains(entry("name", "Umbrella"), entry("workspace_id", 2001L),
                    entry("archived", false), entry("notes", "Via referral"));
        }

        @Test
        void createClientPassesTogglsLengthRuleThrough() {
            assertThat(invalid("create_client", Map.of("name", " ")).fieldErrors()).extracting(FieldError::code)
                    .containsExactly("blank");
            assertThatThrownBy(() -> run("create_client", Map.of("name", "x".repeat(101))))
                    .isInstanceOfSatisfying(ProviderRejected.class,
                            e -> assertThat(e.getMessage()).contains("Client name maximum length is 100"));
        }

        @Test
        void createTagReadsTheSpecsArrayOrASingleTag() {
            Map<String, Object> tag = object(run("create_tag", Map.of("name", "deep-work")), "tag");
            assertThat(only("POST", "/api/v9/workspaces/2001/tags").jsonObject())
                    .containsOnly(entry("name", "deep-work"));
            assertThat(tag).contains(entry("name", "deep-work"), entry("workspace_id", 2001L));

            FAKE.tagCreateAnswersObject(true);
            assertThat(object(run("create_tag", Map.of("name", "focus")), "tag")).containsEntry("name", "focus");
        }

        @Test
        void createTagRefusals() {
            assertThatThrownBy(() -> run(TestContexts.token(BOB), Optional.of("2001"), "create_tag",
                    Map.of("name", "mine")))
                    .isInstanceOfSatisfying(InsufficientPermissions.class, e -> assertThat(e.getMessage())
                            .contains("Only organization or workspace administrators may manage tags"));
            assertThatThrownBy(() -> run("create_tag", Map.of("name", "billed")))
                    .isInstanceOfSatisfying(ProviderRejected.class, e -> assertThat(e.getMessage())
                            .contains("a tag with the name 'billed' already exists"));
        }
    }
}
