package io.patchbay.connector.toggl.fake;

import io.patchbay.connector.toggl.fake.FakeData.Client;
import io.patchbay.connector.toggl.fake.FakeData.Entry;
import io.patchbay.connector.toggl.fake.FakeData.Member;
import io.patchbay.connector.toggl.fake.FakeData.Project;
import io.patchbay.connector.toggl.fake.FakeData.Subscription;
import io.patchbay.connector.toggl.fake.FakeData.Tag;
import io.patchbay.connector.toggl.fake.FakeData.Task;
import io.patchbay.connector.toggl.fake.FakeData.Ws;
import io.patchbay.connector.toggl.fake.FakeToggl.User;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The endpoints of the fake: Track API v9 ({@code /api/v9}), Reports API v3 ({@code /reports/api/v3}) and Webhooks
 * API v1 ({@code /webhooks/api/v1}), with the documented validation rules and error texts. Where Toggl documents no
 * text, the fake's sentence is marked as its own in a comment.
 */
final class FakeRoutes {
    static final String NO_ACCESS = "User does not have access to this resource";
    static final String ONLY_ADMINS_TAGS = "Only organization or workspace administrators may manage tags in this "
            + "workspace.";
    private static final Pattern FILTER_NAME = Pattern.compile("\\*|[A-Za-z0-9_]+");
    private static final Set<String> FILTER_ACTIONS = Set.of("created", "updated", "deleted", "*");
    /**
     * RFC 3339 as Toggl reads it: seconds required ({@code 2024-01-01T10:00Z} was answered "Invalid start date"),
     * fraction optional, {@code Z} or an offset. Java's ISO parser would let the seconds out.
     */
    private static final java.time.format.DateTimeFormatter RFC_3339 = new java.time.format.DateTimeFormatterBuilder()
            .parseCaseInsensitive()
            .append(java.time.format.DateTimeFormatter.ISO_LOCAL_DATE)
            .appendLiteral('T')
            .appendPattern("HH:mm:ss")
            .optionalStart().appendFraction(java.time.temporal.ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
            .appendOffset("+HH:MM", "Z")
            .toFormatter()
            .withResolverStyle(java.time.format.ResolverStyle.STRICT)
            .withChronology(java.time.chrono.IsoChronology.INSTANCE);
    private static final Set<String> REPORT_ORDER_BY = Set.of("date", "user", "duration", "description",
            "last_update");

    /** The request as the routes see it: already authenticated. */
    record Req(String method, List<String> segments, Map<String, List<String>> query, String body, User user) {
        String param(String name) {
            List<String> values = query.get(name);
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        String segment(int index) {
            return index < segments.size() ? segments.get(index) : null;
        }
    }

    private static final class Rejection extends RuntimeException {
        final transient Answer answer;

        Rejection(Answer answer) {
            super(null, null, false, false);
            this.answer = answer;
        }
    }

    private final FakeData data;
    private final Clock clock;
    private final FakeToggl fake;

    FakeRoutes(FakeData data, Clock clock, FakeToggl fake) {
        this.data = data;
        this.clock = clock;
        this.fake = fake;
    }

    Answer route(Req req) {
        try {
            List<String> s = req.segments();
            if (s.size() >= 2 && s.get(0).equals("api") && s.get(1).equals("v9")) {
                return track(req, s.subList(2, s.size()));
            }
            if (s.size() >= 3 && s.get(0).equals("reports") && s.get(1).equals("api") && s.get(2).equals("v3")) {
                return reports(req, s.subList(3, s.size()));
            }
            if (s.size() >= 3 && s.get(0).equals("webhooks") && s.get(1).equals("api") && s.get(2).equals("v1")) {
                return webhooks(req, s.subList(3, s.size()));
            }
            return notFound();
        } catch (Rejection rejection) {
            return rejection.answer;
        }
    }

    static Answer notFound() {
        return Answer.text(404, "404 page not found");
    }

    private static Rejection reject(int status, String message) {
        return new Rejection(Answer.message(status, message));
    }

    private Instant now() {
        return clock.instant();
    }

    // Track API v9

    private Answer track(Req req, List<String> path) {
        if (path.isEmpty()) {
            return notFound();
        }
        if (path.get(0).equals("me")) {
            return me(req, path.subList(1, path.size()));
        }
        if (path.get(0).equals("workspaces") && path.size() >= 3) {
            long wid = pathId(path.get(1));
            Member member = data.member(req.user().id(), wid).orElseThrow(() -> reject(403, NO_ACCESS));
            refuseProjectsUnknownToPermissions(req, path);
            return workspace(req, data.workspaces.get(wid), member, path.subList(2, path.size()));
        }
        return notFound();
    }

    /**
     * Toggl's auth layer learns of a new project a few seconds after it is created, and until then refuses every
     * request naming it as it refuses a project the user may not use ({@link FakeToggl#newProjectsUnknownFor}).
     */
    private void refuseProjectsUnknownToPermissions(Req req, List<String> path) {
        Set<Long> named = new LinkedHashSet<>();
        if (path.size() >= 4 && path.get(2).equals("projects")) {
            Optional.ofNullable(number(path.get(3))).ifPresent(named::add);
        }
        Optional.ofNullable(req.param("pid")).map(FakeRoutes::number).ifPresent(named::add);
        if (!req.body().isBlank() && req.body().strip().startsWith("{")) {
            try {
                Map<String, Object> body = object(req.body());
                optLong(body, "project_id").ifPresent(named::add);
                optLong(body, "pid").ifPresent(named::add);
            } catch (Rejection unreadable) {
                // The route itself answers a body it cannot read.
            }
        }
        for (Long id : named) {
            Project project = data.projects.get(id);
            if (project != null && project.unknownToPermissions > 0) {
                project.unknownToPermissions--;
                throw reject(403, NO_ACCESS);
            }
        }
    }

    private static Long number(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private Answer me(Req req, List<String> path) {
        User user = req.user();
        String method = req.method();
        if (path.isEmpty()) {
            return method.equals("GET") ? Answer.json(meWithRelated(req)) : Answer.empty(405);
        }
        String first = path.get(0);
        if (path.size() == 1) {
            switch (first) {
                case "logged":
                    return method.equals("GET") ? Answer.empty(200) : Answer.empty(405);
                case "workspaces":
                    return method.equals("GET") ? Answer.json(data.membershipsOf(user.id()).stream()
                            .map(m -> data.workspace(data.workspaces.get(m.workspaceId()), m, true)).toList())
                            : Answer.empty(405);
                case "organizations":
                    return method.equals("GET") ? Answer.json(organizations(user)) : Answer.empty(405);
                case "quota":
                    return method.equals("GET") ? Answer.json(fake.quotaRows(user)) : Answer.empty(405);
                case "reset_token":
                    if (!method.equals("POST")) {
                        return Answer.empty(405);
                    }
                    String token = newToken();
                    data.tokens.put(user.id(), token);
                    return fake.resetTokenAnswersPlainText() ? Answer.text(200, token) : Answer.json(token);
                case "time_entries":
                    return method.equals("GET") ? listTimeEntries(req) : Answer.empty(405);
                default:
                    return notFound();
            }
        }
        if (first.equals("time_entries") && path.size() == 2 && method.equals("GET")) {
            if (path.get(1).equals("current")) {
                Optional<Object> running = data.entries.values().stream()
                        .filter(e -> e.userId == user.id() && e.running() && e.deletedAt == null)
                        .findFirst().map(e -> data.entry(e, false, true, true));
                if (running.isEmpty() && fake.noCurrentEntryIs404()) {
                    return Answer.message(404, "Resource can not be found");
                }
                return Answer.json(running.orElse(null));
            }
            long id = pathId(path.get(1));
            Entry entry = data.entries.get(id);
            if (entry == null || entry.userId != user.id() || entry.deletedAt != null) {
                return Answer.message(404, "Resource can not be found");
            }
            return Answer.json(data.entry(entry, false, true, false));
        }
        return notFound();
    }

    private Map<String, Object> meWithRelated(Req req) {
        Map<String, Object> me = data.me(req.user());
        if ("true".equals(req.param("with_related_data"))) {
            long uid = req.user().id();
            Set<Long> wids = new LinkedHashSet<>();
            data.membershipsOf(uid).forEach(m -> wids.add(m.workspaceId()));
            me.put("workspaces", data.membershipsOf(uid).stream()
                    .map(m -> data.workspace(data.workspaces.get(m.workspaceId()), m, false)).toList());
            me.put("projects", data.projects.values().stream().filter(p -> wids.contains(p.workspaceId))
                    .map(data::project).toList());
            me.put("clients", data.clients.values().stream().filter(c -> wids.contains(c.workspaceId))
                    .map(data::client).toList());
            me.put("tags", data.tags.values().stream().filter(t -> wids.contains(t.workspaceId))
                    .map(data::tag).toList());
            me.put("time_entries", data.entries.values().stream()
                    .filter(e -> e.userId == uid && e.deletedAt == null && !e.start.isBefore(lookbackStart()))
                    .map(e -> data.entry(e, false, true, false)).toList());
            me.put("tasks", null);
        }
        return me;
    }

    private List<Map<String, Object>> organizations(User user) {
        Set<Long> orgIds = new LinkedHashSet<>();
        data.membershipsOf(user.id()).forEach(m -> orgIds.add(data.workspaces.get(m.workspaceId()).orgId));
        List<Map<String, Object>> out = new ArrayList<>();
        for (long orgId : orgIds) {
            FakeData.Org org = data.orgs.get(orgId);
            boolean owner = org.ownerId == user.id();
            boolean admin = owner;
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", org.id);
            row.put("name", org.name);
            row.put("pricing_plan_id", 0);
            row.put("created_at", FakeData.micros(data.seededAt.minus(Duration.ofDays(900))));
            row.put("at", FakeData.micros(data.seededAt.minus(Duration.ofDays(900))));
            row.put("server_deleted_at", null);
            row.put("is_multi_workspace_enabled", true);
            row.put("suspended_at", null);
            row.put("user_count", data.members.stream().filter(m -> data.workspaces.get(m.workspaceId()).orgId == orgId)
                    .map(Member::userId).distinct().count());
            row.put("max_workspaces", 20);
            row.put("permissions", null);
            row.put("admin", admin);
            row.put("owner", owner);
            row.put("pricing_plan_name", "Free");
            row.put("pricing_plan_enterprise", false);
            out.add(row);
        }
        return out;
    }

    /** About three months: the v9 list answers "start_date must not be earlier than ..." beyond that. */
    private Instant lookbackStart() {
        return LocalDate.ofInstant(now(), ZoneOffset.UTC).minusMonths(3).atStartOfDay().toInstant(ZoneOffset.UTC);
    }

    private Answer listTimeEntries(Req req) {
        String since = req.param("since");
        String before = req.param("before");
        String startDate = req.param("start_date");
        String endDate = req.param("end_date");
        if (since != null && before != null) {
            return Answer.message(400, "'since' and 'before' can not be present simultaneously");
        }
        if ((startDate == null) != (endDate == null)) {
            // The fake's wording: Toggl documents both parameters as used together.
            return Answer.message(400, "start_date and end_date must be used together");
        }
        Instant lookback = lookbackStart();
        List<Entry> found = new ArrayList<>();
        long uid = req.user().id();
        if (startDate != null) {
            Instant start = parseDateParam(startDate, "start_date");
            Instant end = parseDateParam(endDate, "end_date");
            if (start.isBefore(lookback)) {
                return Answer.message(400, "start_date must not be earlier than "
                        + LocalDate.ofInstant(lookback, ZoneOffset.UTC));
            }
            if (end.isBefore(start)) {
                return Answer.message(400, "end_date must not be earlier than start_date");
            }
            data.entries.values().stream().filter(e -> e.userId == uid && e.deletedAt == null
                    && !e.start.isBefore(start) && !e.start.isAfter(end)).forEach(found::add);
        } else if (since != null) {
            Instant from = Instant.ofEpochSecond(parseLong(since, "since"));
            data.entries.values().stream().filter(e -> e.userId == uid && !e.at.isBefore(from)
                    && (e.deletedAt == null || !e.deletedAt.isBefore(from))).forEach(found::add);
        } else if (before != null) {
            Instant until = parseDateParam(before, "before");
            data.entries.values().stream().filter(e -> e.userId == uid && e.deletedAt == null
                    && e.start.isBefore(until) && !e.start.isBefore(lookback)).forEach(found::add);
        } else {
            data.entries.values().stream().filter(e -> e.userId == uid && e.deletedAt == null
                    && !e.start.isBefore(lookback)).forEach(found::add);
        }
        found.sort(Comparator.comparing((Entry e) -> e.start).reversed().thenComparing(e -> -e.id));
        return Answer.json(found.stream().limit(FakeToggl.TIME_ENTRIES_CAP)
                .map(e -> data.entry(e, false, true, false)).toList());
    }

    private static Instant parseDateParam(String value, String name) {
        try {
            if (value.length() == 10) {
                return LocalDate.parse(value).atStartOfDay().toInstant(ZoneOffset.UTC);
            }
            return OffsetDateTime.parse(value, RFC_3339).toInstant();
        } catch (DateTimeParseException e) {
            throw reject(400, "Invalid " + name);
        }
    }

    private Answer workspace(Req req, Ws ws, Member member, List<String> path) {
        String method = req.method();
        String kind = path.get(0);
        switch (kind) {
            case "time_entries":
                return timeEntries(req, ws, member, path.subList(1, path.size()));
            case "projects":
                if (path.size() != 1) {
                    return notFound();
                }
                return method.equals("GET") ? listProjects(req, ws)
                        : method.equals("POST") ? createProject(req, ws, member) : Answer.empty(405);
            case "clients":
                if (path.size() != 1) {
                    return notFound();
                }
                return method.equals("GET") ? listClients(req, ws)
                        : method.equals("POST") ? createClient(req, ws) : Answer.empty(405);
            case "tags":
                if (path.size() != 1) {
                    return notFound();
                }
                return method.equals("GET") ? listTags(req, ws)
                        : method.equals("POST") ? createTag(req, ws, member) : Answer.empty(405);
            case "tasks":
                return path.size() == 1 && method.equals("GET") ? listTasks(req, ws) : Answer.empty(405);
            case "users":
                return path.size() == 1 && method.equals("GET")
                        ? Answer.json(data.membersOf(ws.id).stream().map(data::simpleUser).toList())
                        : Answer.empty(405);
            case "ical":
                return ical(req, ws, member, path.subList(1, path.size()));
            default:
                return notFound();
        }
    }

    /**
     * {@code POST ical/toggle} and {@code POST ical/reset}. The spec gives both answers only as a string; the fake
     * answers the feed's path, the credential that reads the feed without signing in (its own reading).
     */
    private Answer ical(Req req, Ws ws, Member member, List<String> path) {
        if (path.size() != 1 || !(path.get(0).equals("toggle") || path.get(0).equals("reset"))) {
            return notFound();
        }
        if (!req.method().equals("POST")) {
            return Answer.empty(405);
        }
        String key = FakeData.icalKey(ws.id, member.userId());
        if (path.get(0).equals("toggle")) {
            if (!data.icalEnabled.remove(key)) {
                data.icalEnabled.add(key);
            }
        } else {
            data.icalTokens.put(key, newToken());
        }
        return Answer.json(data.icalUrl(ws.id, member.userId()));
    }

    // Time entries

    private Answer timeEntries(Req req, Ws ws, Member member, List<String> path) {
        String method = req.method();
        if (path.isEmpty()) {
            // There is no workspace-wide listing: Toggl answers 405 to GET /workspaces/{wid}/time_entries.
            return method.equals("POST") ? createEntry(req, ws, member) : Answer.empty(405);
        }
        long id = pathId(path.get(0));
        Entry entry = data.entries.get(id);
        boolean visible = entry != null && entry.workspaceId == ws.id && entry.deletedAt == null
                && (entry.userId == req.user().id() || member.admin());
        if (path.size() == 2 && path.get(1).equals("stop")) {
            if (!method.equals("PATCH")) {
                return Answer.empty(405);
            }
            if (!visible) {
                return Answer.message(404, "Time entry not found");
            }
            if (!entry.running()) {
                return Answer.message(409, "Time entry already stopped");
            }
            Instant stop = now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
            entry.stop = stop.isBefore(entry.start) ? entry.start : stop;
            entry.duration = Duration.between(entry.start, entry.stop).toSeconds();
            entry.at = now();
            return Answer.json(data.entry(entry, true, true, false));
        }
        if (path.size() != 1) {
            return notFound();
        }
        switch (method) {
            case "PUT":
                if (!visible) {
                    return Answer.message(404, "Time entry not found");
                }
                return updateEntry(req, ws, member, entry);
            case "DELETE":
                if (!visible) {
                    return Answer.message(404, "Time entry not found");
                }
                entry.deletedAt = now();
                entry.at = now();
                return Answer.empty(200);
            default:
                return Answer.empty(405);
        }
    }

    private Answer createEntry(Req req, Ws ws, Member member) {
        Map<String, Object> body = object(req.body());
        checkNewTagsAllowed(body, ws, member);
        if (!body.containsKey("created_with")) {
            return Answer.message(400, "created_with needs to be provided an a valid string");
        }
        Long workspaceId = optLong(body, "workspace_id").or(() -> optLong(body, "wid")).orElse(null);
        if (workspaceId == null || workspaceId != ws.id) {
            // The fake's wording: Toggl requires workspace_id equal to the path id.
            return Answer.message(400, "workspace_id in the body must match the workspace in the path");
        }
        if (body.get("start") == null) {
            return Answer.message(400, "start is required for time entry creation");
        }
        Entry entry = new Entry();
        entry.id = data.newId();
        entry.workspaceId = ws.id;
        entry.userId = req.user().id();
        entry.start = time(body.get("start"), "start");
        checkYear(entry.start);
        Optional<Instant> stop = body.get("stop") == null ? Optional.empty()
                : Optional.of(time(body.get("stop"), "stop"));
        Optional<Long> duration = optLong(body, "duration");
        if (duration.isPresent() && duration.get() < 0) {
            entry.duration = duration.get();
            entry.stop = null;
            data.entries.values().stream()
                    .filter(e -> e.userId == entry.userId && e.running() && e.deletedAt == null)
                    .forEach(e -> {
                        // As the Toggl apps do: a new timer stops the one that runs.
                        e.stop = entry.start.isBefore(e.start) ? e.start : entry.start;
                        e.duration = Duration.between(e.start, e.stop).toSeconds();
                        e.at = now();
                    });
        } else if (duration.isPresent() && stop.isPresent()) {
            if (!entry.start.plusSeconds(duration.get()).equals(stop.get())) {
                // The fake's wording for the documented rule start + duration == stop.
                return Answer.message(400, "stop and duration do not match start");
            }
            entry.duration = duration.get();
            entry.stop = stop.get();
        } else if (duration.isPresent()) {
            entry.duration = duration.get();
            entry.stop = entry.start.plusSeconds(duration.get());
        } else if (stop.isPresent()) {
            if (stop.get().isBefore(entry.start)) {
                return Answer.message(400, "Stop time must be after start time");
            }
            entry.stop = stop.get();
            entry.duration = Duration.between(entry.start, entry.stop).toSeconds();
        } else {
            // Recorded quirk: neither duration nor stop saves a zero-length, stopped entry.
            entry.duration = 0;
            entry.stop = entry.start;
        }
        applyFields(body, entry, ws, member, req.user());
        entry.at = now();
        data.entries.put(entry.id, entry);
        Map<String, Object> out = data.entry(entry, true, body.containsKey("tags") || body.containsKey("tag_ids"),
                false);
        if (duration.isEmpty() && stop.isEmpty()) {
            out.put("stop", null);
        }
        return Answer.json(out);
    }

    private Answer updateEntry(Req req, Ws ws, Member member, Entry entry) {
        Map<String, Object> body = object(req.body());
        checkNewTagsAllowed(body, ws, member);
        // Checked before anything changes: a refused update leaves the entry as it was.
        Instant start = entry.start;
        if (body.get("start") != null) {
            start = time(body.get("start"), "start");
            checkYear(start);
        }
        Optional<Instant> stop = body.get("stop") == null ? Optional.empty()
                : Optional.of(time(body.get("stop"), "stop"));
        Optional<Long> duration = optLong(body, "duration");
        if (stop.isPresent()) {
            if (stop.get().isBefore(start)) {
                return Answer.message(400, "Stop time must be after start time");
            }
            // The documented rule start + duration == stop holds on update too, with the stored start when the
            // body sends none.
            if (duration.isPresent() && !start.plusSeconds(duration.get()).equals(stop.get())) {
                return Answer.message(400, "stop and duration do not match start");
            }
            entry.start = start;
            entry.stop = stop.get();
            entry.duration = Duration.between(start, stop.get()).toSeconds();
        } else if (duration.isPresent()) {
            entry.start = start;
            entry.duration = duration.get();
            entry.stop = duration.get() < 0 ? null : start.plusSeconds(duration.get());
        } else {
            entry.start = start;
            if (!entry.running()) {
                entry.stop = start.plusSeconds(entry.duration);
            }
        }
        applyFields(body, entry, ws, member, req.user());
        entry.at = now();
        return Answer.json(data.entry(entry, true, true, false));
    }

    private void applyFields(Map<String, Object> body, Entry entry, Ws ws, Member member, User user) {
        if (body.containsKey("description")) {
            Object description = body.get("description");
            if (description != null && !(description instanceof String)) {
                throw reject(400, "Invalid description");
            }
            entry.description = (String) description;
        }
        Optional<Long> project = optLong(body, "project_id").or(() -> optLong(body, "pid"));
        if (project.isPresent()) {
            Project found = data.projects.get(project.get());
            if (found == null || found.workspaceId != ws.id) {
                throw reject(400, "User cannot access the selected project");
            }
            entry.projectId = found.id;
        }
        Optional<Long> task = optLong(body, "task_id").or(() -> optLong(body, "tid"));
        if (task.isPresent()) {
            Task found = data.tasks.get(task.get());
            if (found == null || found.workspaceId != ws.id) {
                throw reject(400, "User cannot access selected task");
            }
            entry.taskId = found.id;
            entry.projectId = found.projectId;
        }
        if (body.get("billable") instanceof Boolean billable) {
            entry.billable = billable;
        }
        String tagAction = body.get("tag_action") instanceof String s ? s : null;
        if (tagAction != null && !tagAction.equals("add") && !tagAction.equals("delete")) {
            throw reject(400, "tag_action must be add or delete");
        }
        List<Long> named = new ArrayList<>();
        if (body.get("tags") instanceof List<?> names) {
            for (Object name : names) {
                String text = String.valueOf(name);
                Tag tag = data.tags.values().stream().filter(t -> t.workspaceId == ws.id && t.name.equals(text))
                        .findFirst().orElseGet(() -> {
                            Tag created = data.tag(data.newId(), ws.id, text);
                            created.creatorId = user.id();
                            created.at = now();
                            return created;
                        });
                named.add(tag.id);
            }
        }
        if (body.get("tag_ids") instanceof List<?> ids) {
            for (Object id : ids) {
                long tagId = asLong(id, "tag_ids");
                Tag tag = data.tags.get(tagId);
                if (tag == null || tag.workspaceId != ws.id) {
                    throw reject(400, "Invalid tag_ids");
                }
                named.add(tagId);
            }
        }
        if (body.containsKey("tags") || body.containsKey("tag_ids")) {
            if ("add".equals(tagAction)) {
                named.stream().filter(id -> !entry.tagIds.contains(id)).forEach(entry.tagIds::add);
            } else if ("delete".equals(tagAction)) {
                entry.tagIds.removeAll(named);
            } else {
                entry.tagIds = new ArrayList<>(new LinkedHashSet<>(named));
            }
        }
    }

    /**
     * Tag names the workspace does not know are created with the entry, which a workspace where only admins may
     * create tags refuses to anyone else, as its POST /tags does. Checked before anything changes.
     */
    private void checkNewTagsAllowed(Map<String, Object> body, Ws ws, Member member) {
        if (!ws.onlyAdminsMayCreateTags || member.admin() || !(body.get("tags") instanceof List<?> names)) {
            return;
        }
        for (Object name : names) {
            String text = String.valueOf(name);
            if (data.tags.values().stream().noneMatch(t -> t.workspaceId == ws.id && t.name.equals(text))) {
                throw reject(403, ONLY_ADMINS_TAGS);
            }
        }
    }

    private void checkYear(Instant start) {
        int year = start.atOffset(ZoneOffset.UTC).getYear();
        if (year < 2006 || year > 2030) {
            throw reject(400, "Start time year must be between 2006 and 2030");
        }
    }

    // Projects, clients, tags, tasks

    private Answer listProjects(Req req, Ws ws) {
        String active = Optional.ofNullable(req.param("active")).orElse("true");
        int page = Math.max(1, intParam(req, "page", 1));
        int perPage = Math.min(200, Math.max(1, intParam(req, "per_page", 151)));
        List<Project> matching = data.projects.values().stream().filter(p -> p.workspaceId == ws.id)
                .filter(p -> active.equals("both") || p.active == Boolean.parseBoolean(active))
                .sorted(Comparator.comparing((Project p) -> p.name.toLowerCase(Locale.ROOT)).thenComparing(p -> p.id))
                .toList();
        return Answer.json(page(matching, page, perPage).stream().map(data::project).toList());
    }

    private Answer createProject(Req req, Ws ws, Member member) {
        if (ws.onlyAdminsMayCreateProjects && !member.admin()) {
            return Answer.message(403, NO_ACCESS);
        }
        Map<String, Object> body = object(req.body());
        String name = body.get("name") instanceof String s ? s.strip() : "";
        if (name.isEmpty()) {
            // The fake's wording.
            return Answer.message(400, "Project name must not be empty");
        }
        if (data.projects.values().stream().anyMatch(p -> p.workspaceId == ws.id && p.name.equalsIgnoreCase(name))) {
            return Answer.message(400, "Name has already been taken");
        }
        Optional<Long> clientId = optLong(body, "client_id").or(() -> optLong(body, "cid"));
        if (clientId.isPresent()) {
            Client client = data.clients.get(clientId.get());
            if (client == null || client.workspaceId != ws.id) {
                return Answer.message(400, "Client with the ID " + clientId.get() + " isn't present in workspace "
                        + ws.id);
            }
        }
        Project project = data.project(data.newId(), ws.id, clientId.orElse(null), name,
                !Boolean.FALSE.equals(body.get("active")));
        // Unsaid, the workspace's settings for new projects apply.
        project.isPrivate = body.get("is_private") instanceof Boolean b ? b : ws.projectsPrivateByDefault;
        project.billable = body.get("billable") instanceof Boolean b ? b : ws.projectsBillableByDefault;
        if (body.get("color") instanceof String color) {
            project.color = color;
        }
        project.createdAt = now();
        project.at = now();
        project.unknownToPermissions = fake.newProjectsUnknownFor();
        return Answer.json(data.project(project));
    }

    private Answer listClients(Req req, Ws ws) {
        String status = Optional.ofNullable(req.param("status")).orElse("active");
        if (!Set.of("active", "archived", "both").contains(status)) {
            return Answer.message(400, "Client status is invalid");
        }
        String name = req.param("name");
        return Answer.json(data.clients.values().stream().filter(c -> c.workspaceId == ws.id)
                .filter(c -> status.equals("both") || c.archived == status.equals("archived"))
                .filter(c -> name == null || c.name.toLowerCase(Locale.ROOT).contains(name.toLowerCase(Locale.ROOT)))
                .map(data::client).toList());
    }

    private Answer createClient(Req req, Ws ws) {
        Map<String, Object> body = object(req.body());
        String name = body.get("name") instanceof String s ? s.strip() : "";
        if (name.isEmpty()) {
            return Answer.message(400, "Client name cannot be empty");
        }
        if (name.length() > FakeToggl.MAX_CLIENT_NAME) {
            return Answer.message(400, "Client name maximum length is " + FakeToggl.MAX_CLIENT_NAME);
        }
        Client client = new Client();
        client.id = data.newId();
        client.workspaceId = ws.id;
        client.name = name;
        client.notes = body.get("notes") instanceof String notes ? notes : null;
        client.creatorId = req.user().id();
        client.at = now();
        data.clients.put(client.id, client);
        return Answer.json(data.client(client));
    }

    private Answer listTags(Req req, Ws ws) {
        String search = req.param("search");
        List<Tag> matching = data.tags.values().stream().filter(t -> t.workspaceId == ws.id)
                .filter(t -> search == null || t.name.toLowerCase(Locale.ROOT).contains(search.toLowerCase(Locale.ROOT)))
                .sorted(Comparator.comparing((Tag t) -> t.name.toLowerCase(Locale.ROOT)).thenComparing(t -> t.id))
                .toList();
        if ((req.param("page") != null || req.param("per_page") != null) && !fake.tagsIgnorePaging()) {
            matching = page(matching, Math.max(1, intParam(req, "page", 1)),
                    Math.min(fake.maxPerPage(), Math.max(1, intParam(req, "per_page", 50))));
        }
        return Answer.json(matching.stream().map(data::tag).toList());
    }

    private Answer createTag(Req req, Ws ws, Member member) {
        if (ws.onlyAdminsMayCreateTags && !member.admin()) {
            return Answer.message(403, ONLY_ADMINS_TAGS);
        }
        Map<String, Object> body = object(req.body());
        String name = body.get("name") instanceof String s ? s.strip() : "";
        if (name.isEmpty()) {
            return Answer.message(400, "tag name can't be blank");
        }
        if (data.tags.values().stream().anyMatch(t -> t.workspaceId == ws.id && t.name.equals(name))) {
            return Answer.message(400, "a tag with the name '" + name + "' already exists");
        }
        Tag tag = data.tag(data.newId(), ws.id, name);
        tag.creatorId = req.user().id();
        tag.at = now();
        Map<String, Object> out = data.tag(tag);
        // The spec declares an array of tags; the switch serves a single object instead.
        return Answer.json(fake.tagCreateAnswersObject() ? out : List.of(out));
    }

    private Answer listTasks(Req req, Ws ws) {
        String pid = req.param("pid");
        // Only active tasks unless asked otherwise, as documented for the same parameter of /tasks/basic;
        // "both" lists done ones too.
        String active = Optional.ofNullable(req.param("active")).orElse("true");
        int page = Math.max(1, intParam(req, "page", 1));
        int perPage = Math.min(fake.maxPerPage(), Math.max(1, intParam(req, "per_page", 50)));
        List<Task> matching = data.tasks.values().stream().filter(t -> t.workspaceId == ws.id)
                .filter(t -> pid == null || t.projectId == parseLong(pid, "pid"))
                .filter(t -> active.equals("both") || t.active == Boolean.parseBoolean(active))
                .sorted(Comparator.comparing((Task t) -> t.name.toLowerCase(Locale.ROOT)).thenComparing(t -> t.id))
                .toList();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("data", page(matching, page, perPage).stream().map(data::task).toList());
        out.put("page", page);
        out.put("per_page", perPage);
        out.put("sort_field", "name");
        out.put("sort_order", "ASC");
        out.put("total_count", matching.size());
        return Answer.json(out);
    }

    // Reports API v3

    private Answer reports(Req req, List<String> path) {
        if (path.size() != 4 || !path.get(0).equals("workspace") || !path.get(2).equals("search")
                || !path.get(3).equals("time_entries")) {
            return notFound();
        }
        if (!req.method().equals("POST")) {
            return Answer.empty(405);
        }
        long wid;
        try {
            wid = Long.parseLong(path.get(1));
        } catch (NumberFormatException e) {
            return Answer.message(400, "Invalid workspace id");
        }
        Optional<Member> member = data.member(req.user().id(), wid);
        if (member.isEmpty()) {
            return Answer.message(403, "Workspace not found/accessible");
        }
        Map<String, Object> body = object(req.body());
        if (body.isEmpty()) {
            return Answer.message(400, "At least one parameter must be set");
        }
        String orderBy = body.get("order_by") instanceof String s ? s : "date";
        if (!REPORT_ORDER_BY.contains(orderBy)) {
            return Answer.message(400, "Invalid 'order_by' value, allowed values are: "
                    + "'date, user, duration, description, last_update'");
        }
        String orderDir = body.get("order_dir") instanceof String s ? s.toUpperCase(Locale.ROOT) : "DESC";
        if (!orderDir.equals("ASC") && !orderDir.equals("DESC")) {
            return Answer.message(400, "Invalid 'order_dir' value, allowed values are: 'ASC, DESC'");
        }
        ZoneId zone = ZoneId.of(req.user().timezone());
        LocalDate start = reportDate(body, "start_date").orElse(LocalDate.MIN);
        LocalDate end = reportDate(body, "end_date").orElse(LocalDate.MAX);
        if (!end.isAfter(start)) {
            // The fake's wording: the spec says start_date "Should be less than End date", so one day is refused.
            return Answer.message(400, "start_date must be earlier than end_date");
        }
        int pageSize = (int) optLong(body, "page_size").orElse(50L).longValue();
        if (pageSize < 1) {
            return Answer.message(400, "Invalid 'page_size' value");
        }
        long firstRow = optLong(body, "first_row_number").orElse(1L);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-Range-Start", start.equals(LocalDate.MIN) ? "" : start.toString());
        headers.put("X-Range-End", end.equals(LocalDate.MAX) ? "" : end.toString());
        if (body.get("first_id") != null && body.get("first_row_number") != null) {
            // Reported by a client library against the live API: both cursors together give an empty page.
            return withHeaders(Answer.json(List.of()), headers);
        }
        boolean admin = member.get().admin();
        long uid = req.user().id();
        Set<Long> users = idSet(body, "user_ids");
        Set<Long> projects = idSet(body, "project_ids");
        Set<Long> clients = idSet(body, "client_ids");
        Set<Long> tagIds = idSet(body, "tag_ids");
        Set<Long> taskIds = idSet(body, "task_ids");
        String description = body.get("description") instanceof String s ? s.toLowerCase(Locale.ROOT) : null;
        Boolean billable = body.get("billable") instanceof Boolean b ? b : null;
        if (billable != null && data.workspaces.get(wid).plan == 0) {
            // The spec marks the billable filter a "premium feature" and documents this 402 for the search.
            return Answer.message(402, "Workspace needs to have this feature enabled");
        }
        List<Entry> rows = data.entries.values().stream()
                .filter(e -> e.workspaceId == wid && e.deletedAt == null && !e.running())
                .filter(e -> admin || e.userId == uid)
                .filter(e -> {
                    LocalDate day = e.start.atZone(zone).toLocalDate();
                    return !day.isBefore(start) && !day.isAfter(end);
                })
                .filter(e -> users == null || users.contains(e.userId))
                .filter(e -> projects == null || projects.contains(e.projectId))
                .filter(e -> clients == null || (e.projectId != null
                        && clients.contains(data.projects.get(e.projectId).clientId)))
                .filter(e -> tagIds == null || e.tagIds.stream().anyMatch(tagIds::contains))
                .filter(e -> taskIds == null || taskIds.contains(e.taskId))
                .filter(e -> description == null || (e.description != null
                        && e.description.toLowerCase(Locale.ROOT).contains(description)))
                .filter(e -> billable == null || e.billable == billable)
                .sorted(reportOrder(orderBy, orderDir))
                .toList();
        int from = (int) Math.max(0, firstRow - 1);
        List<Map<String, Object>> page = new ArrayList<>();
        for (int i = from; i < Math.min(rows.size(), from + pageSize); i++) {
            page.add(reportRow(rows.get(i), i + 1, zone));
        }
        if (from + pageSize < rows.size()) {
            headers.put("X-Next-ID", String.valueOf(rows.get(from + pageSize).id));
            headers.put("X-Next-Row-Number", String.valueOf(from + pageSize + 1));
        }
        return withHeaders(Answer.json(page), headers);
    }

    private Comparator<Entry> reportOrder(String orderBy, String orderDir) {
        Comparator<Entry> order = switch (orderBy) {
            case "user" -> Comparator.comparing((Entry e) -> data.users.get(e.userId).fullname());
            case "duration" -> Comparator.comparingLong((Entry e) -> e.duration);
            case "description" -> Comparator.comparing((Entry e) -> e.description == null ? "" : e.description);
            case "last_update" -> Comparator.comparing((Entry e) -> e.at);
            default -> Comparator.comparing((Entry e) -> e.start);
        };
        order = order.thenComparingLong(e -> e.id);
        return orderDir.equals("DESC") ? order.reversed() : order;
    }

    private Map<String, Object> reportRow(Entry entry, int rowNumber, ZoneId zone) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("user_id", entry.userId);
        row.put("username", data.users.get(entry.userId).fullname());
        row.put("project_id", entry.projectId);
        row.put("task_id", entry.taskId);
        row.put("billable", entry.billable);
        row.put("description", entry.description);
        row.put("tag_ids", List.copyOf(entry.tagIds));
        row.put("billable_amount_in_cents", null);
        row.put("hourly_rate_in_cents", null);
        row.put("currency", "USD");
        row.put("row_number", rowNumber);
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("id", entry.id);
        item.put("seconds", entry.duration);
        item.put("start", FakeData.inZone(entry.start, zone.getId()));
        item.put("stop", FakeData.inZone(entry.stop, zone.getId()));
        item.put("at", FakeData.plusZero(entry.at.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)));
        item.put("at_tz", FakeData.inZone(entry.at.truncatedTo(java.time.temporal.ChronoUnit.SECONDS), zone.getId()));
        row.put("time_entries", List.of(item));
        return row;
    }

    private static Optional<LocalDate> reportDate(Map<String, Object> body, String key) {
        Object value = body.get(key);
        if (value == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(LocalDate.parse(String.valueOf(value)));
        } catch (DateTimeParseException e) {
            throw reject(400, "Invalid '" + key + "' value, allowed values are: 'YYYY-MM-DD'");
        }
    }

    private static Set<Long> idSet(Map<String, Object> body, String key) {
        if (!(body.get(key) instanceof List<?> list)) {
            return null;
        }
        Set<Long> ids = new LinkedHashSet<>();
        for (Object item : list) {
            ids.add(item == null ? null : asLong(item, key));
        }
        return ids;
    }

    // Webhooks API v1

    private Answer webhooks(Req req, List<String> path) {
        String method = req.method();
        if (path.size() == 1 && path.get(0).equals("status")) {
            return Answer.json(Map.of("status", "OK"));
        }
        if (path.size() == 1 && path.get(0).equals("event_filters")) {
            Map<String, Object> filters = new LinkedHashMap<>();
            for (String entity : List.of("client", "project", "project_group", "project_user", "tag", "task",
                    "time_entry", "workspace", "workspace_user")) {
                filters.put(entity, List.of("created", "updated", "deleted"));
            }
            return Answer.json(filters);
        }
        if (path.size() < 2) {
            return notFound();
        }
        long wid = pathId(path.get(1));
        if (path.get(0).equals("validate") && path.size() == 4) {
            // The validation URL works for anyone who has it: the code is the proof.
            return method.equals("GET") ? validate(wid, pathId(path.get(2)), path.get(3)) : Answer.empty(405);
        }
        Ws ws = data.workspaces.get(wid);
        Optional<Member> member = data.member(req.user().id(), wid);
        if (ws == null || member.isEmpty()) {
            return Answer.message(403, "User not found/accessible for workspace");
        }
        switch (path.get(0)) {
            case "limits":
                return Answer.json(Map.of("max_webhooks", ws.maxWebhooks(),
                        "max_events_per_webhook", ws.maxEventsPerWebhook()));
            case "ping":
                if (path.size() != 3 || !method.equals("POST")) {
                    return Answer.empty(405);
                }
                Subscription pinged = subscription(wid, pathId(path.get(2)), req.user(), member.get());
                String outcome = fake.deliverPing(pinged);
                return Answer.json(Map.of("status", outcome));
            case "subscriptions":
                if (path.size() == 2) {
                    return method.equals("GET") ? Answer.json(data.subscriptions.values().stream()
                            .filter(s -> s.workspaceId == wid && (s.userId == req.user().id() || member.get().admin()))
                            .map(s -> data.subscription(s, true)).toList())
                            : method.equals("POST") ? createSubscription(req, ws) : Answer.empty(405);
                }
                if (path.size() == 3 && method.equals("DELETE")) {
                    Subscription gone = subscription(wid, pathId(path.get(2)), req.user(), member.get());
                    data.subscriptions.remove(gone.id);
                    return Answer.json(data.subscription(gone, false));
                }
                return Answer.empty(405);
            default:
                return notFound();
        }
    }

    private Subscription subscription(long wid, long sid, User user, Member member) {
        Subscription found = data.subscriptions.get(sid);
        if (found == null || found.workspaceId != wid || (found.userId != user.id() && !member.admin())) {
            throw reject(404, "subscription " + sid + " for workspace " + wid + " was not found");
        }
        return found;
    }

    private Answer createSubscription(Req req, Ws ws) {
        Map<String, Object> body = object(req.body());
        String description = body.get("description") instanceof String s ? s.strip() : "";
        if (description.isEmpty()) {
            return Answer.message(400, "Subscription description must not be empty");
        }
        if (data.subscriptions.values().stream()
                .anyMatch(s -> s.workspaceId == ws.id && s.description.equals(description))) {
            return Answer.message(400, "Subscription description '" + description + "' is already in use for "
                    + "workspace " + ws.id);
        }
        List<Map<String, Object>> filters = new ArrayList<>();
        if (body.get("event_filters") instanceof List<?> list) {
            for (Object item : list) {
                if (item instanceof Map<?, ?> map) {
                    Map<String, Object> filter = new LinkedHashMap<>();
                    filter.put("entity", map.get("entity") == null ? "" : String.valueOf(map.get("entity")));
                    filter.put("action", map.get("action") == null ? "" : String.valueOf(map.get("action")));
                    filters.add(filter);
                }
            }
        }
        if (filters.isEmpty()) {
            return Answer.message(400, "The list of event filters must not be empty");
        }
        if (filters.size() > ws.maxEventsPerWebhook()) {
            return Answer.message(400, "The limit of " + ws.maxEventsPerWebhook() + " event filters for your "
                    + "subscription has been exceeded as you're trying to set " + filters.size() + " filters");
        }
        Set<Map<String, Object>> seen = new LinkedHashSet<>();
        for (Map<String, Object> filter : filters) {
            String entity = (String) filter.get("entity");
            String action = (String) filter.get("action");
            if (!seen.add(filter)) {
                return Answer.message(400, "The following event filter appears more than once for your "
                        + "subscription: {" + entity + " " + action + "}");
            }
            if (entity.isEmpty()) {
                return Answer.message(400, "The entity field for each subscription event filter must be non-empty");
            }
            if (!FILTER_NAME.matcher(entity).matches()) {
                return Answer.message(400, "The value '" + entity + "' for the filter entity can only contain "
                        + "letters, numbers and '_' or be '*' to match all entities");
            }
            if (action.isEmpty()) {
                return Answer.message(400, "The action field for each subscription event filter must be non-empty");
            }
            if (!FILTER_NAME.matcher(action).matches()) {
                return Answer.message(400, "The value '" + action + "' for the filter action can only contain "
                        + "letters, numbers and '_' or be '*' to match all actions");
            }
            if (!FILTER_ACTIONS.contains(action)) {
                return Answer.message(400, "Invalid value '" + action + "' for event filter action");
            }
        }
        boolean enabled = !Boolean.FALSE.equals(body.get("enabled"));
        long uid = req.user().id();
        long enabledCount = data.subscriptions.values().stream()
                .filter(s -> s.workspaceId == ws.id && s.userId == uid && s.enabled).count();
        if (enabled && enabledCount >= ws.maxWebhooks()) {
            return Answer.message(400, "User " + uid + " already reached the limit of " + ws.maxWebhooks()
                    + " enabled subscriptions for workspace " + ws.id);
        }
        String url = body.get("url_callback") instanceof String s ? s : "";
        Subscription subscription = new Subscription();
        subscription.id = data.newSubscriptionId();
        subscription.workspaceId = ws.id;
        subscription.userId = uid;
        subscription.description = description;
        subscription.urlCallback = url;
        subscription.eventFilters = filters;
        subscription.enabled = enabled;
        subscription.secret = body.get("secret") instanceof String s && !s.isEmpty() ? s : newToken().substring(0, 20);
        subscription.validationCode = newToken();
        subscription.createdAt = now();
        subscription.updatedAt = now();
        Optional<String> failure = fake.probe(subscription);
        if (failure.isPresent()) {
            return Answer.message(400, failure.get());
        }
        data.subscriptions.put(subscription.id, subscription);
        // The documented create answer does not show the secret; list answers carry it.
        return Answer.json(data.subscription(subscription, false));
    }

    private Answer validate(long wid, long sid, String code) {
        Subscription found = data.subscriptions.get(sid);
        if (found == null || found.workspaceId != wid || !found.validationCode.equals(code)) {
            return Answer.message(400, "subscription " + sid + " for workspace " + wid + " and validation code '"
                    + code + "' was not found");
        }
        if (found.validatedAt != null) {
            return Answer.message(400, "subscription " + sid + " has already been validated");
        }
        found.validatedAt = now();
        return Answer.json("OK");
    }

    // Helpers

    private static Answer withHeaders(Answer answer, Map<String, String> headers) {
        Answer result = answer;
        for (Map.Entry<String, String> header : headers.entrySet()) {
            result = result.withHeader(header.getKey(), header.getValue());
        }
        return result;
    }

    private static <T> List<T> page(List<T> items, int page, int perPage) {
        int from = (page - 1) * perPage;
        return from >= items.size() ? List.of() : items.subList(from, Math.min(items.size(), from + perPage));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(String body) {
        try {
            Object parsed = body.isBlank() ? null : Answer.JSON.fromJson(body);
            if (parsed instanceof Map<?, ?> map) {
                return (Map<String, Object>) map;
            }
        } catch (IOException | RuntimeException e) {
            throw reject(400, "Invalid JSON input");
        }
        throw reject(400, "Invalid JSON input");
    }

    private static Optional<Long> optLong(Map<String, Object> body, String key) {
        Object value = body.get(key);
        return value == null ? Optional.empty() : Optional.of(asLong(value, key));
    }

    private static long asLong(Object value, String key) {
        if (value instanceof Number number && number.doubleValue() == Math.rint(number.doubleValue())) {
            return number.longValue();
        }
        throw reject(400, "Invalid " + key);
    }

    private static Instant time(Object value, String key) {
        try {
            return OffsetDateTime.parse(String.valueOf(value), RFC_3339).toInstant();
        } catch (DateTimeParseException e) {
            throw reject(400, "Invalid " + key + " date");
        }
    }

    private static long pathId(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new Rejection(notFound());
        }
    }

    private static long parseLong(String text, String name) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw reject(400, "Invalid " + name);
        }
    }

    private static int intParam(Req req, String name, int fallback) {
        String value = req.param(name);
        return value == null ? fallback : (int) parseLong(value, name);
    }

    static String newToken() {
        byte[] bytes = new byte[16];
        new java.security.SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
