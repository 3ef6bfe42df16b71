package io.patchbay.connector.oneflow;

import com.squareup.moshi.Json;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

/**
 * Oneflow's JSON shapes, only the attributes the connector reads. Records are public because Moshi binds public
 * records only; unknown attributes are ignored. Ids are boxed: a missing id reads as null, not 0.
 */
final class Dto {
    private Dto() {
    }

    /** The list envelope: {@code {_links, count, data}}. {@code count} counts all matches, not this page. */
    public record Page<T>(@Json(name = "_links") Map<String, Link> links, Integer count, List<T> data) {
        List<T> items() {
            return data == null ? List.of() : data;
        }
    }

    public record Link(String href) {
    }

    /** The shared error body; {@code parameter_problems} maps a JSON path to a list of sentences. */
    public record ErrorBody(@Json(name = "error_code") Long errorCode, String detail,
                            @Json(name = "parameter_problems") Map<String, Object> parameterProblems,
                            @Json(name = "request_id") String requestId, Integer status, String title) {
    }

    public record Account(Long id, String name, @Json(name = "country_code") String countryCode) {
    }

    public record User(Long id, String email, String name, String title, Boolean active,
                       @Json(name = "is_admin") Boolean isAdmin, String state) {
    }

    public record Workspace(Long id, String name, String description, @Json(name = "company_name") String companyName,
                            @Json(name = "country_code") String countryCode,
                            @Json(name = "_permissions") Map<String, Boolean> permissions,
                            @Json(name = "created_time") OffsetDateTime createdTime,
                            @Json(name = "updated_time") OffsetDateTime updatedTime) {
    }

    public record Tag(Long id, String name) {
    }

    public record TemplateType(Long id, String name, @Json(name = "extension_type") String extensionType) {
    }

    public record Template(Long id, String name, @Json(name = "template_active") Boolean active,
                           @Json(name = "template_type") TemplateType templateType, List<Tag> tags,
                           @Json(name = "created_time") OffsetDateTime createdTime,
                           @Json(name = "updated_time") OffsetDateTime updatedTime) {
    }

    /** A contract. Its name sits in {@code _private.name}, its template in {@code _private_ownerside}. */
    public record Contract(Long id, String state,
                           @Json(name = "_private") ContractPrivate privateData,
                           @Json(name = "_private_ownerside") ContractOwnerside ownerside,
                           @Json(name = "published_time") OffsetDateTime publishedTime,
                           @Json(name = "state_updated_time") OffsetDateTime stateUpdatedTime,
                           @Json(name = "updated_time") OffsetDateTime updatedTime,
                           @Json(name = "signing_period_expiry_time") OffsetDateTime signingPeriodExpiryTime,
                           List<Tag> tags, List<Map<String, Object>> parties,
                           @Json(name = "lifecycle_state") Map<String, Object> lifecycleState) {
    }

    public record ContractPrivate(String name, @Json(name = "workspace_id") Long workspaceId,
                                  Map<String, Object> value) {
    }

    public record ContractOwnerside(@Json(name = "created_time") OffsetDateTime createdTime,
                                    @Json(name = "template_id") Long templateId,
                                    @Json(name = "template_type_id") Long templateTypeId) {
    }

    /** {@code custom_id} sits in {@code _private_ownerside}, not at the root. */
    public record DataField(Long id, String name, String value, String description, String placeholder,
                            @Json(name = "_private_ownerside") DataFieldOwnerside ownerside) {
    }

    public record DataFieldOwnerside(@Json(name = "custom_id") String customId) {
    }

    public record Event(Long id, String type, @Json(name = "created_time") OffsetDateTime createdTime,
                        Map<String, Object> actor, Map<String, Object> data) {
    }

    public record File(Long id, String name, String extension, String type) {
    }
}
