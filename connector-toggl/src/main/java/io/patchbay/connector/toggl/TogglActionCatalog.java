package io.patchbay.connector.toggl;

import static io.patchbay.connector.toggl.Schema.arrayOf;
import static io.patchbay.connector.toggl.Schema.bool;
import static io.patchbay.connector.toggl.Schema.date;
import static io.patchbay.connector.toggl.Schema.dateTime;
import static io.patchbay.connector.toggl.Schema.enumOf;
import static io.patchbay.connector.toggl.Schema.anyRequired;
import static io.patchbay.connector.toggl.Schema.id;
import static io.patchbay.connector.toggl.Schema.integer;
import static io.patchbay.connector.toggl.Schema.nonBlank;
import static io.patchbay.connector.toggl.Schema.nullable;
import static io.patchbay.connector.toggl.Schema.object;
import static io.patchbay.connector.toggl.Schema.props;
import static io.patchbay.connector.toggl.Schema.string;

import io.patchbay.spi.ActionDefinition;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The actions of the Toggl connector: names, JSON Schemas of input and output, and whether they only read. */
final class TogglActionCatalog {
    static final String LIST_WORKSPACES = "list_workspaces";
    static final String LIST_TIME_ENTRIES = "list_time_entries";
    static final String GET_TIME_ENTRY = "get_time_entry";
    static final String CREATE_TIME_ENTRY = "create_time_entry";
    static final String UPDATE_TIME_ENTRY = "update_time_entry";
    static final String DELETE_TIME_ENTRY = "delete_time_entry";
    static final String GET_CURRENT_TIME_ENTRY = "get_current_time_entry";
    static final String START_TIMER = "start_timer";
    static final String STOP_TIMER = "stop_timer";
    static final String LIST_PROJECTS = "list_projects";
    static final String LIST_CLIENTS = "list_clients";
    static final String LIST_TAGS = "list_tags";
    static final String LIST_TASKS = "list_tasks";
    static final String LIST_WORKSPACE_USERS = "list_workspace_users";
    static final String CREATE_PROJECT = "create_project";
    static final String CREATE_CLIENT = "create_client";
    static final String CREATE_TAG = "create_tag";
    static final String SEARCH_TIME_ENTRIES_REPORT = "search_time_entries_report";
    static final String VALIDATE_WEBHOOK_SUBSCRIPTION = "validate_webhook_subscription";
    static final String PING_WEBHOOK_SUBSCRIPTION = "ping_webhook_subscription";

    static final int MAX_TEXT = 3000;
    static final int MAX_NAME = 255;
    static final int MAX_LIST = 100;
    /** The longest time entry the connector sends: a year, leap day included. */
    static final long MAX_DURATION = Duration.ofDays(366).toSeconds();
    /** A webhook validation code as Toggl's PING carries it. */
    static final String VALIDATION_CODE = "[A-Za-z0-9_-]+";

    private static final Map<String, Object> WORKSPACE_ID = id("Toggl workspace id; defaults to the linked workspace");
    private static final Map<String, Object> TIME_ENTRY_ID = id("Toggl time entry id");

    /** Fields a time entry can be created or changed with (besides start, stop and duration). */
    private static Map<String, Object> entryFields() {
        return props(
                "description", string("What is being done", MAX_TEXT),
                "project_id", id("Project to book on"),
                "task_id", id("Task of that project"),
                "tags", arrayOf(nonBlank("Tag name; unknown names are created (in a workspace where only admins "
                        + "may create tags, only for admins)", MAX_NAME), "Tag names", MAX_LIST),
                "tag_ids", arrayOf(id("Tag id"), "Tag ids", MAX_LIST),
                "billable", bool("Billable flag (paid plans)"));
    }

    private static Map<String, Object> with(Map<String, Object> first, Map<String, Object> second) {
        Map<String, Object> merged = new LinkedHashMap<>(first);
        merged.putAll(second);
        return merged;
    }

