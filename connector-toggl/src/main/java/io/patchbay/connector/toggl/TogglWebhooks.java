package io.patchbay.connector.toggl;

import io.patchbay.connector.toggl.TogglFailures.Op;
import io.patchbay.spi.Credentials;
import io.patchbay.spi.FieldError;
import io.patchbay.spi.InputRejected;
import io.patchbay.spi.ProviderRejected;
import io.patchbay.spi.ProviderUnavailable;
import io.patchbay.spi.WebhookSubscriptions.Subscription;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Toggl Webhooks API v1: subscriptions per workspace, the endpoint validation, and the signature check of
 * deliveries ({@code X-Webhook-Signature-256: sha256=<hex HMAC-SHA256 of the raw body, keyed by the secret>}).
 *
 * <p>Events are named {@code entity.action} (e.g. {@code time_entry.created}); {@code entity} alone means every
 * action and {@code *} everything, matching Toggl's event filters.
 */
final class TogglWebhooks {
    static final String SIGNATURE_HEADER = "x-webhook-signature-256";
    private static final String SIGNATURE_PREFIX = "sha256=";
    private static final Pattern ENTITY = Pattern.compile("\\*|[A-Za-z0-9_]+");
    private static final Set<String> ACTIONS = Set.of("created", "updated", "deleted", "*");
    private static final SecureRandom RANDOM = new SecureRandom();

    private static final Op LIST = Op.read("GET /webhooks/api/v1/subscriptions/{workspace_id}");
    private static final Op CREATE = Op.write("POST /webhooks/api/v1/subscriptions/{workspace_id}");
    private static final Op DELETE = Op.write("DELETE /webhooks/api/v1/subscriptions/{workspace_id}/{subscription_id}");
    private static final Op VALIDATE = Op.write("GET /webhooks/api/v1/validate/{workspace_id}/{subscription_id}/{code}");
    private static final Op PING = Op.write("POST /webhooks/api/v1/ping/{workspace_id}/{subscription_id}");

    private final TogglHttp http;

    TogglWebhooks(TogglHttp http) {
        this.http = http;
    }

