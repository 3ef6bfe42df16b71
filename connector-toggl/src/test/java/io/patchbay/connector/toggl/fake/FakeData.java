package io.patchbay.connector.toggl.fake;

import static io.patchbay.connector.toggl.fake.FakeToggl.ALICE;
import static io.patchbay.connector.toggl.fake.FakeToggl.BOB;
import static io.patchbay.connector.toggl.fake.FakeToggl.CAROL;
import static io.patchbay.connector.toggl.fake.FakeToggl.DAVE;

import io.patchbay.connector.toggl.fake.FakeToggl.User;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The fake's world: users, organizations, workspaces with roles, projects, clients, tags, tasks, time entries and
 * webhook subscriptions, seeded relative to the fake's clock, and rendered in Toggl's shapes (legacy aliases,
 * {@code null} vs {@code []} and the timestamp formats of real answers included).
 */
final class FakeData {
    static final DateTimeFormatter PLUS_ZERO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxxx");
    static final DateTimeFormatter MICROS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
            .withZone(ZoneOffset.UTC);

    static final class Org {
        final long id;
        final String name;
        final long ownerId;

        Org(long id, String name, long ownerId) {
            this.id = id;
            this.name = name;
            this.ownerId = ownerId;
        }
    }

    /** Plan: 0 Free, 1 Starter, 2 Premium; it sets the webhook limits. */
    static final class Ws {
        final long id;
        final long orgId;
        final String name;
        final int plan;
        final boolean onlyAdminsMayCreateTags;
        final boolean onlyAdminsMayCreateProjects;
        /** What a new project is when its creator does not say: Toggl applies these workspace settings. */
        final boolean projectsPrivateByDefault;
        final boolean projectsBillableByDefault;

        Ws(long id, long orgId, String name, int plan, boolean onlyAdminsMayCreateTags,
           boolean onlyAdminsMayCreateProjects, boolean projectsPrivateByDefault, boolean projectsBillableByDefault) {
            this.id = id;
            this.orgId = orgId;
            this.name = name;
            this.plan = plan;
            this.onlyAdminsMayCreateTags = onlyAdminsMayCreateTags;
            this.onlyAdminsMayCreateProjects = onlyAdminsMayCreateProjects;
            this.projectsPrivateByDefault = projectsPrivateByDefault;
            this.projectsBillableByDefault = projectsBillableByDefault;
        }

        int maxWebhooks() {
            return plan + 1;
        }

        int maxEventsPerWebhook() {
            return new int[] {3, 6, 12}[plan];
        }
    }

    record Member(long userId, long workspaceId, String role) {
        boolean admin() {
            return "admin".equals(role);
        }
    }

    static final class Project {
        long id;
        long workspaceId;
        Long clientId;
        String name;
        boolean active = true;
        boolean isPrivate;
        boolean billable;
        String color = "#06aaf5";
        Instant createdAt;
        Instant at;
        /** Requests naming this project still refused with 403 while Toggl's permissions catch up with it. */
        int unknownToPermissions;
    }

    static final class Client {
        long id;
        long workspaceId;
        String name;
        String notes;
        boolean archived;
        long creatorId;
        Instant at;
    }

    static final class Tag {
        long id;
        long workspaceId;
        String name;
        long creatorId;
        Instant at;
    }

    static final class Task {
        long id;
        long workspaceId;
        long projectId;
        String name;
        boolean active = true;
        Long estimatedSeconds;
        long trackedMilliseconds;
        Instant at;
    }

    static final class Entry {
        long id;
        long workspaceId;
        long userId;
        Long projectId;
        Long taskId;
        String description;
        Instant start;
        Instant stop;
        long duration;
        boolean billable;
        List<Long> tagIds = new ArrayList<>();
        Instant at;
        Instant deletedAt;

        boolean running() {
            return duration < 0;
        }
    }

