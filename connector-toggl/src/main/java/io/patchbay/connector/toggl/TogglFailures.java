package io.patchbay.connector.toggl;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.Moshi;
import io.patchbay.spi.ConnectorException;
import io.patchbay.spi.InsufficientPermissions;
import io.patchbay.spi.InvalidCredentials;
import io.patchbay.spi.ProviderRejected;
import io.patchbay.spi.ProviderUnavailable;
import io.patchbay.spi.RateLimited;
import io.patchbay.spi.SecretForms;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.Headers;

/**
 * Turns Toggl's answers into the SPI's typed failures. Toggl's error bodies are usually a JSON string
 * ({@code "Time entry not found"}), sometimes empty (401), sometimes an nginx HTML page (historic 429s).
 */
final class TogglFailures {
    /** Toggl answered something that is no valid answer to the request (an unasked 101, a redirect). */
    static final String UNEXPECTED = "unexpected_response";
    /** Toggl answered, but with a body the connector cannot read (not the JSON expected, or none). */
    static final String UNREADABLE = "unreadable_response";
    static final String QUOTA_REMAINING = "X-Toggl-Quota-Remaining";
    static final String QUOTA_RESETS_IN = "X-Toggl-Quota-Resets-In";
    private static final Pattern RESETS_IN_TEXT = Pattern.compile("reset in (\\d+) seconds?");
    /** Toggl's 403 for a resource the user may not use, and for a new one its permissions do not know yet. */
    static final String NO_ACCESS = "User does not have access to this resource";
    private static final int MAX_DETAIL = 300;
    private static final JsonAdapter<String> JSON_STRING = new Moshi.Builder().build().adapter(String.class);

    private TogglFailures() {
    }

    /**
     * One HTTP exchange as the failures name it.
     *
     * @param what      a template such as {@code GET /api/v9/me}; never carries ids or codes
     * @param retryable whether the request is a read that may be sent again
     * @param identity  whether it is {@code GET /me}, the one call where a 403 can only mean bad credentials; the
     *                  other {@code /me/...} reads also answer 403 "User does not have access to this resource"
     */
    record Op(String what, boolean retryable, boolean identity) {
        static Op read(String what) {
            return new Op(what, true, false);
        }

        static Op write(String what) {
            return new Op(what, false, false);
        }

        static Op identity(String what) {
            return new Op(what, true, true);
        }
    }

