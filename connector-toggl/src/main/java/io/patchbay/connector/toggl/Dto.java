package io.patchbay.connector.toggl;

import com.squareup.moshi.Json;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * Toggl's JSON shapes, only the fields the connector reads. Moshi needs public records, so they live here as public
 * nested types of a package-private holder. Every field is nullable: Toggl omits fields (e.g. {@code pid}) and
 * sends {@code null} for empty lists on some answers.
 *
 * <p>Time entries and projects carry both the v9 names and the legacy ones ({@code wid}, {@code pid}, ...);
 * clients only {@code wid}. The accessors without a suffix pick whichever is present.
 */
final class Dto {
    private Dto() {
    }

    // Deliberately no api_token field: GET /me returns the token, and it must not be kept.
    public record Me(Long id, String email, String fullname, String timezone,
                     @Json(name = "default_workspace_id") Long defaultWorkspaceId) {
    }

    public record MeWorkspace(Long id, String name, @Json(name = "organization_id") Long organizationId,
                              Boolean admin, String role, Boolean premium,
                              @Json(name = "business_ws") Boolean businessWs) {
    }

    public record TimeEntry(Long id, @Json(name = "workspace_id") Long workspaceId, Long wid,
                            @Json(name = "project_id") Long projectId, Long pid,
                            @Json(name = "task_id") Long taskId, Long tid,
                            @Json(name = "user_id") Long userId, Long uid,
                            String description, Instant start, Instant stop, Long duration, Boolean billable,
                            List<String> tags, @Json(name = "tag_ids") List<Long> tagIds, Instant at,
                            @Json(name = "server_deleted_at") Instant serverDeletedAt) {
        Long workspace() {
            return workspaceId != null ? workspaceId : wid;
        }

        Long project() {
            return projectId != null ? projectId : pid;
        }

        Long task() {
            return taskId != null ? taskId : tid;
        }

        Long user() {
            return userId != null ? userId : uid;
        }

        /** Only a negative duration means running: a create without duration and stop gives a 0-second entry. */
        boolean running() {
            return duration != null && duration < 0;
        }
    }

    public record Project(Long id, @Json(name = "workspace_id") Long workspaceId, Long wid,
                          @Json(name = "client_id") Long clientId, Long cid, String name,
                          @Json(name = "is_private") Boolean isPrivate, Boolean active, Boolean billable,
                          String color, String status, @Json(name = "created_at") Instant createdAt, Instant at) {
        Long workspace() {
            return workspaceId != null ? workspaceId : wid;
        }

        Long client() {
            return clientId != null ? clientId : cid;
        }
    }

    public record Client(Long id, Long wid, @Json(name = "workspace_id") Long workspaceId, String name,
                         Boolean archived, String notes, Instant at) {
        Long workspace() {
            return workspaceId != null ? workspaceId : wid;
        }
    }

    public record Tag(Long id, @Json(name = "workspace_id") Long workspaceId, String name, Instant at) {
    }

    /** {@code tracked_seconds} is documented as milliseconds despite its name. */
    public record Task(Long id, @Json(name = "workspace_id") Long workspaceId,
                       @Json(name = "project_id") Long projectId, String name, Boolean active,
                       @Json(name = "estimated_seconds") Long estimatedSeconds,
                       @Json(name = "tracked_seconds") Long trackedMilliseconds,
                       @Json(name = "user_id") Long userId, Instant at) {
    }

    public record TaskPage(List<Task> data, Integer page, @Json(name = "per_page") Integer perPage,
                           @Json(name = "total_count") Integer totalCount) {
    }

    public record WorkspaceUser(Long id, String email, String fullname, Boolean inactive,
                                @Json(name = "is_active") Boolean isActive, @Json(name = "is_admin") Boolean isAdmin,
                                String role) {
    }

    /** One row of a detailed report; ungrouped rows hold one time entry. Times are in the user's time zone. */
    public record ReportRow(@Json(name = "user_id") Long userId, String username,
                            @Json(name = "project_id") Long projectId, @Json(name = "task_id") Long taskId,
                            Boolean billable, String description, @Json(name = "tag_ids") List<Long> tagIds,
                            @Json(name = "time_entries") List<ReportEntry> timeEntries) {
    }

    /** {@code start} keeps Toggl's offset, the user's own zone: it says which day the entry counts in. */
    public record ReportEntry(Long id, Long seconds, OffsetDateTime start, Instant stop, Instant at) {
    }

    /**
     * The detailed-report search body. Paging sends only {@code first_row_number}: a client library reports that
     * adding {@code first_id} as well makes Toggl return an empty page.
     */
    public record ReportQuery(@Json(name = "start_date") String startDate, @Json(name = "end_date") String endDate,
                              @Json(name = "user_ids") List<Long> userIds,
                              @Json(name = "project_ids") List<Long> projectIds,
                              @Json(name = "client_ids") List<Long> clientIds,
                              @Json(name = "tag_ids") List<Long> tagIds, @Json(name = "task_ids") List<Long> taskIds,
                              String description, Boolean billable, @Json(name = "order_by") String orderBy,
                              @Json(name = "order_dir") String orderDir, @Json(name = "page_size") Integer pageSize,
                              @Json(name = "first_row_number") Long firstRowNumber) {
        ReportQuery page(String start, String end, Long firstRow) {
            return new ReportQuery(start, end, userIds, projectIds, clientIds, tagIds, taskIds, description, billable,
                    orderBy, orderDir, pageSize, firstRow);
        }
    }

    public record Subscription(@Json(name = "subscription_id") Long subscriptionId,
                               @Json(name = "workspace_id") Long workspaceId, @Json(name = "user_id") Long userId,
                               String description, @Json(name = "url_callback") String urlCallback,
                               @Json(name = "event_filters") List<EventFilter> eventFilters, Boolean enabled,
                               String secret, @Json(name = "validated_at") String validatedAt) {
        @Override
        public String toString() {
            return "Subscription[id=" + subscriptionId + ", workspace=" + workspaceId + "]";
        }
    }

    public record SubscriptionWrite(@Json(name = "url_callback") String urlCallback,
                                    @Json(name = "event_filters") List<EventFilter> eventFilters, Boolean enabled,
                                    String description, String secret) {
        @Override
        public String toString() {
            return "SubscriptionWrite[url=" + urlCallback + ", filters=" + eventFilters + "]";
        }
    }

    public record EventFilter(String entity, String action) {
    }

    public record Status(String status) {
    }
}
