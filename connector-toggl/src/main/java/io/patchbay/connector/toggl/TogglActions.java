package io.patchbay.connector.toggl;

import static io.patchbay.connector.toggl.TogglActionCatalog.CREATE_CLIENT;
import static io.patchbay.connector.toggl.TogglActionCatalog.CREATE_PROJECT;
import static io.patchbay.connector.toggl.TogglActionCatalog.CREATE_TAG;
import static io.patchbay.connector.toggl.TogglActionCatalog.CREATE_TIME_ENTRY;
import static io.patchbay.connector.toggl.TogglActionCatalog.DELETE_TIME_ENTRY;
import static io.patchbay.connector.toggl.TogglActionCatalog.GET_CURRENT_TIME_ENTRY;
import static io.patchbay.connector.toggl.TogglActionCatalog.GET_TIME_ENTRY;
import static io.patchbay.connector.toggl.TogglActionCatalog.LIST_CLIENTS;
import static io.patchbay.connector.toggl.TogglActionCatalog.LIST_PROJECTS;
import static io.patchbay.connector.toggl.TogglActionCatalog.LIST_TAGS;
import static io.patchbay.connector.toggl.TogglActionCatalog.LIST_TASKS;
import static io.patchbay.connector.toggl.TogglActionCatalog.LIST_TIME_ENTRIES;
import static io.patchbay.connector.toggl.TogglActionCatalog.LIST_WORKSPACES;
import static io.patchbay.connector.toggl.TogglActionCatalog.LIST_WORKSPACE_USERS;
import static io.patchbay.connector.toggl.TogglActionCatalog.MAX_DURATION;
import static io.patchbay.connector.toggl.TogglActionCatalog.MAX_LIST;
import static io.patchbay.connector.toggl.TogglActionCatalog.MAX_NAME;
import static io.patchbay.connector.toggl.TogglActionCatalog.MAX_TEXT;
import static io.patchbay.connector.toggl.TogglActionCatalog.PING_WEBHOOK_SUBSCRIPTION;
import static io.patchbay.connector.toggl.TogglActionCatalog.SEARCH_TIME_ENTRIES_REPORT;
import static io.patchbay.connector.toggl.TogglActionCatalog.START_TIMER;
import static io.patchbay.connector.toggl.TogglActionCatalog.STOP_TIMER;
import static io.patchbay.connector.toggl.TogglActionCatalog.UPDATE_TIME_ENTRY;
import static io.patchbay.connector.toggl.TogglActionCatalog.VALIDATION_CODE;
import static io.patchbay.connector.toggl.TogglActionCatalog.VALIDATE_WEBHOOK_SUBSCRIPTION;

import io.patchbay.connector.toggl.TogglActionCatalog.Spec;
import io.patchbay.connector.toggl.TogglFailures.Op;
import io.patchbay.spi.ActionCall;
import io.patchbay.spi.ActionResult;
import io.patchbay.spi.Credentials;
import io.patchbay.spi.FieldError;
import io.patchbay.spi.InputRejected;
import io.patchbay.spi.ProviderRejected;
import io.patchbay.spi.ProviderUnavailable;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntFunction;

/** Runs the actions of {@link TogglActionCatalog}: reads the input, calls Toggl, shapes the answer. */
final class TogglActions {
    /** Toggl's own cap on {@code GET /me/time_entries}, which has no paging. */
    static final int TIME_ENTRIES_CAP = 1000;
    static final int PAGE_SIZE = 200;
    private static final int MAX_PAGES = 1000;
    /** The years Toggl accepts a time entry's start in ("Start time year must be between 2006 and 2030"). */
    static final int FIRST_START_YEAR = 2006;
    static final int LAST_START_YEAR = 2030;

