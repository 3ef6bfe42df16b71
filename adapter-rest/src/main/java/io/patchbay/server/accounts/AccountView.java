package io.patchbay.server.accounts;

import com.squareup.moshi.Json;
import io.patchbay.core.account.LinkedAccount;
import io.patchbay.server.http.SpiViews.NoticeView;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** A linked account as the API shows it: {@code secret_hint} is all that is ever shown of its credentials. */
public record AccountView(
        String id,
        @Json(name = "connector_id") String connectorId,
        @Json(name = "auth_method") String authMethod,
        String label,
        @Json(name = "owner_id") String ownerId,
        @Json(name = "team_id") Optional<String> teamId,
        String visibility,
        @Json(name = "provider_user_id") String providerUserId,
        @Json(name = "provider_email") Optional<String> providerEmail,
        @Json(name = "provider_display_name") String providerDisplayName,
        @Json(name = "provider_account_id") Optional<String> providerAccountId,
        @Json(name = "workspace_id") Optional<String> workspaceId,
        @Json(name = "workspace_name") Optional<String> workspaceName,
        @Json(name = "workspace_role") Optional<String> workspaceRole,
        String status,
        @Json(name = "status_reason") Optional<String> statusReason,
        @Json(name = "secret_hint") String secretHint,
        @Json(name = "created_at") Instant createdAt,
        @Json(name = "updated_at") Instant updatedAt,
        @Json(name = "last_verified_at") Optional<Instant> lastVerifiedAt,
        long version) {

    public static AccountView of(LinkedAccount a) {
        return new AccountView(a.id(), a.connectorId(), a.authMethod(), a.label(), a.ownerId(), a.teamId(),
                a.visibility().name().toLowerCase(Locale.ROOT), a.providerUserId(), a.providerEmail(),
                a.providerDisplayName(), a.providerAccountId(), a.workspaceId(), a.workspaceName(), a.workspaceRole(),
                a.status().name().toLowerCase(Locale.ROOT), a.statusReason(), a.secretHint(), a.createdAt(),
                a.updatedAt(), a.lastVerifiedAt(), a.version());
    }

    /** The answer to a link or a rotation: the account and what the user should still know. */
    public record Linked(AccountView account, List<NoticeView> warnings) {
    }
}