    static final class Subscription {
        long id;
        long workspaceId;
        long userId;
        String description;
        String urlCallback;
        List<Map<String, Object>> eventFilters;
        boolean enabled;
        String secret;
        String validationCode;
        Instant validatedAt;
        Instant createdAt;
        Instant updatedAt;
    }

    final Instant seededAt;
    final Map<Long, User> users = new LinkedHashMap<>();
    final Map<Long, String> tokens = new LinkedHashMap<>();
    final Map<Long, Org> orgs = new LinkedHashMap<>();
    final Map<Long, Ws> workspaces = new LinkedHashMap<>();
    final List<Member> members = new ArrayList<>();
    final Map<Long, Project> projects = new TreeMap<>();
    final Map<Long, Client> clients = new TreeMap<>();
    final Map<Long, Tag> tags = new TreeMap<>();
    final Map<Long, Task> tasks = new TreeMap<>();
    final Map<Long, Entry> entries = new TreeMap<>();
    final Map<Long, Subscription> subscriptions = new TreeMap<>();
    /** Workspace users ({@link #icalKey}) whose iCal feed is switched on. */
    final java.util.Set<String> icalEnabled = new java.util.HashSet<>();
    /** Workspace users whose iCal feed was reset: the new token; the others keep the seeded one. */
    final Map<String, String> icalTokens = new LinkedHashMap<>();
    private long nextId = 9_100_000_000L;
    private long nextSubscriptionId = 10_700;