    // Plain reads, not identity calls: Toggl lists 403 "User does not have access to this resource" for each of them.
    private static final Op ME_WORKSPACES = Op.read("GET /api/v9/me/workspaces");
    private static final Op ME_TIME_ENTRIES = Op.read("GET /api/v9/me/time_entries");
    private static final Op ME_TIME_ENTRY = Op.read("GET /api/v9/me/time_entries/{id}");
    private static final Op ME_CURRENT = Op.read("GET /api/v9/me/time_entries/current");
    private static final Op CREATE_ENTRY = Op.write("POST /api/v9/workspaces/{workspace_id}/time_entries");
    private static final Op UPDATE_ENTRY = Op.write("PUT /api/v9/workspaces/{workspace_id}/time_entries/{id}");
    private static final Op DELETE_ENTRY = Op.write("DELETE /api/v9/workspaces/{workspace_id}/time_entries/{id}");
    private static final Op STOP_ENTRY = Op.write("PATCH /api/v9/workspaces/{workspace_id}/time_entries/{id}/stop");
    private static final Op PROJECTS = Op.read("GET /api/v9/workspaces/{workspace_id}/projects");
    private static final Op NEW_PROJECT = Op.write("POST /api/v9/workspaces/{workspace_id}/projects");
    private static final Op CLIENTS = Op.read("GET /api/v9/workspaces/{workspace_id}/clients");
    private static final Op NEW_CLIENT = Op.write("POST /api/v9/workspaces/{workspace_id}/clients");
    private static final Op TAGS = Op.read("GET /api/v9/workspaces/{workspace_id}/tags");
    private static final Op NEW_TAG = Op.write("POST /api/v9/workspaces/{workspace_id}/tags");
    private static final Op TASKS = Op.read("GET /api/v9/workspaces/{workspace_id}/tasks");
    private static final Op USERS = Op.read("GET /api/v9/workspaces/{workspace_id}/users");

    private final TogglHttp http;
    private final TogglReports reports;
    private final TogglWebhooks webhooks;

    TogglActions(TogglHttp http, TogglReports reports, TogglWebhooks webhooks) {
        this.http = http;
        this.reports = reports;
        this.webhooks = webhooks;
    }

    ActionResult invoke(ActionCall call) {
        Spec spec = TogglActionCatalog.find(call.action()).orElseThrow(() -> unknownAction(call.action()));
        Input in = new Input(spec.name(), call.input(), spec.inputKeys());
        Credentials credentials = call.credentials();
        Optional<String> linked = call.workspaceId();
        Object output = switch (spec.name()) {
            case LIST_WORKSPACES -> listWorkspaces(credentials, in);
            case LIST_TIME_ENTRIES -> listTimeEntries(credentials, in);
            case GET_TIME_ENTRY -> getTimeEntry(credentials, in);
            case CREATE_TIME_ENTRY -> createTimeEntry(credentials, in, linked);
            case UPDATE_TIME_ENTRY -> updateTimeEntry(credentials, in, linked);
            case DELETE_TIME_ENTRY -> deleteTimeEntry(credentials, in, linked);
            case GET_CURRENT_TIME_ENTRY -> currentTimeEntry(credentials, in);
            case START_TIMER -> startTimer(credentials, in, linked);
            case STOP_TIMER -> stopTimer(credentials, in, linked);
            case LIST_PROJECTS -> listProjects(credentials, in, linked);
            case LIST_CLIENTS -> listClients(credentials, in, linked);
            case LIST_TAGS -> listTags(credentials, in, linked);
            case LIST_TASKS -> listTasks(credentials, in, linked);
            case LIST_WORKSPACE_USERS -> listUsers(credentials, in, linked);
            case CREATE_PROJECT -> createProject(credentials, in, linked);
            case CREATE_CLIENT -> createClient(credentials, in, linked);
            case CREATE_TAG -> createTag(credentials, in, linked);
            case SEARCH_TIME_ENTRIES_REPORT -> searchReport(credentials, in, linked);
            case VALIDATE_WEBHOOK_SUBSCRIPTION -> validateWebhook(credentials, in, linked);
            case PING_WEBHOOK_SUBSCRIPTION -> pingWebhook(credentials, in, linked);
            default -> throw new IllegalStateException("action without implementation: " + spec.name());
        };
        return new ActionResult(output);
    }

    // Workspaces

    private Object listWorkspaces(Credentials credentials, Input in) {
        in.done();
        List<Dto.MeWorkspace> workspaces = orEmpty(http.call(credentials, ME_WORKSPACES,
                auth -> http.api().workspaces(auth)));
        // One without an id could not be used, and the output schema promises one, as the verifier skips it.
        return Map.of("workspaces", workspaces.stream().filter(w -> w.id() != null).map(Output::workspace).toList());
    }

    // Time entries

