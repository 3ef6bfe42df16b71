package io.patchbay.server.http;

import io.patchbay.spi.FieldError;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A refusal decided by the HTTP layer itself (authentication, request shape, preconditions), answered as
 * problem+json. Messages never contain submitted values.
 */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String code;
    private final String title;
    private final List<FieldError> errors;
    private final Map<String, Object> extensions;
    private final Map<String, String> headers;

    public ApiException(int status, String code, String title, String detail) {
        this(status, code, title, detail, List.of(), Map.of(), Map.of());
    }

    public ApiException(int status, String code, String title, String detail, List<FieldError> errors,
                        Map<String, Object> extensions, Map<String, String> headers) {
        super(Objects.requireNonNull(detail, "detail"), null, false, false);
        this.status = status;
        this.code = Objects.requireNonNull(code, "code");
        this.title = Objects.requireNonNull(title, "title");
        this.errors = List.copyOf(errors);
        this.extensions = new LinkedHashMap<>(extensions);
        this.headers = Map.copyOf(headers);
    }

    /** 400 for a request whose shape is wrong: a missing, unknown or mistyped field. */
    public static ApiException invalidRequest(List<FieldError> errors) {
        return new ApiException(400, "invalid_request", "Invalid request",
                "The request has " + errors.size() + " problem(s): "
                        + errors.stream().map(e -> e.field() + " (" + e.code() + ")").toList(),
                errors, Map.of(), Map.of());
    }

    /** 422 for well-formed values that are not acceptable. */
    public static ApiException invalidInput(List<FieldError> errors) {
        return new ApiException(422, "invalid_input", "Invalid input",
                "Invalid input: " + errors.stream().map(e -> e.field() + " (" + e.code() + ")").toList(),
                errors, Map.of(), Map.of());
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String title() {
        return title;
    }

    public List<FieldError> errors() {
        return errors;
    }

    public Map<String, Object> extensions() {
        return extensions;
    }

    public Map<String, String> headers() {
        return headers;
    }
}
