package io.patchbay.server.http;

import com.squareup.moshi.Json;
import io.patchbay.spi.FieldError;
import io.patchbay.spi.Notice;
import io.patchbay.spi.ProviderIdentity;
import io.patchbay.spi.Workspace;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The JSON shapes of the connector SPI's values, shared by responses and problems. */
public final class SpiViews {
    private SpiViews() {
    }

    public record NoticeView(String severity, String code, String message) {
        public static NoticeView of(Notice notice) {
            return new NoticeView(notice.severity().name().toLowerCase(Locale.ROOT), notice.code(), notice.message());
        }

        public static List<NoticeView> of(List<Notice> notices) {
            return notices.stream().map(NoticeView::of).toList();
        }
    }

    public record WorkspaceView(String id, String name, String role, boolean admin, List<NoticeView> notices) {
        public static WorkspaceView of(Workspace workspace) {
            return new WorkspaceView(workspace.id(), workspace.name(), workspace.role(), workspace.admin(),
                    NoticeView.of(workspace.notices()));
        }

        public static List<WorkspaceView> of(List<Workspace> workspaces) {
            return workspaces.stream().map(WorkspaceView::of).toList();
        }
    }

    public record IdentityView(String id, Optional<String> email, @Json(name = "display_name") String displayName,
                               @Json(name = "account_id") Optional<String> accountId, Map<String, String> attributes) {
        public static IdentityView of(ProviderIdentity identity) {
            return new IdentityView(identity.id(), identity.email(), identity.displayName(), identity.accountId(),
                    identity.attributes());
        }
    }

    public record FieldErrorView(String field, String code, String message) {
        public static List<FieldErrorView> of(List<FieldError> errors) {
            return errors.stream().map(e -> new FieldErrorView(e.field(), e.code(), e.message())).toList();
        }
    }
}