    static ConnectorException fromStatus(Op op, int status, Headers headers, String body, String rejectedField,
                                         List<String> secrets, TogglSettings settings, Clock clock) {
        Optional<String> detail = detail(body, headers.get("Content-Type"), secrets);
        String says = detail.map(d -> ": Toggl says \"" + d + "\"").orElse("");
        String at = op.what() + " answered HTTP " + status;
        if (status < 200) {
            // OkHttp reads past interim answers (100, 102, 103) to the real one; what is left is a 101 Switching
            // Protocols nobody asked for, which is no answer to an API request at all.
            return new ProviderUnavailable(UNEXPECTED, "Toggl answered with HTTP " + status
                    + (status == 101 ? " (Switching Protocols) to a request that asked for no protocol switch" : "")
                    + ", which is not a valid answer to " + op.what() + "; something between the connector and "
                    + "Toggl may be misbehaving" + outcomeUnknown(op), null);
        }
        if (status >= 300 && status < 400) {
            // Toggl's API does not redirect; a redirect comes from something in between or a wrong base URL, and is
            // not followed so the credentials never travel to another address.
            String to = Optional.ofNullable(headers.get("Location")).map(TogglFailures::hostOf)
                    .map(h -> " to " + h).orElse("");
            return new ProviderUnavailable(UNEXPECTED, "Toggl answered with a redirect (HTTP " + status + to
                    + "), which its API never sends (" + op.what() + "); it was not followed, so the credentials "
                    + "went nowhere else: check the connector's base URL and any proxy in between"
                    + outcomeUnknown(op), null);
        }
        if (status == 401) {
            return new InvalidCredentials("invalid_credentials", rejectedField,
                    "Toggl did not accept the credentials (" + at + ")" + says);
        }
        if (status == 403) {
            boolean badCredentials = op.identity()
                    || detail.map(d -> d.toLowerCase(Locale.ROOT).contains("incorrect username")).orElse(false);
            if (badCredentials) {
                return new InvalidCredentials("invalid_credentials", rejectedField, rejectedMessage(rejectedField)
                        + " (" + at + ")");
            }
            return new InsufficientPermissions("forbidden",
                    "Toggl refused access (" + at + ")" + says, 403);
        }
        if (status == 402) {
            Optional<Duration> resetsIn = seconds(headers.get(QUOTA_RESETS_IN));
            // The body decides: the quota headers come with every answer, and a plan refusal ("Workspace needs to
            // have this feature enabled") that used the window's last request carries "Remaining: 0" too. Only an
            // answer with nothing to read falls back on the headers.
            boolean quota = detail.map(d -> d.toLowerCase(Locale.ROOT).contains("hourly limit"))
                    .orElseGet(() -> seconds(headers.get(QUOTA_REMAINING)).map(Duration::isZero).orElse(false));
            if (quota) {
                Duration wait = resetsIn.or(() -> detail.flatMap(TogglFailures::resetsInText))
                        .orElse(settings.rateLimitWait());
                return new RateLimited("quota_exhausted", "The Toggl API quota of this user is used up; it resets in "
                        + wait.toSeconds() + " s (" + at + ")", wait, true);
            }
            return new InsufficientPermissions("plan_required",
                    "The Toggl workspace's plan does not include this feature (" + at + ")" + says, 402);
        }
        if (status == 429) {
            Duration wait = retryAfter(headers.get("Retry-After"), clock).orElse(settings.rateLimitWait());
            return new RateLimited("rate_limited", "Toggl asks to slow down; retry in " + wait.toSeconds() + " s ("
                    + at + ")", wait, false);
        }
        if (status >= 500) {
            return new ProviderUnavailable("provider_error", "Toggl failed (" + at + ")" + says, null);
        }
        if (status == 405) {
            // The connector chose the method, not the caller: Toggl refusing it means the connector and Toggl's API
            // disagree, which no change to the input can fix.
            return new ProviderRejected(status, "provider_method_not_allowed", "Toggl refused the method the "
                    + "connector used (" + at + "): the connector and Toggl's API disagree, not the input; report it "
                    + "to the connector's maintainers" + says);
        }
        String code = switch (status) {
            case 400 -> "bad_request";
            case 404 -> "not_found";
            case 409 -> "conflict";
            case 410 -> "gone";
            default -> "rejected";
        };
        return new ProviderRejected(status, code, "Toggl rejected the request (" + at + ")" + says);
    }

    /** Whether this refusal is Toggl's plain "no access" 403, which a project too new for its permissions also gets. */
    static boolean mayBeTooNew(InsufficientPermissions e) {
        return "forbidden".equals(e.code()) && e.getMessage().toLowerCase(Locale.ROOT)
                .contains(NO_ACCESS.toLowerCase(Locale.ROOT));
    }

    /** The 403 still there after trying again: Toggl's own answer, plus what the caller can tell from it. */
    static InsufficientPermissions tooNew(InsufficientPermissions e, long projectId, boolean fresh, int attempts) {
        String sent = attempts == 1 ? "sent once" : "sent " + attempts + " times";
        String why = fresh
                ? "project " + projectId + " was created moments ago and Toggl's permissions may not know it yet ("
                        + sent + "); try again in a few seconds"
                : "if project " + projectId + " was created moments ago, Toggl's permissions may not know it yet ("
                        + sent + "): try again in a few seconds; otherwise the user may not use that project or "
                        + "workspace";
        return new InsufficientPermissions(e.code(), e.getMessage() + "; " + why, 403);
    }

    static ProviderUnavailable fromIo(Op op, IOException e) {
        if (e instanceof InterruptedIOException) {
            return timeout(op, e);
        }
        if (e instanceof ConnectException || e instanceof UnknownHostException) {
            return new ProviderUnavailable(ProviderUnavailable.UNREACHABLE,
                    "Toggl could not be reached (" + op.what() + ")", e);
        }
        return new ProviderUnavailable("provider_unavailable", "The connection to Toggl failed (" + op.what() + ": "
                + e.getClass().getSimpleName() + ")" + outcomeUnknown(op), e);
    }

