package io.patchbay.connector.toggl;

import static io.patchbay.connector.toggl.Schema.arrayOf;
import static io.patchbay.connector.toggl.Schema.bool;
import static io.patchbay.connector.toggl.Schema.dateTime;
import static io.patchbay.connector.toggl.Schema.id;
import static io.patchbay.connector.toggl.Schema.integer;
import static io.patchbay.connector.toggl.Schema.nullable;
import static io.patchbay.connector.toggl.Schema.object;
import static io.patchbay.connector.toggl.Schema.props;
import static io.patchbay.connector.toggl.Schema.string;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Toggl's entities as the actions answer them: one stable, snake_case shape per entity, UTC RFC 3339 times, legacy
 * field names folded in, and each entity's JSON Schema next to its mapping so the two cannot drift apart.
 */
final class Output {
    private Output() {
    }

    // Time entries

    static final Map<String, Object> TIME_ENTRY = object(props(
            "id", id("Toggl time entry id"),
            "workspace_id", id("Workspace of the entry"),
            "project_id", nullable(id("Project, if any")),
            "task_id", nullable(id("Task, if any")),
            "user_id", nullable(id("User who tracked it")),
            "description", nullable(string("What was done")),
            "start", dateTime("Start, RFC 3339 in UTC"),
            "stop", nullable(dateTime("Stop, RFC 3339 in UTC; null while running")),
            "duration", integer("Seconds tracked; for a running entry, the seconds elapsed so far", 0),
            "running", bool("Whether the timer is still running"),
            "billable", bool("Billable flag"),
            "tags", arrayOf(string("Tag name"), "Tag names"),
            "tag_ids", arrayOf(id("Tag id"), "Tag ids"),
            "updated_at", nullable(dateTime("Last change, RFC 3339 in UTC"))));

    /**
     * A running entry has a negative duration ({@code -1} when created, {@code -start epoch} elsewhere): never
     * show that number; the elapsed time is derived from {@code start}.
     */
    static Map<String, Object> timeEntry(Dto.TimeEntry entry, Instant now) {
        boolean running = entry.running();
        long duration = running
                ? Math.max(0, entry.start() == null ? 0 : Duration.between(entry.start(), now).toSeconds())
                : entry.duration() == null ? 0 : entry.duration();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", entry.id());
        out.put("workspace_id", entry.workspace());
        out.put("project_id", entry.project());
        out.put("task_id", entry.task());
        out.put("user_id", entry.user());
        out.put("description", entry.description());
        out.put("start", TogglTime.format(entry.start()));
        out.put("stop", running ? null : TogglTime.format(entry.stop()));
        out.put("duration", duration);
        out.put("running", running);
        out.put("billable", Boolean.TRUE.equals(entry.billable()));
        out.put("tags", entry.tags() == null ? List.of() : List.copyOf(entry.tags()));
        out.put("tag_ids", entry.tagIds() == null ? List.of() : List.copyOf(entry.tagIds()));
        out.put("updated_at", TogglTime.format(entry.at()));
        return out;
    }

    static final Map<String, Object> REPORT_ENTRY = object(props(
            "id", id("Toggl time entry id"),
            "user_id", nullable(id("User who tracked it")),
            "user_name", nullable(string("That user's name")),
            "project_id", nullable(id("Project, if any")),
            "task_id", nullable(id("Task, if any")),
            "description", nullable(string("What was done")),
            "billable", bool("Billable flag"),
            "tag_ids", arrayOf(id("Tag id"), "Tag ids"),
            "start", dateTime("Start, RFC 3339 in UTC"),
            "stop", nullable(dateTime("Stop, RFC 3339 in UTC")),
            "duration", integer("Seconds tracked", 0),
            "updated_at", nullable(dateTime("Last change, RFC 3339 in UTC"))));

