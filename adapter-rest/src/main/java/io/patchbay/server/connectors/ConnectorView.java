package io.patchbay.server.connectors;

import com.squareup.moshi.Json;
import io.patchbay.core.catalog.ConnectorCatalog;
import io.patchbay.spi.AuthMethod;
import io.patchbay.spi.CredentialField;
import io.patchbay.spi.ConnectorInfo;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** A connector with its credential spec and setup guide: everything a connect page needs to render. */
public record ConnectorView(String id, @Json(name = "display_name") String displayName, String description,
                            String version, String homepage,
                            @Json(name = "default_auth_method") String defaultAuthMethod,
                            @Json(name = "auth_methods") List<AuthMethodView> authMethods, List<String> actions) {

    public record AuthMethodView(String id, String label, boolean recommended, List<FieldView> fields,
                                 @Json(name = "setup_guide") List<String> setupGuide,
                                 @Json(name = "permission_notes") List<String> permissionNotes) {
        static AuthMethodView of(AuthMethod method) {
            return new AuthMethodView(method.id(), method.label(), method.recommended(),
                    method.fields().stream().map(FieldView::of).toList(), method.setupGuide(), method.permissionNotes());
        }
    }

    public record FieldView(String key, String label, String help, String type, boolean required,
                            Optional<String> pattern, Optional<String> example,
                            @Json(name = "pattern_hint") Optional<String> patternHint) {
        static FieldView of(CredentialField field) {
            return new FieldView(field.key(), field.label(), field.help(), field.type().name().toLowerCase(Locale.ROOT),
                    field.required(), field.pattern(), field.example(), field.patternHint());
        }
    }

    public static ConnectorView of(ConnectorCatalog.Description connector) {
        ConnectorInfo info = connector.info();
        return new ConnectorView(info.id(), info.displayName(), info.description(), info.version(),
                info.homepage().toString(), connector.credentialSpec().defaultMethod().id(),
                connector.credentialSpec().authMethods().stream().map(AuthMethodView::of).toList(),
                connector.actions().stream().map(a -> a.name()).toList());
    }
}