    /**
     * Toggl did not answer within the call timeout, which bounds the whole call, retries included. {@code cause}
     * is null when the time was spent before the request was sent.
     */
    static ProviderUnavailable timeout(Op op, IOException cause) {
        return new ProviderUnavailable(ProviderUnavailable.TIMEOUT, "Toggl did not answer in time (" + op.what() + ")"
                + (cause == null ? "" : outcomeUnknown(op)), cause);
    }

    /** A write that got no answer is never sent again, so the caller must learn that it may have happened. */
    private static String outcomeUnknown(Op op) {
        return op.retryable() ? "" : "; Toggl may have applied it before the answer was lost, so check before "
                + "sending it again";
    }

    static ProviderUnavailable unreadable(Op op, Exception e) {
        return new ProviderUnavailable(UNREADABLE,
                "Toggl answered something the connector cannot read (" + op.what() + ")", e);
    }

    /** A success status with no body where JSON was expected: Toggl answered, so a write has probably happened. */
    static ProviderUnavailable emptyBody(Op op, RuntimeException e) {
        return new ProviderUnavailable(UNREADABLE, "Toggl answered with an empty body where a result was "
                + "expected (" + op.what() + ")" + (op.retryable() ? "" : "; Toggl has probably applied it, so check "
                + "before sending it again"), e);
    }

    private static String rejectedMessage(String field) {
        return TogglCredentials.API_TOKEN.equals(field)
                ? "Toggl rejected the API token: copy it again from Profile Settings (API Token section, \"Click to "
                        + "reveal\"); it changes whenever it is reset"
                : "Toggl rejected the email or password";
    }

    /**
     * The readable part of an error body, if any: a JSON string unquoted, plain text kept, HTML dropped; the call's
     * secrets masked before it is shortened, so none is cut into a piece the mask would not recognise.
     */
    static Optional<String> detail(String body, String contentType, List<String> secrets) {
        if (body == null || body.isBlank()) {
            return Optional.empty();
        }
        String text = body.strip();
        if (text.startsWith("<") || (contentType != null && contentType.contains("html"))) {
            return Optional.empty();
        }
        if (text.length() >= 2 && text.startsWith("\"") && text.endsWith("\"")) {
            try {
                String unquoted = JSON_STRING.fromJson(text);
                if (unquoted != null) {
                    text = unquoted.strip();
                }
            } catch (IOException | RuntimeException e) {
                text = text.substring(1, text.length() - 1);
            }
        }
        if (text.isEmpty()) {
            return Optional.empty();
        }
        text = scrub(text, secrets);
        return Optional.of(text.length() > MAX_DETAIL ? text.substring(0, MAX_DETAIL) + "…" : text);
    }

    /** Only the host of a redirect target: its path or query could carry anything. */
    private static String hostOf(String location) {
        try {
            String host = java.net.URI.create(location.strip()).getHost();
            return host == null ? null : host;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Every form of each secret: Toggl's errors may quote a password %-encoded or JSON-escaped. */
    static String scrub(String text, List<String> secrets) {
        String result = text;
        for (String secret : secrets) {
            if (!secret.isEmpty()) {
                for (String form : SecretForms.of(secret)) {
                    result = result.replace(form, "****");
                }
            }
        }
        return result;
    }

    private static Optional<Duration> seconds(String header) {
        if (header == null) {
            return Optional.empty();
        }
        try {
            long value = Long.parseLong(header.strip());
            return value < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(value));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Optional<Duration> resetsInText(String detail) {
        Matcher matcher = RESETS_IN_TEXT.matcher(detail);
        return matcher.find() ? Optional.of(Duration.ofSeconds(Long.parseLong(matcher.group(1)))) : Optional.empty();
    }

    /** {@code Retry-After} as delay-seconds or an HTTP date (RFC 9110). */
    static Optional<Duration> retryAfter(String header, Clock clock) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        Optional<Duration> seconds = seconds(header);
        if (seconds.isPresent()) {
            return seconds;
        }
        try {
            ZonedDateTime at = ZonedDateTime.parse(header.strip(), DateTimeFormatter.RFC_1123_DATE_TIME);
            Duration wait = Duration.between(clock.instant(), at.toInstant());
            return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