    Subscription create(Credentials credentials, String workspaceId, URI callbackUrl, List<String> events,
                        String description) {
        long workspace = id("workspace_id", workspaceId);
        List<Dto.EventFilter> filters = filters(events);
        if (description == null || description.isBlank()) {
            throw invalid("description", "blank", "description must not be blank: Toggl requires one, unique per "
                    + "workspace");
        }
        String scheme = callbackUrl.getScheme() == null ? "" : callbackUrl.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw invalid("callback_url", "scheme", "callback_url must be an http(s) URL Toggl can reach");
        }
        // Sent rather than left to Toggl: its documented create answer does not always echo the secret back.
        String secret = newSecret();
        Dto.SubscriptionWrite body = new Dto.SubscriptionWrite(callbackUrl.toString(), filters, true, description,
                secret);
        Dto.Subscription created = http.call(credentials, CREATE,
                auth -> http.api().createSubscription(auth, workspace, body));
        if (created == null || created.subscriptionId() == null) {
            throw new ProviderUnavailable("unreadable_response", "Toggl created no subscription (" + CREATE.what()
                    + ")", null);
        }
        return toSpi(created, Optional.ofNullable(created.secret()).filter(s -> !s.isBlank()).or(() -> Optional.of(secret)));
    }

    List<Subscription> list(Credentials credentials, String workspaceId) {
        long workspace = id("workspace_id", workspaceId);
        List<Dto.Subscription> found = http.call(credentials, LIST, auth -> http.api().subscriptions(auth, workspace));
        List<Subscription> subscriptions = new ArrayList<>();
        for (Dto.Subscription subscription : found == null ? List.<Dto.Subscription>of() : found) {
            subscriptions.add(toSpi(subscription, Optional.ofNullable(subscription.secret()).filter(s -> !s.isBlank())));
        }
        return List.copyOf(subscriptions);
    }

    /** Idempotent: a subscription Toggl no longer knows (404) is already gone, which is what was asked. */
    void delete(Credentials credentials, String workspaceId, String subscriptionId) {
        long workspace = id("workspace_id", workspaceId);
        long subscription = id("subscription_id", subscriptionId);
        try {
            http.send(credentials, DELETE, auth -> http.api().deleteSubscription(auth, workspace, subscription));
        } catch (ProviderRejected e) {
            if (e.status() != 404) {
                throw e;
            }
        }
    }

    void validate(Credentials credentials, long workspaceId, long subscriptionId, String code) {
        http.send(credentials, VALIDATE,
                auth -> http.api().validateSubscription(auth, workspaceId, subscriptionId, code));
    }

    String ping(Credentials credentials, long workspaceId, long subscriptionId) {
        Dto.Status status = http.call(credentials, PING,
                auth -> http.api().pingSubscription(auth, workspaceId, subscriptionId));
        return status == null || status.status() == null ? "" : status.status();
    }

    /** Whether the delivery carries a valid signature for this secret; compared in constant time. */
    static boolean verify(Map<String, String> headers, byte[] body, String secret) {
        if (headers == null || body == null || secret == null || secret.isEmpty()) {
            return false;
        }
        String signature = null;
        for (Map.Entry<String, String> header : headers.entrySet()) {
            if (header.getKey() != null && SIGNATURE_HEADER.equalsIgnoreCase(header.getKey().strip())) {
                signature = header.getValue();
            }
        }
        if (signature == null || !signature.strip().regionMatches(true, 0, SIGNATURE_PREFIX, 0,
                SIGNATURE_PREFIX.length())) {
            return false;
        }
        byte[] given;
        try {
            given = HexFormat.of().parseHex(signature.strip().substring(SIGNATURE_PREFIX.length()));
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(hmac(secret, body), given);
    }

    static byte[] hmac(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }

    /** {@code time_entry.created}, {@code project} (every action) or {@code *} (everything) as Toggl filters. */
    static List<Dto.EventFilter> filters(List<String> events) {
        if (events == null || events.isEmpty()) {
            throw invalid("events", "required", "events must name at least one event, e.g. time_entry.created or *");
        }
        List<Dto.EventFilter> filters = new ArrayList<>();
        for (String event : events) {
            String text = event == null ? "" : event.strip();
            int dot = text.indexOf('.');
            String entity = dot < 0 ? text : text.substring(0, dot);
            String action = dot < 0 ? "*" : text.substring(dot + 1);
            if (!ENTITY.matcher(entity).matches() || !ACTIONS.contains(action)) {
                throw invalid("events", "invalid_event", "events must look like entity.action with action created, "
                        + "updated, deleted or *, e.g. time_entry.created, project or *");
            }
            Dto.EventFilter filter = new Dto.EventFilter(entity, action);
            if (!filters.contains(filter)) {
                filters.add(filter);
            }
        }
        return List.copyOf(filters);
    }

    private static Subscription toSpi(Dto.Subscription subscription, Optional<String> secret) {
        List<String> events = new ArrayList<>();
        for (Dto.EventFilter filter : subscription.eventFilters() == null
                ? List.<Dto.EventFilter>of() : subscription.eventFilters()) {
            events.add(filter.entity() + "." + filter.action());
        }
        URI callback;
        try {
            callback = URI.create(subscription.urlCallback() == null ? "" : subscription.urlCallback());
        } catch (IllegalArgumentException e) {
            throw TogglFailures.unreadable(LIST, e);
        }
        return new Subscription(String.valueOf(subscription.subscriptionId()),
                String.valueOf(subscription.workspaceId()), callback, events,
                Boolean.TRUE.equals(subscription.enabled()), secret);
    }

    static long id(String field, String value) {
        if (value != null && value.matches("[0-9]{1,18}") && Long.parseLong(value) > 0) {
            return Long.parseLong(value);
        }
        throw invalid(field, "invalid_id", field + " must be a Toggl id (a positive whole number)");
    }

    private static InputRejected invalid(String field, String code, String message) {
        return new InputRejected(message, List.of(new FieldError(field, code, message)));
    }

    private static String newSecret() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