    FakeData(Instant now) {
        this.seededAt = now.truncatedTo(ChronoUnit.SECONDS);
        for (User user : List.of(ALICE, BOB, CAROL, DAVE)) {
            users.put(user.id(), user);
            tokens.put(user.id(), user.apiToken());
        }
        orgs.put(FakeToggl.ORG_ACME, new Org(FakeToggl.ORG_ACME, "Acme", ALICE.id()));
        orgs.put(FakeToggl.ORG_GLOBEX, new Org(FakeToggl.ORG_GLOBEX, "Globex", CAROL.id()));
        // Studio keeps Toggl's defaults for new projects (private, billable); Labs, on Free, makes them public.
        workspaces.put(FakeToggl.WS_STUDIO, new Ws(FakeToggl.WS_STUDIO, FakeToggl.ORG_ACME, "Acme Studio", 2, true, false,
                true, true));
        workspaces.put(FakeToggl.WS_LABS, new Ws(FakeToggl.WS_LABS, FakeToggl.ORG_ACME, "Acme Labs", 0, false, false,
                false, false));
        workspaces.put(FakeToggl.WS_GLOBEX, new Ws(FakeToggl.WS_GLOBEX, FakeToggl.ORG_GLOBEX, "Globex Consulting", 1,
                false, true, true, false));
        members.add(new Member(ALICE.id(), FakeToggl.WS_STUDIO, "admin"));
        members.add(new Member(ALICE.id(), FakeToggl.WS_LABS, "admin"));
        members.add(new Member(ALICE.id(), FakeToggl.WS_GLOBEX, "user"));
        members.add(new Member(BOB.id(), FakeToggl.WS_STUDIO, "user"));
        members.add(new Member(CAROL.id(), FakeToggl.WS_GLOBEX, "admin"));

        client(FakeToggl.CLIENT_ACME_CORP, FakeToggl.WS_STUDIO, "Acme Corp", false);
        client(FakeToggl.CLIENT_INITECH, FakeToggl.WS_STUDIO, "Initech", true);
        client(FakeToggl.CLIENT_GLOBEX, FakeToggl.WS_GLOBEX, "Globex Inc", false);

        project(FakeToggl.PROJECT_WEBSITE, FakeToggl.WS_STUDIO, FakeToggl.CLIENT_ACME_CORP, "Website Redesign", true);
        project(FakeToggl.PROJECT_INTERNAL, FakeToggl.WS_STUDIO, null, "Internal", true);
        project(FakeToggl.PROJECT_LEGACY, FakeToggl.WS_STUDIO, null, "Legacy Migration", false);
        project(FakeToggl.PROJECT_RESEARCH, FakeToggl.WS_LABS, null, "Research", true);
        project(FakeToggl.PROJECT_AUDIT, FakeToggl.WS_GLOBEX, FakeToggl.CLIENT_GLOBEX, "Audit", true);

        tag(FakeToggl.TAG_BILLED, FakeToggl.WS_STUDIO, "billed");
        tag(FakeToggl.TAG_MEETING, FakeToggl.WS_STUDIO, "meeting");
        tag(FakeToggl.TAG_URGENT, FakeToggl.WS_GLOBEX, "urgent");

        task(FakeToggl.TASK_DESIGN, FakeToggl.PROJECT_WEBSITE, "Design", true, 36_000L, 7_200_000L);
        task(FakeToggl.TASK_BUILD, FakeToggl.PROJECT_WEBSITE, "Build", true, null, 0);
        task(FakeToggl.TASK_LAUNCH, FakeToggl.PROJECT_WEBSITE, "Launch", false, 3_600L, 1_800_000L);

        LocalDate today = LocalDate.ofInstant(seededAt, ZoneOffset.UTC);
        for (int day = 1; day <= FakeToggl.ALICE_STUDIO_HISTORY_DAYS; day++) {
            Long project = day % 3 == 0 ? Long.valueOf(FakeToggl.PROJECT_WEBSITE)
                    : day % 3 == 1 ? Long.valueOf(FakeToggl.PROJECT_INTERNAL) : null;
            Entry entry = entry(FakeToggl.FIRST_HISTORY_ENTRY_ID + day - 1, FakeToggl.WS_STUDIO, ALICE.id(), project,
                    "Work session " + day, today.minusDays(day), 3600 + (day % 4) * 900L);
            entry.taskId = day % 6 == 0 ? FakeToggl.TASK_DESIGN : null;
            entry.billable = day % 3 == 0;
            if (day % 2 == 0) {
                entry.tagIds.add(FakeToggl.TAG_BILLED);
            }
        }
        long id = FakeToggl.FIRST_HISTORY_ENTRY_ID + FakeToggl.ALICE_STUDIO_HISTORY_DAYS;
        for (int day = 1; day <= 5; day++) {
            entry(id++, FakeToggl.WS_LABS, ALICE.id(), FakeToggl.PROJECT_RESEARCH, "Experiment " + day,
                    today.minusDays(day), 1800);
        }
        for (int day = 1; day <= 3; day++) {
            entry(id++, FakeToggl.WS_GLOBEX, ALICE.id(), FakeToggl.PROJECT_AUDIT, "Audit review " + day,
                    today.minusDays(day), 2700);
        }
        for (int day = 1; day <= 10; day++) {
            entry(id++, FakeToggl.WS_STUDIO, BOB.id(), FakeToggl.PROJECT_INTERNAL, "Bob's task " + day,
                    today.minusDays(day), 5400);
        }
        for (int day = 1; day <= 4; day++) {
            entry(id++, FakeToggl.WS_GLOBEX, CAROL.id(), FakeToggl.PROJECT_AUDIT, "Carol's review " + day,
                    today.minusDays(day), 3600).tagIds.add(FakeToggl.TAG_URGENT);
        }
        Entry running = new Entry();
        running.id = FakeToggl.ALICE_RUNNING_ENTRY_ID;
        running.workspaceId = FakeToggl.WS_STUDIO;
        running.userId = ALICE.id();
        running.projectId = FakeToggl.PROJECT_WEBSITE;
        running.description = "Writing the connector";
        running.start = seededAt.minus(Duration.ofMinutes(25));
        running.duration = -1;
        running.at = running.start;
        entries.put(running.id, running);
    }

    long newId() {
        return nextId++;
    }

    long newSubscriptionId() {
        return nextSubscriptionId++;
    }