    private Object listTimeEntries(Credentials credentials, Input in) {
        Optional<Instant> start = in.dateTime("start", false);
        Optional<Instant> end = in.dateTime("end", false);
        if (in.has("start") != in.has("end")) {
            in.error(in.has("start") ? "end" : "start", "required", "start and end go together: give both or neither");
        }
        if (start.isPresent() && end.isPresent() && end.get().isBefore(start.get())) {
            in.error("end", "before_start", "end must not be before start");
        }
        in.done();
        List<Dto.TimeEntry> entries;
        try {
            entries = orEmpty(http.call(credentials, ME_TIME_ENTRIES, auth -> http.api().timeEntries(auth,
                    start.map(TogglTime::format).orElse(null), end.map(TogglTime::format).orElse(null))));
        } catch (ProviderRejected e) {
            if (e.status() == 400 && e.getMessage().contains("earlier than")) {
                throw new ProviderRejected(400, "too_far_back", e.getMessage()
                        + "; Toggl lists only about three months back here, use " + SEARCH_TIME_ENTRIES_REPORT
                        + " for older entries", List.of(new FieldError("start", "too_far_back",
                        "start is older than Toggl's time-entry list reaches; use " + SEARCH_TIME_ENTRIES_REPORT)));
            }
            throw e;
        }
        Instant now = http.clock().instant();
        List<Map<String, Object>> out = entries.stream()
                .filter(e -> e.serverDeletedAt() == null)
                .map(e -> Output.timeEntry(e, now))
                .toList();
        return Output.ordered("time_entries", out, "truncated", entries.size() >= TIME_ENTRIES_CAP);
    }

    private Object getTimeEntry(Credentials credentials, Input in) {
        Optional<Long> id = in.id("time_entry_id", true);
        in.done();
        Dto.TimeEntry entry = http.call(credentials, ME_TIME_ENTRY, auth -> http.api().timeEntry(auth, id.get()));
        return entryResult(required(entry, ME_TIME_ENTRY));
    }

    private Object createTimeEntry(Credentials credentials, Input in, Optional<String> linked) {
        Optional<Long> workspace = in.workspaceId(linked);
        Optional<Instant> start = startInTogglsYears(in, in.dateTime("start", true));
        Optional<Instant> stop = in.dateTime("stop", false);
        Optional<Long> duration = in.wholeNumber("duration", 0, MAX_DURATION);
        Map<String, Object> fields = entryFields(in);
        if (!in.has("stop") && !in.has("duration")) {
            // Toggl would save start without stop or duration as a 0-second stopped entry, not a running one.
            in.error("stop", "required", "give stop or duration; to run a timer use " + START_TIMER);
        }
        checkSpan(in, start, stop, duration);
        in.done();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("created_with", http.settings().createdWith());
        body.put("workspace_id", workspace.get());
        body.put("start", TogglTime.format(start.get()));
        stop.ifPresent(s -> body.put("stop", TogglTime.format(s)));
        duration.ifPresent(d -> body.put("duration", d));
        body.putAll(fields);
        Dto.TimeEntry created = http.callNamingProject(credentials, CREATE_ENTRY, project(body),
                auth -> http.api().createTimeEntry(auth, workspace.get(), body));
        return entryResult(required(created, CREATE_ENTRY));
    }

    /** Stop not before start, and, when all three are given, start + duration = stop: Toggl answers 400 otherwise. */
    private static void checkSpan(Input in, Optional<Instant> start, Optional<Instant> stop, Optional<Long> duration) {
        if (start.isEmpty() || stop.isEmpty()) {
            return;
        }
        if (stop.get().isBefore(start.get())) {
            in.error("stop", "before_start", "stop must not be before start");
        } else if (duration.isPresent() && Duration.between(start.get(), stop.get()).toSeconds() != duration.get()) {
            in.error("duration", "inconsistent", "duration must equal the seconds between start and stop");
        }
    }