    /** Flattens report rows: Reports v3 groups entries per row and gives times in the user's zone. */
    static List<Map<String, Object>> reportEntries(Dto.ReportRow row, Predicate<Dto.ReportEntry> keep) {
        List<Map<String, Object>> entries = new ArrayList<>();
        for (Dto.ReportEntry entry : row.timeEntries() == null ? List.<Dto.ReportEntry>of() : row.timeEntries()) {
            if (!keep.test(entry)) {
                continue;
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("id", entry.id());
            out.put("user_id", row.userId());
            out.put("user_name", row.username());
            out.put("project_id", row.projectId());
            out.put("task_id", row.taskId());
            out.put("description", row.description());
            out.put("billable", Boolean.TRUE.equals(row.billable()));
            out.put("tag_ids", row.tagIds() == null ? List.of() : List.copyOf(row.tagIds()));
            out.put("start", entry.start() == null ? null : TogglTime.format(entry.start().toInstant()));
            out.put("stop", TogglTime.format(entry.stop()));
            out.put("duration", entry.seconds() == null ? 0 : Math.max(0, entry.seconds()));
            out.put("updated_at", TogglTime.format(entry.at()));
            entries.add(out);
        }
        return entries;
    }

    // Workspace entities

    static final Map<String, Object> WORKSPACE = object(props(
            "id", id("Toggl workspace id"),
            "name", string("Workspace name"),
            "organization_id", nullable(id("Organization the workspace belongs to")),
            "role", string("The user's role: admin, user, projectlead or teamlead"),
            "admin", bool("Whether the user administers the workspace"),
            "premium", bool("Whether the workspace is on a paid plan")));

    static Map<String, Object> workspace(Dto.MeWorkspace workspace) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", workspace.id());
        out.put("name", workspaceName(workspace));
        out.put("organization_id", workspace.organizationId());
        out.put("role", role(workspace));
        out.put("admin", isAdmin(workspace));
        out.put("premium", Boolean.TRUE.equals(workspace.premium()) || Boolean.TRUE.equals(workspace.businessWs()));
        return out;
    }

    /** Toggl's name, or "Workspace <id>" when it sends none: the schema promises a string. */
    static String workspaceName(Dto.MeWorkspace workspace) {
        return workspace.name() == null || workspace.name().isBlank() ? "Workspace " + workspace.id()
                : workspace.name();
    }

    /** {@code role} is current; the {@code admin} flag is deprecated but still sent, so it is the fallback. */
    static String role(Dto.MeWorkspace workspace) {
        if (workspace.role() != null && !workspace.role().isBlank()) {
            return workspace.role();
        }
        return Boolean.TRUE.equals(workspace.admin()) ? "admin" : "user";
    }

    static boolean isAdmin(Dto.MeWorkspace workspace) {
        return Boolean.TRUE.equals(workspace.admin()) || "admin".equals(workspace.role());
    }

    static final Map<String, Object> PROJECT = object(props(
            "id", id("Toggl project id"),
            "workspace_id", id("Workspace of the project"),
            "client_id", nullable(id("Client, if any")),
            "name", string("Project name"),
            "active", bool("False once archived"),
            "status", nullable(string("upcoming, active, ended, archived or deleted")),
            "is_private", bool("Private projects are visible to their members only"),
            "billable", bool("Billable by default"),
            "color", nullable(string("Hex colour, e.g. #06aaf5")),
            "created_at", nullable(dateTime("Creation, RFC 3339 in UTC")),
            "updated_at", nullable(dateTime("Last change, RFC 3339 in UTC"))));

