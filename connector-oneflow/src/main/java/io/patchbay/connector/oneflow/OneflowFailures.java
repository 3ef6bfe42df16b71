package io.patchbay.connector.oneflow;

import com.squareup.moshi.Moshi;
import io.patchbay.spi.ConnectorException;
import io.patchbay.spi.FieldError;
import io.patchbay.spi.InsufficientPermissions;
import io.patchbay.spi.InvalidCredentials;
import io.patchbay.spi.ProviderRejected;
import io.patchbay.spi.ProviderUnavailable;
import io.patchbay.spi.RateLimited;
import io.patchbay.spi.SecretForms;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import okhttp3.Headers;

/**
 * Oneflow's error answers as SPI failures. Every error shares one body ({@code error_code}, {@code detail},
 * {@code parameter_problems}, ...); the 7-digit {@code error_code} starts with the HTTP status.
 */
final class OneflowFailures {
    /** Oneflow answered something that is no valid answer to the request (an unasked 101, a redirect). */
    static final String UNEXPECTED = "unexpected_response";
    static final String INVALID_TOKEN_OR_EMAIL = "Oneflow rejected the API token or the user email.";

    private OneflowFailures() {
    }

    static ConnectorException fromResponse(int status, Headers headers, String body, Moshi moshi,
                                           Duration defaultWait, Clock clock, String token) {
        Dto.ErrorBody error = parse(body, moshi);
        String detail = scrub(error == null || blank(error.detail()) ? null : error.detail().strip(), token);
        if (status == 401) {
            return new InvalidCredentials("invalid_credentials", null, detail == null ? INVALID_TOKEN_OR_EMAIL : detail);
        }
        if (status == 403) {
            return new InsufficientPermissions("insufficient_permissions", detail == null
                    ? "The Oneflow user may not do this (HTTP 403)." : detail, 403);
        }
        if (status == 402) {
            // The plan lacks the feature (publishing on the free plan): a refusal of rights, not of the input, so
            // it maps as Toggl's plan refusal does and the caller sees one code for one condition.
            return new InsufficientPermissions("plan_required", detail == null ? defaultDetail(402) : detail, 402);
        }
        if (status == 429) {
            return new RateLimited("rate_limited", detail == null
                    ? "Oneflow's rate limit was reached (HTTP 429)." : detail,
                    retryAfter(headers.get("Retry-After"), clock).orElse(defaultWait), false);
        }
        if (status >= 500) {
            return new ProviderUnavailable("provider_error", "Oneflow failed with HTTP " + status
                    + (detail == null ? "" : ": " + detail), null);
        }
        if (status < 400) {
            return new ProviderUnavailable("unexpected_response", "Oneflow answered HTTP " + status
                    + " where a result was expected", null);
        }
        Long providerCode = error == null ? null : error.errorCode();
        String message = (detail == null ? defaultDetail(status) : detail)
                + (providerCode == null ? "" : " (Oneflow error_code " + providerCode + ")");
        return new ProviderRejected(status, code(status, providerCode), message, fieldErrors(error, token));
    }

    /**
     * The public code of a refusal. Oneflow's codes ending in 0000 are generic and "may become more specific
     * later", so they (and a missing or malformed code) give {@code oneflow_http_<status>}, which does not change
     * when Oneflow refines them; a specific code, documented as stable, gives {@code oneflow_<error_code>}. The
     * provider's code is always in the message.
     */
    static String code(int status, Long providerCode) {
        boolean specific = providerCode != null && providerCode / 10_000 == status && providerCode % 10_000 != 0;
        return specific ? "oneflow_" + providerCode : "oneflow_http_" + status;
    }

    /**
     * A 1xx or 3xx final answer to an API request. OkHttp reads past interim answers (100, 102, 103) to the real one,
     * so a 1xx here is a {@code 101 Switching Protocols} nobody asked for. Oneflow's API does not redirect (only file
     * downloads do, and they follow their redirects themselves); a redirect is not followed, so the token goes nowhere
     * else, and only its target's host is named.
     */
    static ProviderUnavailable invalidAnswer(int status, Headers headers, String where, String outcome) {
        if (status < 200) {
            return new ProviderUnavailable(UNEXPECTED, "Oneflow answered with HTTP " + status
                    + (status == 101 ? " (Switching Protocols) to a request that asked for no protocol switch" : "")
                    + ", which is not a valid answer to " + where + "; something between the connector and Oneflow "
                    + "may be misbehaving" + outcome, null);
        }
        String host = null;
        String location = headers.get("Location");
        if (location != null) {
            try {
                host = java.net.URI.create(location.strip()).getHost();
            } catch (IllegalArgumentException e) {
                host = null;
            }
        }
        return new ProviderUnavailable(UNEXPECTED, "Oneflow answered with a redirect (HTTP " + status
                + (host == null ? "" : " to " + host) + "), which its API does not send (" + where + "); it was not "
                + "followed, so the token went nowhere else: check the connector's base URL and any proxy in between"
                + outcome, null);
    }

        /** Seconds or an HTTP date, as RFC 9110 allows; empty when absent or unreadable. */
    static java.util.Optional<Duration> retryAfter(String value, Clock clock) {
        if (value == null || value.isBlank()) {
            return java.util.Optional.empty();
        }
        String text = value.strip();
        try {
            return java.util.Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(text))));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration wait = Duration.between(clock.instant(), at.toInstant());
                return java.util.Optional.of(wait.isNegative() ? Duration.ZERO : wait);
            } catch (DateTimeParseException notDate) {
                return java.util.Optional.empty();
            }
        }
    }

    private static Dto.ErrorBody parse(String body, Moshi moshi) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return moshi.adapter(Dto.ErrorBody.class).lenient().fromJson(body);
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    private static List<FieldError> fieldErrors(Dto.ErrorBody error, String token) {
        if (error == null || error.parameterProblems() == null) {
            return List.of();
        }
        List<FieldError> errors = new ArrayList<>();
        for (Map.Entry<String, Object> problem : error.parameterProblems().entrySet()) {
            Object value = problem.getValue();
            List<?> sentences = value instanceof List<?> list ? list : List.of(String.valueOf(value));
            for (Object sentence : sentences) {
                errors.add(new FieldError(problem.getKey(), "rejected", scrub(String.valueOf(sentence), token)));
            }
        }
        return errors;
    }

    private static String defaultDetail(int status) {
        return switch (status) {
            case 400 -> "Oneflow rejected the request as invalid (HTTP 400).";
            case 402 -> "The Oneflow plan does not include this feature (HTTP 402).";
            case 404 -> "Oneflow found no such object, or the user may not see it (HTTP 404).";
            case 409 -> "The object is not in a state that allows this (HTTP 409).";
            default -> "Oneflow refused the request (HTTP " + status + ").";
        };
    }

    /**
     * Provider text never carries the token back to a caller, even if an error were to echo a header, in any form
     * it could be echoed in (%-encoded, JSON-escaped).
     */
    private static String scrub(String text, String token) {
        if (text == null || token == null || token.isEmpty()) {
            return text;
        }
        String result = text;
        for (String form : SecretForms.of(token)) {
            result = result.replace(form, "****");
        }
        return result;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