    private Object updateTimeEntry(Credentials credentials, Input in, Optional<String> linked) {
        Optional<Long> workspace = in.workspaceId(linked);
        Optional<Long> id = in.id("time_entry_id", true);
        Optional<Instant> start = startInTogglsYears(in, in.dateTime("start", false));
        Optional<Instant> stop = in.dateTime("stop", false);
        Optional<Long> duration = in.wholeNumber("duration", 0, MAX_DURATION);
        Optional<String> tagAction = in.oneOf("tag_action", Set.of("add", "delete"));
        Map<String, Object> body = new LinkedHashMap<>();
        start.ifPresent(s -> body.put("start", TogglTime.format(s)));
        stop.ifPresent(s -> body.put("stop", TogglTime.format(s)));
        duration.ifPresent(d -> body.put("duration", d));
        body.putAll(entryFields(in));
        if (tagAction.isPresent() && !in.has("tags") && !in.has("tag_ids")) {
            in.error("tag_action", "requires_tags", "tag_action needs tags or tag_ids to add or delete");
        }
        tagAction.ifPresent(a -> body.put("tag_action", a));
        // With no start given only Toggl knows the stored one, and its 400 comes back as it is.
        checkSpan(in, start, stop, duration);
        // A field given but invalid is already named; "nothing to change" would then be wrong.
        if (body.isEmpty() && in.has("time_entry_id") && in.valid()) {
            in.error("input", "nothing_to_change", "give at least one field to change, e.g. description or stop");
        }
        in.done();
        Dto.TimeEntry updated = http.callNamingProject(credentials, UPDATE_ENTRY, project(body),
                auth -> http.api().updateTimeEntry(auth, workspace.get(), id.get(), body));
        return entryResult(required(updated, UPDATE_ENTRY));
    }

    /**
     * Toggl refuses a time entry starting outside 2006 to 2030 (its year in UTC) with a 400 that names no field;
     * refused here first, so the caller learns which field and nothing is sent.
     */
    private static Optional<Instant> startInTogglsYears(Input in, Optional<Instant> start) {
        start.ifPresent(s -> {
            int year = s.atOffset(ZoneOffset.UTC).getYear();
            if (year < FIRST_START_YEAR || year > LAST_START_YEAR) {
                in.error("start", "out_of_range", "start must lie in the years " + FIRST_START_YEAR + " to "
                        + LAST_START_YEAR + " (in UTC), the ones Toggl accepts");
            }
        });
        return start;
    }

    private Object deleteTimeEntry(Credentials credentials, Input in, Optional<String> linked) {
        Optional<Long> workspace = in.workspaceId(linked);
        Optional<Long> id = in.id("time_entry_id", true);
        in.done();
        http.send(credentials, DELETE_ENTRY, auth -> http.api().deleteTimeEntry(auth, workspace.get(), id.get()));
        return Output.ordered("deleted", true, "time_entry_id", id.get());
    }

    /**
     * The running entry, or null. Toggl answers 200 {@code null} when nothing runs (recorded); its spec also lists
     * 404 "Resource can not be found" for this path, which means the same here, not a failure.
     */
    private Dto.TimeEntry current(Credentials credentials) {
        try {
            return http.call(credentials, ME_CURRENT, auth -> http.api().currentTimeEntry(auth));
        } catch (ProviderRejected e) {
            if (e.status() == 404) {
                return null;
            }
            throw e;
        }
    }

    private Object currentTimeEntry(Credentials credentials, Input in) {
        in.done();
        Dto.TimeEntry current = current(credentials);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("running", current != null);
        out.put("time_entry", current == null ? null : Output.timeEntry(current, http.clock().instant()));
        return out;
    }

    private Object startTimer(Credentials credentials, Input in, Optional<String> linked) {
        Optional<Long> workspace = in.workspaceId(linked);
        Optional<Instant> start = startInTogglsYears(in, in.dateTime("start", false));
        Map<String, Object> fields = entryFields(in);
        in.done();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("created_with", http.settings().createdWith());
        body.put("workspace_id", workspace.get());
        body.put("start", TogglTime.format(start.orElseGet(() -> http.clock().instant())));
        body.put("duration", -1);
        body.putAll(fields);
        Dto.TimeEntry started = http.callNamingProject(credentials, CREATE_ENTRY, project(body),
                auth -> http.api().createTimeEntry(auth, workspace.get(), body));
        return entryResult(required(started, CREATE_ENTRY));
    }