    /** The schema with more keywords, e.g. {@code anyOf}: the rules the code enforces across fields. */
    private static Map<String, Object> and(Map<String, Object> schema, Object... keyValues) {
        Map<String, Object> merged = new LinkedHashMap<>(schema);
        merged.putAll(props(keyValues));
        return merged;
    }

    private static Map<String, Object> duration(String description) {
        return integer(description + " (at most 366 days)", 0, MAX_DURATION);
    }

    private static final Map<String, Object> ENTRY = Output.one("time_entry", Output.TIME_ENTRY);

    private static final List<Spec> SPECS = List.of(
            new Spec(LIST_WORKSPACES, "List workspaces",
                    "The workspaces this Toggl user belongs to, with the user's role in each.",
                    object(props()), Output.listOf("workspaces", Output.WORKSPACE), true),
            new Spec(LIST_TIME_ENTRIES, "List time entries",
                    "The user's own time entries whose start lies in [start, end], newest first. Toggl reaches "
                            + "about three months back and returns at most 1000 entries without paging; for older "
                            + "or larger ranges use search_time_entries_report. Without start and end, Toggl's "
                            + "recent entries.",
                    and(object(props(
                            "start", dateTime("Earliest start, RFC 3339; give with end"),
                            "end", dateTime("Latest start, RFC 3339; give with start"))),
                            "dependentRequired", props("start", List.of("end"), "end", List.of("start"))),
                    object(props(
                            "time_entries", arrayOf(Output.TIME_ENTRY, "The entries"),
                            "truncated", bool("True when Toggl's cap of 1000 entries was reached")),
                            "time_entries", "truncated"),
                    true),
            new Spec(GET_TIME_ENTRY, "Get a time entry", "One of the user's time entries by id.",
                    object(props("time_entry_id", TIME_ENTRY_ID), "time_entry_id"), ENTRY, true),
            new Spec(CREATE_TIME_ENTRY, "Create a time entry",
                    "Records finished work: give start and either stop or duration (to run a timer, use "
                            + "start_timer). When both are given they must agree.",
                    and(object(with(props(
                            "workspace_id", WORKSPACE_ID,
                            "start", dateTime("Start, RFC 3339; its year (in UTC) from 2006 to 2030, as Toggl "
                                    + "accepts"),
                            "stop", dateTime("Stop, RFC 3339"),
                            "duration", duration("Length in seconds")), entryFields()), "start"),
                            // Toggl would save start alone as a 0-second stopped entry.
                            "anyOf", anyRequired("stop", "duration")),
                    ENTRY, false),
            new Spec(UPDATE_TIME_ENTRY, "Update a time entry",
                    "Changes the given fields of a time entry and leaves the others alone. With tag_action "
                            + "add or delete, tags and tag_ids are added to or removed from the entry's tags "
                            + "instead of replacing them.",
                    and(object(with(props(
                            "workspace_id", WORKSPACE_ID,
                            "time_entry_id", TIME_ENTRY_ID,
                            "start", dateTime("New start, RFC 3339; its year (in UTC) from 2006 to 2030, as "
                                    + "Toggl accepts"),
                            "stop", dateTime("New stop, RFC 3339"),
                            "duration", duration("New length in seconds"),
                            "tag_action", enumOf("How tags and tag_ids apply", "add", "delete")), entryFields()),
                            "time_entry_id"),
                            // Something to change, and tags for tag_action to apply.
                            "anyOf", anyRequired("start", "stop", "duration", "description", "project_id",
                                    "task_id", "tags", "tag_ids", "billable", "tag_action"),
                            "if", props("required", List.of("tag_action")),
                            "then", props("anyOf", anyRequired("tags", "tag_ids"))),
                    ENTRY, false),
            new Spec(DELETE_TIME_ENTRY, "Delete a time entry", "Deletes a time entry for good.",
                    object(props("workspace_id", WORKSPACE_ID, "time_entry_id", TIME_ENTRY_ID), "time_entry_id"),
                    object(props("deleted", bool("Always true"), "time_entry_id", TIME_ENTRY_ID),
                            "deleted", "time_entry_id"),
                    false),
            new Spec(GET_CURRENT_TIME_ENTRY, "Get the running timer", "The user's running time entry, if any.",
                    object(props()),
                    object(props("running", bool("Whether a timer runs"),
                            "time_entry", nullable(Output.TIME_ENTRY)), "running", "time_entry"),
                    true),
            new Spec(START_TIMER, "Start a timer",
                    "Starts a running time entry now (or at start). Whether Toggl stops a timer that already runs "
                            + "is not documented (its apps do); stop_timer stops the user's running one.",
                    object(with(props(
                            "workspace_id", WORKSPACE_ID,
                            "start", dateTime("Start, RFC 3339; defaults to now; its year (in UTC) from 2006 "
                                    + "to 2030, as Toggl accepts")), entryFields())),
                    ENTRY, false),
            new Spec(STOP_TIMER, "Stop a timer",
                    "Stops the given running time entry, or the user's running one when no id is given.",
                    object(props("workspace_id", WORKSPACE_ID,
                            "time_entry_id", id("Running time entry; defaults to the user's running one"))),
                    ENTRY, false),
            new Spec(LIST_PROJECTS, "List projects", "The projects of a workspace, all pages.",
                    object(props("workspace_id", WORKSPACE_ID,
                            "status", enumOf("Which projects; default active", "active", "archived", "both"))),
                    Output.listOf("projects", Output.PROJECT), true),
            new Spec(LIST_CLIENTS, "List clients", "The clients of a workspace.",
                    object(props("workspace_id", WORKSPACE_ID,
                            "status", enumOf("Which clients; default active", "active", "archived", "both"))),
                    Output.listOf("clients", Output.CLIENT), true),
            new Spec(LIST_TAGS, "List tags", "The tags of a workspace, all pages.",
                    object(props("workspace_id", WORKSPACE_ID)), Output.listOf("tags", Output.TAG), true),
            new Spec(LIST_TASKS, "List tasks", "The tasks of a workspace or of one project, all pages.",
                    object(props("workspace_id", WORKSPACE_ID,
                            "project_id", id("Only the tasks of this project"),
                            "include_done", bool("Also tasks marked done; default false"))),
                    Output.listOf("tasks", Output.TASK), true),
            new Spec(LIST_WORKSPACE_USERS, "List workspace users", "The members of a workspace and their roles.",
                    object(props("workspace_id", WORKSPACE_ID)), Output.listOf("users", Output.USER), true),
            new Spec(CREATE_PROJECT, "Create a project", "Creates a project in a workspace.",
                    object(props("workspace_id", WORKSPACE_ID,
                            "name", nonBlank("Project name", MAX_NAME),
                            "client_id", id("Client of the project"),
                            "is_private", bool("Visible to its members only; when not given, the workspace's "
                                    + "setting for new projects (projects_private_by_default) decides"),
                            "billable", bool("Billable by default (paid plans); when not given, the workspace's "
                                    + "setting (projects_billable_by_default) decides"),
                            "active", bool("Default true"),
                            "color", props("type", "string", "maxLength", 7, "pattern", "^#[0-9a-fA-F]{6}$",
                                    "description", "Hex colour, e.g. #06aaf5")), "name"),
                    Output.one("project", Output.PROJECT), false),
            new Spec(CREATE_CLIENT, "Create a client", "Creates a client in a workspace.",
                    object(props("workspace_id", WORKSPACE_ID,
                            "name", nonBlank("Client name", MAX_NAME),
                            "notes", string("Notes", MAX_TEXT)), "name"),
                    Output.one("client", Output.CLIENT), false),
            new Spec(CREATE_TAG, "Create a tag",
                    "Creates a tag in a workspace (some workspaces let only admins do this).",
                    object(props("workspace_id", WORKSPACE_ID, "name", nonBlank("Tag name", MAX_NAME)), "name"),
                    Output.one("tag", Output.TAG), false),
            new Spec(SEARCH_TIME_ENTRIES_REPORT, "Search time entries (report)",
                    "Detailed report of a workspace over any date range (both dates included), through Toggl's "
                            + "Reports API v3, following every page. Admins see the whole team, other users their "
                            + "own entries. Running entries are not included.",
                    object(props("workspace_id", WORKSPACE_ID,
                            "start_date", date("First day, YYYY-MM-DD"),
                            "end_date", date("Last day, YYYY-MM-DD (included)"),
                            "user_ids", arrayOf(id("User id"), "Only these users", MAX_LIST),
                            "project_ids", arrayOf(id("Project id"), "Only these projects", MAX_LIST),
                            "client_ids", arrayOf(id("Client id"), "Only these clients", MAX_LIST),
                            "tag_ids", arrayOf(id("Tag id"), "Only entries with these tags", MAX_LIST),
                            "task_ids", arrayOf(id("Task id"), "Only these tasks", MAX_LIST),
                            "description", string("Only entries whose description matches", MAX_TEXT),
                            "billable", bool("Only billable (true) or non-billable (false) entries"),
                            "order_by", enumOf("Sort key; default date", "date", "user", "duration",
                                    "description", "last_update"),
                            "order_dir", enumOf("Sort direction; default DESC", "ASC", "DESC")),
                            "start_date", "end_date"),
                    object(props(
                            "time_entries", arrayOf(Output.REPORT_ENTRY, "The entries, in report order"),
                            "pages", integer("Report pages fetched", 0),
                            "truncated", bool("True when the search stopped early; truncated_by says why"),
                            "truncated_by", nullable(enumOf("Why the search stopped early: the connector's page "
                                    + "cap (report_max_pages) or the Toggl hourly quota, spent after some pages",
                                    "page_cap", "quota")),
                            "quota_resets_in_seconds", nullable(integer("When truncated_by is quota: seconds "
                                    + "until Toggl's quota resets and the rest can be searched", 0))),
                            "time_entries", "pages", "truncated", "truncated_by", "quota_resets_in_seconds"),
                    true),
            new Spec(VALIDATE_WEBHOOK_SUBSCRIPTION, "Validate a webhook subscription",
                    "Confirms a webhook endpoint with the validation code Toggl sent in its PING, for endpoints "
                            + "that did not echo the code back.",
                    object(props("workspace_id", WORKSPACE_ID,
                            "subscription_id", id("Toggl subscription id"),
                            "validation_code", props("type", "string", "minLength", 1, "maxLength", 256,
                                    "pattern", "^" + VALIDATION_CODE + "$",
                                    "description", "validation_code from the PING")),
                            "subscription_id", "validation_code"),
                    object(props("validated", bool("Always true")), "validated"), false),
            new Spec(PING_WEBHOOK_SUBSCRIPTION, "Ping a webhook subscription",
                    "Asks Toggl to send a PING event to the subscription's endpoint now.",
                    object(props("workspace_id", WORKSPACE_ID, "subscription_id", id("Toggl subscription id")),
                            "subscription_id"),
                    object(props("status", string("Toggl's answer")), "status"), false));

    private TogglActionCatalog() {
    }

    static List<ActionDefinition> definitions() {
        return SPECS.stream().map(Spec::definition).toList();
    }

    static Optional<Spec> find(String name) {
        return SPECS.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** One action; its allowed input keys are the properties of its input schema. */
    record Spec(String name, String title, String description, Map<String, Object> input, Map<String, Object> output,
                boolean readOnly) {
        ActionDefinition definition() {
            return new ActionDefinition(name, title, description, Schema.json(input), Schema.json(output), readOnly);
        }

        @SuppressWarnings("unchecked")
        Set<String> inputKeys() {
            return ((Map<String, Object>) input.get("properties")).keySet();
        }
    }
}