    static Map<String, Object> project(Dto.Project project) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", project.id());
        out.put("workspace_id", project.workspace());
        out.put("client_id", project.client());
        out.put("name", project.name());
        out.put("active", !Boolean.FALSE.equals(project.active()));
        out.put("status", project.status());
        out.put("is_private", Boolean.TRUE.equals(project.isPrivate()));
        out.put("billable", Boolean.TRUE.equals(project.billable()));
        out.put("color", project.color());
        out.put("created_at", TogglTime.format(project.createdAt()));
        out.put("updated_at", TogglTime.format(project.at()));
        return out;
    }

    static final Map<String, Object> CLIENT = object(props(
            "id", id("Toggl client id"),
            "workspace_id", id("Workspace of the client"),
            "name", string("Client name"),
            "archived", bool("Whether the client is archived"),
            "notes", nullable(string("Notes")),
            "updated_at", nullable(dateTime("Last change, RFC 3339 in UTC"))));

    static Map<String, Object> client(Dto.Client client) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", client.id());
        out.put("workspace_id", client.workspace());
        out.put("name", client.name());
        out.put("archived", Boolean.TRUE.equals(client.archived()));
        out.put("notes", client.notes());
        out.put("updated_at", TogglTime.format(client.at()));
        return out;
    }

    static final Map<String, Object> TAG = object(props(
            "id", id("Toggl tag id"),
            "workspace_id", id("Workspace of the tag"),
            "name", string("Tag name"),
            "updated_at", nullable(dateTime("Last change, RFC 3339 in UTC"))));

    static Map<String, Object> tag(Dto.Tag tag) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", tag.id());
        out.put("workspace_id", tag.workspaceId());
        out.put("name", tag.name());
        out.put("updated_at", TogglTime.format(tag.at()));
        return out;
    }

    static final Map<String, Object> TASK = object(props(
            "id", id("Toggl task id"),
            "workspace_id", id("Workspace of the task"),
            "project_id", id("Project of the task"),
            "name", string("Task name"),
            "active", bool("False once done"),
            "estimated_seconds", nullable(integer("Estimate in seconds", 0)),
            "tracked_seconds", nullable(integer("Time tracked on the task, in seconds", 0)),
            "assignee_user_id", nullable(id("Assigned user, if any")),
            "updated_at", nullable(dateTime("Last change, RFC 3339 in UTC"))));

    /** Toggl documents {@code tracked_seconds} as milliseconds; the output says seconds and means it. */
    static Map<String, Object> task(Dto.Task task) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", task.id());
        out.put("workspace_id", task.workspaceId());
        out.put("project_id", task.projectId());
        out.put("name", task.name());
        out.put("active", !Boolean.FALSE.equals(task.active()));
        out.put("estimated_seconds", task.estimatedSeconds());
        out.put("tracked_seconds", task.trackedMilliseconds() == null ? null : task.trackedMilliseconds() / 1000);
        out.put("assignee_user_id", task.userId());
        out.put("updated_at", TogglTime.format(task.at()));
        return out;
    }

    static final Map<String, Object> USER = object(props(
            "id", id("Toggl user id"),
            "email", nullable(string("Email")),
            "name", nullable(string("Full name")),
            "role", nullable(string("Role in the workspace: admin, user, projectlead or teamlead")),
            "admin", bool("Whether the user administers the workspace"),
            "active", bool("Joined and not deactivated")));

    static Map<String, Object> user(Dto.WorkspaceUser user) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", user.id());
        out.put("email", user.email());
        out.put("name", user.fullname());
        out.put("role", user.role());
        out.put("admin", Boolean.TRUE.equals(user.isAdmin()) || "admin".equals(user.role()));
        out.put("active", !Boolean.FALSE.equals(user.isActive()) && !Boolean.TRUE.equals(user.inactive()));
        return out;
    }

    /** A map in the given key order (values may be null), so answers serialize the same way every time. */
    static Map<String, Object> ordered(Object... keyValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put((String) keyValues[i], keyValues[i + 1]);
        }
        return map;
    }

    /** {@code {"<key>": [...]}}. */
    static Map<String, Object> listOf(String key, Map<String, Object> item) {
        return object(props(key, arrayOf(item, "All of them; paging is done by the connector")), key);
    }

    static Map<String, Object> one(String key, Map<String, Object> item) {
        return object(props(key, item), key);
    }
}