    private Object stopTimer(Credentials credentials, Input in, Optional<String> linked) {
        Optional<Long> id = in.id("time_entry_id", false);
        Optional<Long> workspace = in.has("time_entry_id") ? in.workspaceId(linked) : Optional.empty();
        if (!in.has("time_entry_id")) {
            in.id(Input.WORKSPACE_ID, false);
        }
        in.done();
        long entryId;
        long workspaceId;
        if (id.isPresent()) {
            entryId = id.get();
            workspaceId = workspace.get();
        } else {
            Dto.TimeEntry current = current(credentials);
            if (current == null) {
                throw new ProviderRejected(409, "no_running_time_entry", "No timer is running for this Toggl user");
            }
            if (current.id() == null || current.workspace() == null) {
                // Without them the entry cannot be addressed; unboxing them would fail as a bare 500.
                throw new ProviderUnavailable("unreadable_response", "Toggl's running time entry lacks its id or "
                        + "workspace (" + ME_CURRENT.what() + ")", null);
            }
            entryId = current.id();
            workspaceId = current.workspace();
        }
        Dto.TimeEntry stopped = http.call(credentials, STOP_ENTRY,
                auth -> http.api().stopTimeEntry(auth, workspaceId, entryId));
        return entryResult(required(stopped, STOP_ENTRY));
    }

    /** The project a time-entry body names, if any. */
    private static Optional<Long> project(Map<String, Object> body) {
        return body.get("project_id") instanceof Long id ? Optional.of(id) : Optional.empty();
    }

    private static Map<String, Object> entryFields(Input in) {
        Map<String, Object> fields = new LinkedHashMap<>();
        in.text("description", false, MAX_TEXT).ifPresent(v -> fields.put("description", v));
        in.id("project_id", false).ifPresent(v -> fields.put("project_id", v));
        in.id("task_id", false).ifPresent(v -> fields.put("task_id", v));
        in.texts("tags", MAX_LIST, MAX_NAME).ifPresent(v -> fields.put("tags", v));
        in.ids("tag_ids", MAX_LIST).ifPresent(v -> fields.put("tag_ids", v));
        in.bool("billable").ifPresent(v -> fields.put("billable", v));
        return fields;
    }

    private Map<String, Object> entryResult(Dto.TimeEntry entry) {
        return Map.of("time_entry", Output.timeEntry(entry, http.clock().instant()));
    }

    // Workspace entities

    private Object listProjects(Credentials credentials, Input in, Optional<String> linked) {
        Optional<Long> workspace = in.workspaceId(linked);
        String active = switch (in.oneOf("status", Set.of("active", "archived", "both")).orElse("active")) {
            case "archived" -> "false";
            case "both" -> "both";
            default -> "true";
        };
        in.done();
        // per_page "cannot exceed 200" for projects, so a shorter page is the last.
        List<Dto.Project> projects = allPages(true, page -> http.call(credentials, PROJECTS,
                auth -> http.api().projects(auth, workspace.get(), active, page, PAGE_SIZE)));
        return Map.of("projects", projects.stream().map(Output::project).toList());
    }

    private Object listClients(Credentials credentials, Input in, Optional<String> linked) {
        Optional<Long> workspace = in.workspaceId(linked);
        Optional<String> status = in.oneOf("status", Set.of("active", "archived", "both"));
        in.done();
        List<Dto.Client> clients = orEmpty(http.call(credentials, CLIENTS,
                auth -> http.api().clients(auth, workspace.get(), status.orElse(null))));
        return Map.of("clients", clients.stream().map(Output::client).toList());
    }

    private Object listTags(Credentials credentials, Input in, Optional<String> linked) {
        Optional<Long> workspace = in.workspaceId(linked);
        in.done();
        // Toggl documents no largest per_page for tags: a first page shorter than asked may be a capped one.
        List<Dto.Tag> tags = allPages(false, page -> http.call(credentials, TAGS,
                auth -> http.api().tags(auth, workspace.get(), page, PAGE_SIZE)));
        return Map.of("tags", tags.stream().map(Output::tag).toList());
    }

