package io.patchbay.server.access;

import com.squareup.moshi.Json;
import io.patchbay.core.access.ApiKey;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** An API key as the API shows it: the hint, never the key or its hash; {@code key} only in the creation answer. */
public record ApiKeyView(String id, @Json(name = "tenant_id") String tenantId, String name, List<String> scopes,
                         String hint, boolean active, @Json(name = "created_at") Instant createdAt,
                         @Json(name = "revoked_at") Optional<Instant> revokedAt, Optional<String> key) {

    static ApiKeyView of(ApiKey apiKey) {
        return new ApiKeyView(apiKey.id(), apiKey.tenantId(), apiKey.name(), apiKey.scopes().stream().sorted().toList(),
                apiKey.hint(), apiKey.active(), apiKey.createdAt(), apiKey.revokedAt(), Optional.empty());
    }

    static ApiKeyView created(ApiKeyService.Created created) {
        ApiKeyView view = of(created.apiKey());
        return new ApiKeyView(view.id, view.tenantId, view.name, view.scopes, view.hint, view.active, view.createdAt,
                view.revokedAt, Optional.of(created.key()));
    }

    @Override
    public String toString() {
        return "ApiKeyView[id=" + id + ", tenantId=" + tenantId + ", scopes=" + scopes + ", key=****]";
    }
}
