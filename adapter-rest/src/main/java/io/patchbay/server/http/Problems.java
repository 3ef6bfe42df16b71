package io.patchbay.server.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.patchbay.core.HubClosedException;
import io.patchbay.core.error.ConnectorFaultException;
import io.patchbay.core.error.DuplicateAccountException;
import io.patchbay.core.error.ForbiddenException;
import io.patchbay.core.error.IdentityMismatchException;
import io.patchbay.core.error.InvalidInputException;
import io.patchbay.core.error.LinkBlockedException;
import io.patchbay.core.error.NotFoundException;
import io.patchbay.core.error.PatchbayException;
import io.patchbay.core.error.SecretUnavailableException;
import io.patchbay.core.error.StaleVersionException;
import io.patchbay.core.error.WorkspaceChoiceRequiredException;
import io.patchbay.server.http.SpiViews.FieldErrorView;
import io.patchbay.server.http.SpiViews.NoticeView;
import io.patchbay.server.http.SpiViews.WorkspaceView;
import io.patchbay.spi.ConnectorException;
import io.patchbay.spi.CredentialFormatException;
import io.patchbay.spi.FieldError;
import io.patchbay.spi.InputRejected;
import io.patchbay.spi.InsufficientPermissions;
import io.patchbay.spi.InvalidCredentials;
import io.patchbay.spi.ProviderRejected;
import io.patchbay.spi.ProviderUnavailable;
import io.patchbay.spi.RateLimited;
import io.patchbay.storage.StorageException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns every failure into an RFC 9457 {@code application/problem+json} answer with a stable {@code type} and
 * {@code code}, field errors in {@code errors}, and extra members where they help (the existing account, the
 * workspace options, when to retry). Unexpected failures are logged with their stack trace and answered with a
 * generic 500 that reveals nothing.
 */
public final class Problems {
    public static final String CONTENT_TYPE = "application/problem+json";
    public static final String TYPE_PREFIX = "urn:patchbay:problem:";
    private static final Logger LOG = LoggerFactory.getLogger(Problems.class);

    private Problems() {
    }

    /**
     * Registers the handler for every exception, and rewrites the plain-text error answers Javalin and Jetty make
     * themselves (no route, method not allowed, body too large) as problems.
     */
    public static void register(RoutesConfig routes) {
        routes.exception(Exception.class, (e, ctx) -> write(ctx, toProblem(e, ctx)));
        for (int status : new int[] {400, 404, 405, 413, 414, 415, 431, 500, 503}) {
            routes.error(status, ctx -> {
                String type = ctx.res().getContentType();
                if (type == null || !type.startsWith(CONTENT_TYPE)) {
                    write(ctx, generic(ctx, status));
                }
            });
        }
    }

    private static ApiException generic(Context ctx, int status) {
        return switch (status) {
            case 404 -> new ApiException(404, "route_not_found", "Not found", "No route " + ctx.method() + " "
                    + ctx.path());
            case 405 -> methodNotAllowed(ctx.method() + " is not allowed on " + ctx.path(),
                    ctx.res().getHeader("Allow"));
            case 413 -> bodyTooLarge();
            case 500 -> new ApiException(500, "internal_error", "Internal error",
                    "The server failed to process the request; the failure is logged");
            default -> new ApiException(status, "http_" + status, "HTTP " + status, "The request was refused with "
                    + "status " + status);
        };
    }

    /** Names the methods the route answers, when known, in the detail and in the Allow header HTTP asks for. */
    public static ApiException methodNotAllowed(String detail, String allowed) {
        if (allowed == null || allowed.isBlank()) {
            return new ApiException(405, "method_not_allowed", "Method not allowed", detail);
        }
        return new ApiException(405, "method_not_allowed", "Method not allowed", detail + "; it answers " + allowed,
                List.of(), Map.of(), Map.of("Allow", allowed));
    }

    public static ApiException bodyTooLarge() {
        return new ApiException(413, "body_too_large", "Request body too large",
                "The request body is larger than the server accepts");
    }