    private Object listTasks(Credentials credentials, Input in, Optional<String> linked) {
        Optional<Long> workspace = in.workspaceId(linked);
        Optional<Long> project = in.id("project_id", false);
        boolean includeDone = in.bool("include_done").orElse(false);
        in.done();
        // Toggl lists only active tasks unless asked for "both".
        String active = includeDone ? "both" : "true";
        List<Dto.Task> tasks = new ArrayList<>();
        int firstPage = 0;
        for (int page = 1; page <= MAX_PAGES; page++) {
            int current = page;
            Dto.TaskPage answer = http.callNamingProject(credentials, TASKS, project, auth -> http.api().tasks(auth,
                    workspace.get(),
                    project.orElse(null), active, current, PAGE_SIZE));
            List<Dto.Task> data = answer == null || answer.data() == null ? List.of() : answer.data();
            tasks.addAll(data);
            firstPage = page == 1 ? data.size() : firstPage;
            // Toggl documents no largest per_page for tasks, but the answer counts them all (total_count).
            boolean complete = answer != null && answer.totalCount() != null ? tasks.size() >= answer.totalCount()
                    : data.size() < firstPage;
            if (data.isEmpty() || complete) {
                break;
            }
        }
        return Map.of("tasks", tasks.stream().map(Output::task).toList());
    }

    private Object listUsers(Credentials credentials, Input in, Optional<String> linked) {
        Optional<Long> workspace = in.workspaceId(linked);
        in.done();
        List<Dto.WorkspaceUser> users = orEmpty(http.call(credentials, USERS,
                auth -> http.api().workspaceUsers(auth, workspace.get())));
        return Map.of("users", users.stream().map(Output::user).toList());
    }

    private Object createProject(Credentials credentials, Input in, Optional<String> linked) {
        Optional<Long> workspace = in.workspaceId(linked);
        Map<String, Object> body = new LinkedHashMap<>();
        in.text("name", true, MAX_NAME).ifPresent(v -> body.put("name", v.strip()));
        in.id("client_id", false).ifPresent(v -> body.put("client_id", v));
        in.bool("is_private").ifPresent(v -> body.put("is_private", v));
        in.bool("billable").ifPresent(v -> body.put("billable", v));
        body.put("active", in.bool("active").orElse(true));
        Optional<String> color = in.text("color", false, 7);
        if (color.isPresent() && !color.get().matches("#[0-9a-fA-F]{6}")) {
            in.error("color", "pattern", "color must be a hex colour like #06aaf5");
        }
        color.ifPresent(v -> body.put("color", v));
        in.done();
        Dto.Project project = required(http.call(credentials, NEW_PROJECT,
                auth -> http.api().createProject(auth, workspace.get(), body)), NEW_PROJECT);
        if (project.id() != null) {
            http.projectCreated(credentials, project.id());
        }
        return Map.of("project", Output.project(project));
    }

    private Object createClient(Credentials credentials, Input in, Optional<String> linked) {
        Optional<Long> workspace = in.workspaceId(linked);
        Map<String, Object> body = new LinkedHashMap<>();
        in.text("name", true, MAX_NAME).ifPresent(v -> body.put("name", v.strip()));
        in.text("notes", false, MAX_TEXT).ifPresent(v -> body.put("notes", v));
        in.done();
        Dto.Client client = http.call(credentials, NEW_CLIENT,
                auth -> http.api().createClient(auth, workspace.get(), body));
        return Map.of("client", Output.client(required(client, NEW_CLIENT)));
    }

    private Object createTag(Credentials credentials, Input in, Optional<String> linked) {
        Optional<Long> workspace = in.workspaceId(linked);
        Optional<String> name = in.text("name", true, MAX_NAME).map(String::strip);
        in.done();
        Object answer = http.call(credentials, NEW_TAG,
                auth -> http.api().createTag(auth, workspace.get(), Map.of("name", name.get())));
        return Map.of("tag", Output.tag(createdTag(answer, name.get())));
    }

    /** The spec says an array of tags comes back, other sources a single tag: accept both. */
    private Dto.Tag createdTag(Object answer, String name) {
        var adapter = http.moshi().adapter(Dto.Tag.class);
        try {
            if (answer instanceof List<?> list) {
                List<Dto.Tag> tags = new ArrayList<>();
                for (Object item : list) {
                    tags.add(adapter.fromJsonValue(item));
                }
                return tags.stream().filter(t -> t != null && name.equals(t.name())).findFirst()
                        .orElseGet(() -> tags.stream().filter(t -> t != null).findFirst()
                                .orElseThrow(() -> new ProviderUnavailable("unreadable_response",
                                        "Toggl answered an empty list for the new tag (" + NEW_TAG.what() + ")", null)));
            }
            return required(adapter.fromJsonValue(answer), NEW_TAG);
        } catch (RuntimeException e) {
            if (e instanceof ProviderUnavailable unavailable) {
                throw unavailable;
            }
            throw TogglFailures.unreadable(NEW_TAG, e);
        }
    }

