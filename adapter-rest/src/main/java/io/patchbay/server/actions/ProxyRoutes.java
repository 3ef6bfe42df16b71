package io.patchbay.server.actions;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.patchbay.server.ServerConfig;
import io.patchbay.server.access.Authenticator;
import io.patchbay.server.access.Caller;
import io.patchbay.server.access.Scope;
import io.patchbay.server.http.ApiException;
import io.patchbay.server.http.Problems;
import io.patchbay.server.http.RouteGroup;
import io.patchbay.spi.FieldError;
import io.patchbay.spi.ProxyTarget;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import okhttp3.ConnectionPool;
import okhttp3.Headers;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.BufferedSource;

/**
 * {@code /v1/accounts/{id}/proxy/<path>}: passes a request to the account's provider with the account's credentials
 * added, and the answer back. Only below the connector's own base URL: absolute URLs, other hosts, dot segments and
 * encoded slashes are refused. The caller's auth and hop-by-hop headers are not forwarded; provider cookies, the
 * headers the connector names and hop-by-hop headers are not passed back; secret values in the answer are masked.
 */
public final class ProxyRoutes implements RouteGroup {
    static final String PATH = "/v1/accounts/{account_id}/proxy/<path>";
    private static final java.util.regex.Pattern SCHEME = java.util.regex.Pattern.compile("[a-z][a-z0-9+.-]*:");
    /** Methods OkHttp sends only with a body (an empty one when the caller sent none). */
    private static final Set<String> BODY_METHODS = Set.of("POST", "PUT", "PATCH");
    static final List<HandlerType> METHODS = List.of(HandlerType.GET, HandlerType.POST, HandlerType.PUT,
            HandlerType.PATCH, HandlerType.DELETE);
    /** Answers larger than this are refused rather than held in memory. */
    static final int MAX_RESPONSE_BYTES = 32 * 1024 * 1024;
    /** Secrets shorter than this are not masked in answers: masking "abc" everywhere would garble any answer. */
    static final int MIN_MASKED_SECRET = 8;
    static final String MASK = "[REDACTED]";

    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "te", "trailer", "trailers", "transfer-encoding", "upgrade");
    /** Request headers that describe the caller's connection to us, or its credentials for us. */
    private static final Set<String> NOT_FORWARDED = Set.of("host", "content-length", "expect", "authorization",
            "cookie", "accept-encoding", "forwarded", "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto",
            Authenticator.OWNER_HEADER.toLowerCase(Locale.ROOT), Authenticator.TEAM_HEADER.toLowerCase(Locale.ROOT));
    /** Response headers that are ours to set, or could hand the caller a provider session. */
    private static final Set<String> NOT_RETURNED = Set.of("content-length", "set-cookie", "set-cookie2",
            "www-authenticate", "date", "server", "content-encoding");

    private final Authenticator auth;
    private final ProxyTargets targets;
    private volatile OkHttpClient client;
    private final ServerConfig config;
    private final MeterRegistry meters;

    @Inject
    ProxyRoutes(Authenticator auth, ProxyTargets targets, ServerConfig config, MeterRegistry meters) {
        this.auth = auth;
        this.targets = targets;
        this.config = config;
        this.meters = meters;
    }

    /** Made on the first proxy call: building it loads TLS, which start-up does not need. */
    private OkHttpClient client() {
        OkHttpClient current = client;
        if (current == null) {
            synchronized (this) {
                current = client;
                if (current == null) {
                    // Redirects are the provider's answer to pass back, not to follow with the credentials.
                    current = new OkHttpClient.Builder()
                            .connectTimeout(config.connectTimeout())
                            .callTimeout(config.callTimeout())
                            .followRedirects(false)
                            .followSslRedirects(false)
                            .connectionPool(new ConnectionPool(64, 5, TimeUnit.MINUTES))
                            .build();
                    client = current;
                }
            }
        }
        return current;
    }

    @Override
    public void register(RoutesConfig routes) {
        for (HandlerType method : METHODS) {
            routes.addHttpHandler(method, PATH, this::proxy);
        }
    }

    private void proxy(Context ctx) {
        Caller.Key caller = auth.key(ctx, Scope.PROXY_INVOKE);
        String accountId = ctx.pathParam("account_id");
        String relative = relativePath(ctx, accountId);
        ProxyTargets.Resolved resolved = targets.resolve(caller.viewer(), accountId);
        ProxyTarget target = resolved.target();
        URI uri = target(target.baseUrl(), relative, ctx.req().getQueryString());

        Request.Builder request = new Request.Builder().url(uri.toString());
        Set<String> injected = target.headers().keySet().stream().map(h -> h.toLowerCase(Locale.ROOT))
                .collect(Collectors.toSet());
        Set<String> connectionListed = listedInConnection(ctx);
        for (String name : Collections.list(ctx.req().getHeaderNames())) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (HOP_BY_HOP.contains(lower) || NOT_FORWARDED.contains(lower) || injected.contains(lower)
                    || connectionListed.contains(lower)) {
                continue;
            }
            for (String value : Collections.list(ctx.req().getHeaders(name))) {
                request.addHeader(name, value);
            }
        }
        target.headers().forEach(request::header);
        byte[] body = ctx.bodyAsBytes();
        String method = ctx.method().name();
        String contentType = ctx.req().getContentType();
        RequestBody requestBody = body.length == 0 && !BODY_METHODS.contains(method) ? null
                : RequestBody.create(body, contentType == null ? null : MediaType.parse(contentType));
        request.method(method, requestBody);

        long started = System.nanoTime();
        int status;
        Headers headers;
        byte[] answer;
        try (Response response = client().newCall(request.build()).execute()) {
            status = response.code();
            headers = response.headers();
            answer = read(response.body());
        } catch (InterruptedIOException e) {
            throw upstreamFailure(504, "provider_timeout", "The provider did not answer within "
                    + config.callTimeout().toSeconds() + " s");
        } catch (ConnectException e) {
            throw upstreamFailure(502, "provider_unreachable", "The provider at " + target.baseUrl().getHost()
                    + " cannot be reached");
        } catch (IOException e) {
            throw upstreamFailure(502, "provider_unavailable", "The connection to the provider failed");
        }
        Timer.builder("patchbay.proxy.upstream").tag("connector", resolved.account().connectorId())
                .tag("status", (status / 100) + "xx")
                .register(meters).record(System.nanoTime() - started, TimeUnit.NANOSECONDS);

        List<byte[]> secrets = resolved.secrets();
        for (int i = 0; i < headers.size(); i++) {
            String name = headers.name(i);
            String lower = name.toLowerCase(Locale.ROOT);
            if (!NOT_RETURNED.contains(lower) && !HOP_BY_HOP.contains(lower)
                    && !target.strippedResponseHeaders().contains(lower)) {
                ctx.res().addHeader(name, mask(headers.value(i), secrets));
            }
        }
        ctx.attribute(Problems.PASSTHROUGH, true);
        ctx.status(status);
        ctx.result(Masking.mask(answer, secrets));
    }

    /** The part of the raw (still percent-encoded) request path after {@code /proxy/}. */
    private static String relativePath(Context ctx, String accountId) {
        String raw = ctx.req().getRequestURI();
        String prefix = "/v1/accounts/" + accountId + "/proxy/";
        if (!raw.startsWith(prefix)) {
            throw badPath("The account id must not be percent-encoded");
        }
        return checkRelative(raw.substring(prefix.length()));
    }

    /** Refuses anything but a plain relative path: the proxy never leaves the connector's base URL. */
    static String checkRelative(String relative) {
        String lower = relative.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http:") || lower.startsWith("https:") || relative.startsWith("/")
                || SCHEME.matcher(lower).lookingAt()) {
            throw badPath("The proxy path is relative to the connector's base URL; absolute URLs are refused");
        }
        if (relative.contains("\\") || lower.contains("%2f") || lower.contains("%5c") || lower.contains("%00")
                || relative.contains("//")) {
            throw badPath("The proxy path must not contain encoded slashes, backslashes, NUL or empty segments");
        }
        for (String segment : relative.split("/", -1)) {
            String decoded;
            try {
                decoded = URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw badPath("The proxy path has a malformed percent-encoding");
            }
            if (decoded.equals(".") || decoded.equals("..")) {
                throw badPath("The proxy path must not contain '.' or '..' segments");
            }
            if (decoded.chars().anyMatch(Character::isISOControl)) {
                throw badPath("The proxy path must not contain control characters");
            }
        }
        return relative;
    }

    /** The upstream URL; checked again after parsing so nothing can leave the base URL. */
    static URI target(URI base, String relative, String rawQuery) {
        String baseText = base.toString();
        String joined = (baseText.endsWith("/") ? baseText : baseText + "/") + relative
                + (rawQuery == null ? "" : "?" + rawQuery);
        URI uri;
        try {
            uri = new URI(joined);
        } catch (URISyntaxException e) {
            throw badPath("The proxy path or query is not a valid URL part: " + e.getReason());
        }
        String basePath = base.getRawPath() == null || base.getRawPath().isEmpty() ? "/" : base.getRawPath();
        String normalized = uri.normalize().getRawPath();
        if (!uri.getScheme().equals(base.getScheme()) || !uri.getHost().equalsIgnoreCase(base.getHost())
                || uri.getPort() != base.getPort() || uri.getRawUserInfo() != null || normalized == null
                || !(normalized + "/").startsWith(basePath.endsWith("/") ? basePath : basePath + "/")) {
            throw badPath("The proxy path leaves the connector's base URL");
        }
        return uri;
    }

    private static Set<String> listedInConnection(Context ctx) {
        String connection = ctx.header("Connection");
        if (connection == null) {
            return Set.of();
        }
        Set<String> names = new TreeSet<>();
        for (String name : connection.split(",")) {
            names.add(name.strip().toLowerCase(Locale.ROOT));
        }
        return names;
    }

    private static byte[] read(ResponseBody body) throws IOException {
        BufferedSource source = body.source();
        if (!source.request(MAX_RESPONSE_BYTES + 1L)) {
            return source.readByteArray();
        }
        throw upstreamFailure(502, "provider_response_too_large", "The provider's answer is larger than "
                + MAX_RESPONSE_BYTES / (1024 * 1024) + " MiB, the most the proxy passes on");
    }

    private static String mask(String value, List<byte[]> secrets) {
        return new String(Masking.mask(value.getBytes(StandardCharsets.UTF_8), secrets), StandardCharsets.UTF_8);
    }

    private static ApiException badPath(String detail) {
        return ApiException.invalidRequest(List.of(new FieldError("path", "invalid_proxy_path",
                detail)));
    }

    private static ApiException upstreamFailure(int status, String code, String detail) {
        return new ApiException(status, code, "Provider unavailable", detail, List.of(), Map.of(),
                Map.of("Retry-After", "30"));
    }
}