    public static void write(Context ctx, ApiException problem) {
        problem.headers().forEach(ctx::header);
        // As bytes: a String result would be encoded in Jetty's default ISO-8859-1, not JSON's UTF-8.
        ctx.status(problem.status()).contentType(CONTENT_TYPE)
                .result(document(problem, ctx.path()).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The problem+json document answering a request for {@code instance} (its path). A key or session token the
     * caller sent where an id goes (in the path, by mistake) is masked wherever the document repeats it: the path,
     * and the details that name the id.
     */
    public static String document(ApiException problem, String instance) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", TYPE_PREFIX + problem.code());
        body.put("title", problem.title());
        body.put("status", problem.status());
        body.put("detail", TokenMasking.mask(problem.getMessage()));
        body.put("code", problem.code());
        body.put("instance", TokenMasking.mask(instance));
        if (!problem.errors().isEmpty()) {
            body.put("errors", FieldErrorView.of(problem.errors()).stream().map(e -> new FieldErrorView(
                    TokenMasking.mask(e.field()), e.code(), TokenMasking.mask(e.message()))).toList());
        }
        body.putAll(problem.extensions());
        return Json.write(body);
    }

    static ApiException toProblem(Exception e, Context ctx) {
        return toProblem(e, ctx.header("If-Match") != null, RequestLog.where(ctx.method().name(), ctx.path()));
    }

    /**
     * @param precondition whether the request carried {@code If-Match}
     * @param where        method and path, for the log ({@link RequestLog#where})
     */
    public static ApiException toProblem(Exception e, boolean precondition, String where) {
        if (e instanceof ApiException api) {
            return api;
        }
        if (e instanceof PatchbayException core) {
            return fromCore(core, precondition, where);
        }
        if (e instanceof ConnectorException connector) {
            return fromConnector(connector);
        }
        if (e instanceof HttpResponseException http) {
            return fromJavalin(http);
        }
        if (e instanceof StorageException storage) {
            if (storage.keysetFile()) {
                // Storing any secret reads the file too, so tenants get here: the path and the reason are the log's.
                LOG.warn("Keyset file unavailable on {}: {}", where, storage.getMessage());
                return new ApiException(503, "storage_unavailable", "Keyset unavailable", "The keyset that seals "
                        + "credentials cannot be used right now (the server log says which file and why); nothing "
                        + "was changed, retry later", List.of(), Map.of(), Map.of("Retry-After", "5"));
            }
            if (storage.busy()) {
                // Load or a lock held elsewhere, not a fault: the message names the wait; a trace would bury it.
                LOG.warn("Storage busy on {}: {}", where, storage.getMessage());
            } else if (storage.getCause() == null) {
                // Storage already knows the database is down and said so once: one line per call, not a trace.
                LOG.warn("Storage unavailable on {}: {}", where, storage.getMessage());
            } else {
                LOG.error("Storage failure on {}", where, storage);
            }
            return new ApiException(503, "storage_unavailable", "Storage unavailable",
                    "The database is busy or cannot be reached right now; retry later", List.of(), Map.of(),
                    Map.of("Retry-After", "5"));
        }
        if (interrupted(e)) {
            // Only a stop interrupts request threads (once its shutdown timeout is over): expected, not a fault.
            LOG.warn("Cut off by the server stopping: {}", where);
            return new ApiException(503, "not_ready", "Stopping", "The server is stopping; retry on another instance");
        }
        LOG.error("Unexpected failure on {}", where, e);
        return new ApiException(500, "internal_error", "Internal error",
                "The server failed to process the request; the failure is logged");
    }

    /** Whether a stop cut the request off: its thread interrupted, or the hub closed under its connector call. */
    private static boolean interrupted(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InterruptedException || t instanceof HubClosedException
                    || t instanceof InterruptedIOException && !(t instanceof SocketTimeoutException)) {
                return true;
            }
        }
        return false;
    }

    private static ApiException fromCore(PatchbayException e, boolean precondition, String where) {
        if (e instanceof InvalidInputException invalid) {
            return invalidInput(e.code(), e.getMessage(), invalid.errors());
        }
        if (e instanceof NotFoundException) {
            return new ApiException(404, e.code(), "Not found", e.getMessage());
        }
        if (e instanceof ForbiddenException) {
            return new ApiException(403, e.code(), "Forbidden", e.getMessage());
        }
        if (e instanceof DuplicateAccountException duplicate) {
            return new ApiException(409, e.code(), "Already linked", e.getMessage(), List.of(),
                    duplicate.shownAccountId().<Map<String, Object>>map(id -> Map.of("existing_account_id", id))
                            .orElse(Map.of()), Map.of());
        }
        if (e instanceof StaleVersionException) {
            // With If-Match the caller asked for a precondition (412); without, another writer won a race (409).
            return new ApiException(precondition ? 412 : 409, e.code(),
                    precondition ? "Precondition failed" : "Conflict", e.getMessage());
        }
        if (e instanceof WorkspaceChoiceRequiredException choice) {
            return new ApiException(422, e.code(), "Workspace choice required", e.getMessage(),
                    List.of(new FieldError("workspace_id", "required", "Choose one of the workspaces listed in "
                            + "'workspaces'")),
                    Map.of("workspaces", WorkspaceView.of(choice.options())), Map.of());
        }
        if (e instanceof LinkBlockedException blocked) {
            return new ApiException(422, e.code(), "Link blocked", e.getMessage(), List.of(),
                    Map.of("notices", NoticeView.of(blocked.notices())), Map.of());
        }
        if (e instanceof IdentityMismatchException) {
            return new ApiException(422, e.code(), "Different provider user", e.getMessage(),
                    List.of(new FieldError("credentials", e.code(), e.getMessage())), Map.of(), Map.of());
        }
        if (e instanceof ConnectorFaultException) {
            // The core logged it with the connector's name; retrying does not help until the connector is fixed.
            return new ApiException(502, e.code(), "Connector failure", e.getMessage());
        }
        if (e instanceof SecretUnavailableException) {
            LOG.error("Secret unavailable on {}: {}", where, e.getMessage());
            return new ApiException(500, e.code(), "Secret unavailable", e.getMessage()
                    + ". The keyset does not open this account's credentials; an operator must restore the key");
        }
        LOG.error("Unmapped failure {} on {}", e.code(), where, e);
        return new ApiException(500, e.code(), "Internal error", e.getMessage());
    }

    private static ApiException fromConnector(ConnectorException e) {
        if (e instanceof InvalidCredentials invalid) {
            String field = invalid.field().map(f -> "credentials." + f).orElse("credentials");
            return new ApiException(422, e.code(), "Invalid credentials", e.getMessage(),
                    List.of(new FieldError(field, e.code(), e.getMessage())), Map.of(), Map.of());
        }
        if (e instanceof CredentialFormatException format) {
            return new ApiException(422, e.code(), "Malformed credentials", e.getMessage(),
                    format.errors().stream().map(f -> new FieldError("credentials." + f.field(), f.code(), f.message()))
                            .toList(), Map.of(), Map.of());
        }
        if (e instanceof InsufficientPermissions refused) {
            Map<String, Object> extensions = new LinkedHashMap<>();
            refused.providerStatus().ifPresent(status -> extensions.put("provider_status", status));
            extensions.put("source", "provider");
            return new ApiException(403, e.code(), "Insufficient permissions at the provider", e.getMessage(),
                    List.of(), extensions, Map.of());
        }
        if (e instanceof RateLimited limited) {
            long seconds = retryAfterSeconds(limited.retryAfter());
            // The connector's own pace refuses before the provider is asked (client_rate_limited).
            String title = e.code().equals("client_rate_limited") ? "Rate limited to the provider's pace"
                    : "Rate limited by the provider";
            return new ApiException(429, e.code(), title, e.getMessage(), List.of(),
                    Map.of("retry_after_seconds", seconds, "quota_exhausted", limited.quotaExhausted()),
                    Map.of("Retry-After", Long.toString(seconds)));
        }
        if (e instanceof ProviderUnavailable unavailable) {
            // A provider too slow is a gateway timeout, as the proxy answers it; other failures are a bad gateway.
            return new ApiException(unavailable.timedOut() ? 504 : 502, e.code(), "Provider unavailable",
                    e.getMessage(), List.of(), Map.of(), Map.of("Retry-After", "30"));
        }
        if (e instanceof InputRejected refused) {
            // The connector refused the input itself: the provider never saw it, so there is no provider status.
            return invalidInput(e.code(), e.getMessage(), refused.fieldErrors());
        }
        if (e instanceof ProviderRejected rejected) {
            return new ApiException(rejectedStatus(rejected.status()), e.code(), "Rejected by the provider",
                    e.getMessage(), rejected.fieldErrors(), Map.of("provider_status", rejected.status()), Map.of());
        }
        LOG.error("Unmapped connector failure {}", e.code(), e);
        return new ApiException(502, e.code(), "Provider failure", e.getMessage());
    }

    private static ApiException invalidInput(String code, String detail, List<FieldError> errors) {
        return new ApiException(422, code, "Invalid input", detail, errors, Map.of(), Map.of());
    }

    /**
     * The provider's verdict on the caller's request keeps its class: not found and conflict stay as they are,
     * other client errors become 422 (the input was understood but refused), provider faults 502. A 405 refuses
     * the method the connector chose, which no input of the caller's can change: 502 as well.
     */
    static int rejectedStatus(int providerStatus) {
        if (providerStatus == 404 || providerStatus == 409 || providerStatus == 410) {
            return providerStatus;
        }
        if (providerStatus >= 400 && providerStatus < 500 && providerStatus != 405) {
            return 422;
        }
        return 502;
    }

    private static ApiException fromJavalin(HttpResponseException e) {
        int status = e.getStatus();
        return switch (status) {
            case 413 -> bodyTooLarge();
            case 404 -> new ApiException(404, "route_not_found", "Not found", e.getMessage());
            case 405 -> methodNotAllowed(e.getMessage(), e.getDetails().get("availableMethods"));
            default -> new ApiException(status, "http_" + status, e.getMessage(), e.getMessage());
        };
    }

    /** A day at most: a provider's wait past that (or one overflowing a long) says nothing a caller can act on. */
    static final long MAX_RETRY_AFTER_SECONDS = 86_400;

    /** Whole seconds, rounded up, from 1 to {@link #MAX_RETRY_AFTER_SECONDS}, whatever the provider said. */
    static long retryAfterSeconds(java.time.Duration wait) {
        if (wait.getSeconds() >= MAX_RETRY_AFTER_SECONDS) {
            return MAX_RETRY_AFTER_SECONDS; // before rounding up, which would overflow at a long's maximum
        }
        long seconds = wait.isNegative() ? 0 : wait.getSeconds() + (wait.getNano() > 0 ? 1 : 0);
        return Math.max(1, Math.min(seconds, MAX_RETRY_AFTER_SECONDS));
    }
}