    // Reports

    private Object searchReport(Credentials credentials, Input in, Optional<String> linked) {
        Optional<Long> workspace = in.workspaceId(linked);
        Optional<LocalDate> start = in.date("start_date", true);
        Optional<LocalDate> end = in.date("end_date", true);
        if (start.isPresent() && end.isPresent() && end.get().isBefore(start.get())) {
            in.error("end_date", "before_start", "end_date must not be before start_date");
        }
        Dto.ReportQuery filters = new Dto.ReportQuery(null, null,
                in.ids("user_ids", MAX_LIST).orElse(null),
                in.ids("project_ids", MAX_LIST).orElse(null),
                in.ids("client_ids", MAX_LIST).orElse(null),
                in.ids("tag_ids", MAX_LIST).orElse(null),
                in.ids("task_ids", MAX_LIST).orElse(null),
                in.text("description", false, MAX_TEXT).orElse(null),
                in.bool("billable").orElse(null),
                in.oneOf("order_by", Set.of("date", "user", "duration", "description", "last_update")).orElse("date"),
                in.oneOf("order_dir", Set.of("ASC", "DESC")).orElse("DESC"),
                TogglReports.PAGE_SIZE, null);
        in.done();
        return reports.search(credentials, workspace.get(), start.get(), end.get(), filters);
    }

    // Webhook endpoint handshake

    private Object validateWebhook(Credentials credentials, Input in, Optional<String> linked) {
        Optional<Long> workspace = in.workspaceId(linked);
        Optional<Long> subscription = in.id("subscription_id", true);
        Optional<String> code = in.text("validation_code", true, 256);
        if (code.isPresent() && !code.get().matches(VALIDATION_CODE)) {
            in.error("validation_code", "pattern", "validation_code must be the code from Toggl's PING "
                    + "(letters and digits)");
        }
        in.done();
        webhooks.validate(credentials, workspace.get(), subscription.get(), code.get());
        return Map.of("validated", true);
    }

    private Object pingWebhook(Credentials credentials, Input in, Optional<String> linked) {
        Optional<Long> workspace = in.workspaceId(linked);
        Optional<Long> subscription = in.id("subscription_id", true);
        in.done();
        return Map.of("status", webhooks.ping(credentials, workspace.get(), subscription.get()));
    }

    // Helpers

    private static InputRejected unknownAction(String action) {
        String message = "The Toggl connector has no action '" + action + "'";
        return new InputRejected("unknown_action", message, List.of(new FieldError("action", "unknown_action",
                message)));
    }

    /**
     * Pages 1, 2, ... of {@link #PAGE_SIZE} items until the last. When Toggl documents {@link #PAGE_SIZE} as within
     * its largest {@code per_page} ({@code honoured}), a shorter page is the last. Otherwise Toggl may cut every
     * page to a size of its own without saying so, and only an empty page, or one shorter than the first, is.
     * An answer that shows the paging was ignored (more items than asked, or the first page again) is the whole
     * list: asking on would spend the hourly quota reading it again and again.
     */
    private static <T> List<T> allPages(boolean honoured, IntFunction<List<T>> fetch) {
        List<T> all = new ArrayList<>();
        List<T> first = List.of();
        int full = PAGE_SIZE;
        for (int page = 1; page <= MAX_PAGES; page++) {
            List<T> items = orEmpty(fetch.apply(page));
            if (page > 1 && !items.isEmpty() && items.equals(first)) {
                break;
            }
            all.addAll(items);
            if (page == 1) {
                first = items;
                full = honoured ? PAGE_SIZE : items.size();
            }
            if (items.isEmpty() || items.size() < full || items.size() > PAGE_SIZE) {
                break;
            }
        }
        return all;
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }

    private static <T> T required(T value, Op op) {
        if (value == null) {
            throw new ProviderUnavailable("unreadable_response", "Toggl answered without a body (" + op.what() + ")",
                    null);
        }
        return value;
    }
}