    private void client(long id, long workspaceId, String name, boolean archived) {
        Client client = new Client();
        client.id = id;
        client.workspaceId = workspaceId;
        client.name = name;
        client.archived = archived;
        client.creatorId = orgs.get(workspaces.get(workspaceId).orgId).ownerId;
        client.at = seededAt.minus(Duration.ofDays(300));
        clients.put(id, client);
    }

    Project project(long id, long workspaceId, Long clientId, String name, boolean active) {
        Project project = new Project();
        project.id = id;
        project.workspaceId = workspaceId;
        project.clientId = clientId;
        project.name = name;
        project.active = active;
        project.billable = clientId != null;
        project.createdAt = seededAt.minus(Duration.ofDays(400));
        project.at = seededAt.minus(Duration.ofDays(30));
        projects.put(id, project);
        return project;
    }

    Tag tag(long id, long workspaceId, String name) {
        Tag tag = new Tag();
        tag.id = id;
        tag.workspaceId = workspaceId;
        tag.name = name;
        tag.creatorId = orgs.get(workspaces.get(workspaceId).orgId).ownerId;
        tag.at = seededAt.minus(Duration.ofDays(200));
        tags.put(id, tag);
        return tag;
    }

    private void task(long id, long projectId, String name, boolean active, Long estimate, long trackedMillis) {
        Task task = new Task();
        task.id = id;
        task.projectId = projectId;
        task.workspaceId = projects.get(projectId).workspaceId;
        task.name = name;
        task.active = active;
        task.estimatedSeconds = estimate;
        task.trackedMilliseconds = trackedMillis;
        task.at = seededAt.minus(Duration.ofDays(20));
        tasks.put(id, task);
    }

    private Entry entry(long id, long workspaceId, long userId, Long projectId, String description, LocalDate day,
                        long seconds) {
        Entry entry = new Entry();
        entry.id = id;
        entry.workspaceId = workspaceId;
        entry.userId = userId;
        entry.projectId = projectId;
        entry.description = description;
        entry.start = day.atTime(LocalTime.of(9, 0)).toInstant(ZoneOffset.UTC);
        entry.duration = seconds;
        entry.stop = entry.start.plusSeconds(seconds);
        entry.at = entry.stop.plus(Duration.ofMinutes(5)).plusNanos(433_038_000L);
        entries.put(id, entry);
        return entry;
    }

    // Lookups

    Optional<User> userByToken(String token) {
        return tokens.entrySet().stream().filter(e -> e.getValue().equals(token)).findFirst()
                .map(e -> users.get(e.getKey()));
    }

    Optional<User> userByEmail(String email, String password) {
        return users.values().stream()
                .filter(u -> u.email().equalsIgnoreCase(email) && u.password().equals(password)).findFirst();
    }

    Optional<Member> member(long userId, long workspaceId) {
        return members.stream().filter(m -> m.userId() == userId && m.workspaceId() == workspaceId).findFirst();
    }

    List<Member> membersOf(long workspaceId) {
        return members.stream().filter(m -> m.workspaceId() == workspaceId).toList();
    }

    List<Member> membershipsOf(long userId) {
        return members.stream().filter(m -> m.userId() == userId).toList();
    }

    // Rendering

    static String plusZero(Instant instant) {
        return instant == null ? null : PLUS_ZERO.format(instant.atOffset(ZoneOffset.UTC));
    }

    static String zulu(Instant instant) {
        return instant == null ? null : DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }

    static String micros(Instant instant) {
        return instant == null ? null : MICROS.format(instant);
    }

    static String inZone(Instant instant, String zone) {
        return instant == null ? null : PLUS_ZERO.format(instant.atZone(ZoneId.of(zone)).toOffsetDateTime());
    }

    Map<String, Object> me(User user) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", user.id());
        out.put("api_token", tokens.get(user.id()));
        out.put("email", user.email());
        out.put("fullname", user.fullname());
        out.put("timezone", user.timezone());
        out.put("toggl_accounts_id", "acc" + user.id());
        out.put("default_workspace_id", user.defaultWorkspaceId());
        out.put("beginning_of_week", 1);
        out.put("image_url", "https://assets.track.toggl.com/images/profile.png");
        out.put("created_at", micros(seededAt.minus(Duration.ofDays(900))));
        out.put("updated_at", micros(seededAt.minus(Duration.ofDays(9))));
        out.put("openid_email", null);
        out.put("openid_enabled", false);
        out.put("country_id", null);
        out.put("has_password", true);
        out.put("at", micros(seededAt));
        out.put("intercom_hash", "0".repeat(64));
        out.put("oauth_providers", List.of());
        out.put("authorization_updated_at", micros(seededAt.minus(Duration.ofDays(9))));
        return out;
    }

    static String icalKey(long workspaceId, long userId) {
        return workspaceId + "/" + userId;
    }

    /** The feed of a user's entries in a workspace: the path is its own credential, read without signing in. */
    String icalUrl(long workspaceId, long userId) {
        String token = icalTokens.getOrDefault(icalKey(workspaceId, userId), HexFormat.of().formatHex(
                ByteBuffer.allocate(16).putLong(workspaceId).putLong(userId).array()));
        return "/ical/workspace_user/" + token;
    }

    Map<String, Object> workspace(Ws ws, Member member, boolean withProjectCount) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", ws.id);
        out.put("organization_id", ws.orgId);
        out.put("name", ws.name);
        out.put("premium", ws.plan >= 1);
        out.put("business_ws", ws.plan >= 2);
        out.put("admin", member.admin());
        out.put("role", member.role());
        out.put("suspended_at", null);
        out.put("server_deleted_at", null);
        out.put("default_hourly_rate", null);
        out.put("rate_last_updated", null);
        out.put("default_currency", "USD");
        out.put("only_admins_may_create_projects", ws.onlyAdminsMayCreateProjects);
        out.put("only_admins_may_create_tags", ws.onlyAdminsMayCreateTags);
        out.put("only_admins_see_billable_rates", false);
        out.put("only_admins_see_team_dashboard", false);
        out.put("projects_billable_by_default", ws.projectsBillableByDefault);
        out.put("projects_private_by_default", ws.projectsPrivateByDefault);
        out.put("last_modified", zulu(seededAt));
        out.put("rounding", 0);
        out.put("rounding_minutes", 0);
        out.put("api_token", "0".repeat(32));
        out.put("at", plusZero(seededAt));
        out.put("logo_url", "https://assets.track.toggl.com/images/workspace.jpg");
        out.put("ical_enabled", icalEnabled.contains(icalKey(ws.id, member.userId())));
        out.put("ical_url", icalUrl(ws.id, member.userId()));
        out.put("permissions", null);
        if (withProjectCount) {
            out.put("active_project_count", projects.values().stream()
                    .filter(p -> p.workspaceId == ws.id && p.active).count());
        }
        return out;
    }

    /**
     * A time entry as Toggl answers it. {@code written} marks POST/PUT answers: times end in {@code Z} and tag
     * lists that were not sent are {@code null}; GETs use {@code +00:00} and {@code []}. {@code pid} is left out
     * when there is no project, and {@code /current} shows a running duration as minus the start epoch.
     */
    Map<String, Object> entry(Entry entry, boolean written, boolean tagsSent, boolean current) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", entry.id);
        out.put("workspace_id", entry.workspaceId);
        out.put("project_id", entry.projectId);
        out.put("task_id", entry.taskId);
        out.put("billable", entry.billable);
        out.put("start", written ? zulu(entry.start) : plusZero(entry.start));
        out.put("stop", entry.running() ? null : written ? zulu(entry.stop) : plusZero(entry.stop));
        out.put("duration", entry.running() && current ? -entry.start.getEpochSecond() : entry.duration);
        out.put("description", entry.description);
        boolean nullTags = written && !tagsSent && entry.tagIds.isEmpty();
        out.put("tags", nullTags ? null : entry.tagIds.stream().map(id -> tags.get(id).name).toList());
        out.put("tag_ids", nullTags ? null : List.copyOf(entry.tagIds));
        out.put("duronly", true);
        out.put("at", micros(entry.at));
        out.put("server_deleted_at", micros(entry.deletedAt));
        out.put("user_id", entry.userId);
        out.put("uid", entry.userId);
        out.put("wid", entry.workspaceId);
        if (entry.projectId != null) {
            out.put("pid", entry.projectId);
        }
        if (entry.taskId != null) {
            out.put("tid", entry.taskId);
        }
        out.put("permissions", null);
        return out;
    }

    Map<String, Object> project(Project project) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", project.id);
        out.put("workspace_id", project.workspaceId);
        out.put("client_id", project.clientId);
        out.put("name", project.name);
        out.put("is_private", project.isPrivate);
        out.put("active", project.active);
        out.put("at", plusZero(project.at));
        out.put("created_at", plusZero(project.createdAt));
        out.put("server_deleted_at", null);
        out.put("color", project.color);
        out.put("billable", project.billable);
        out.put("template", null);
        out.put("auto_estimates", null);
        out.put("estimated_hours", null);
        out.put("estimated_seconds", null);
        out.put("rate", null);
        out.put("currency", null);
        out.put("recurring", false);
        out.put("actual_hours", 0);
        out.put("actual_seconds", 0);
        out.put("start_date", LocalDate.ofInstant(project.createdAt, ZoneOffset.UTC).toString());
        out.put("status", project.active ? "active" : "archived");
        out.put("wid", project.workspaceId);
        out.put("cid", project.clientId);
        out.put("is_shared", false);
        out.put("pinned", false);
        return out;
    }

    /** Clients carry only the legacy {@code wid}. */
    Map<String, Object> client(Client client) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", client.id);
        out.put("wid", client.workspaceId);
        out.put("archived", client.archived);
        out.put("name", client.name);
        out.put("at", plusZero(client.at));
        out.put("creator_id", client.creatorId);
        if (client.notes != null) {
            out.put("notes", client.notes);
        }
        return out;
    }

    Map<String, Object> tag(Tag tag) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", tag.id);
        out.put("workspace_id", tag.workspaceId);
        out.put("name", tag.name);
        out.put("at", micros(tag.at));
        out.put("creator_id", tag.creatorId);
        return out;
    }

    /** {@code tracked_seconds} holds milliseconds, as the spec warns. */
    Map<String, Object> task(Task task) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", task.id);
        out.put("name", task.name);
        out.put("workspace_id", task.workspaceId);
        out.put("project_id", task.projectId);
        out.put("user_id", null);
        out.put("active", task.active);
        out.put("at", plusZero(task.at));
        out.put("estimated_seconds", task.estimatedSeconds);
        out.put("tracked_seconds", task.trackedMilliseconds);
        out.put("recurring", false);
        out.put("project_name", projects.get(task.projectId).name);
        return out;
    }

    Map<String, Object> simpleUser(Member member) {
        User user = users.get(member.userId());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", user.id());
        out.put("email", user.email());
        out.put("fullname", user.fullname());
        out.put("inactive", false);
        out.put("is_active", true);
        out.put("is_admin", member.admin());
        out.put("role", member.role());
        return out;
    }

    Map<String, Object> subscription(Subscription subscription, boolean withSecret) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("subscription_id", subscription.id);
        out.put("workspace_id", subscription.workspaceId);
        out.put("user_id", subscription.userId);
        out.put("enabled", subscription.enabled);
        out.put("description", subscription.description);
        out.put("event_filters", subscription.eventFilters);
        out.put("url_callback", subscription.urlCallback);
        if (withSecret) {
            out.put("secret", subscription.secret);
        }
        out.put("validated_at", micros(subscription.validatedAt));
        out.put("has_pending_events", false);
        out.put("created_at", micros(subscription.createdAt));
        out.put("updated_at", micros(subscription.updatedAt));
        return out;
    }
}
