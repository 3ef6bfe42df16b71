package io.patchbay.server.actions;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.patchbay.core.account.AccountVault;
import io.patchbay.core.action.ActionService;
import io.patchbay.core.catalog.ConnectorCatalog;
import io.patchbay.server.ServerConfig;
import io.patchbay.server.access.Authenticator;
import io.patchbay.server.access.Caller;
import io.patchbay.server.access.Scope;
import io.patchbay.server.http.ApiException;
import io.patchbay.server.http.Problems;
import io.patchbay.server.http.RouteGroup;
import io.patchbay.spi.Credentials;
import io.patchbay.spi.ProxyTarget;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * {@code /v1/accounts/{id}/proxy/<path>}: passes a request to the account's provider with the account's credentials
 * added, and the answer back. Only below the connector's own base URL: absolute URLs, other hosts, dot segments and
 * encoded slashes are refused. The caller's auth and hop-by-hop headers are not forwarded; provider cookies, the
 * headers the connector names and hop-by-hop headers are not passed back; secret values in the answer are masked.
 */
public final class ProxyRoutes implements RouteGroup {
    static final String PATH = "/v1/accounts/{account_id}/proxy/<path>";
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
            "www-authenticate", "date", "server");

    private final Authenticator auth;
    private final ActionService actions;
    private final AccountVault vault;
    private final ConnectorCatalog catalog;
    private final HttpClient client;
    private final ServerConfig config;
    private final MeterRegistry meters;

    @Inject
    public ProxyRoutes(Authenticator auth, ActionService actions, AccountVault vault, ConnectorCatalog catalog,
                       HttpClient client, ServerConfig config, MeterRegistry meters) {
        this.auth = auth;
        this.actions = actions;
        this.vault = vault;
        this.catalog = catalog;
        this.client = client;
        this.config = config;
        this.meters = meters;
    }

    @Override
    public void register(RoutesConfig routes) {
        for (HandlerType method : METHODS) {
            routes.addHttpHandler(method, PATH, this::proxy);
        }
    }

    private void proxy(Context ctx) throws InterruptedException {
        Caller.Key caller = auth.key(ctx, Scope.PROXY_INVOKE);
        String accountId = ctx.pathParam("account_id");
        String relative = relativePath(ctx, accountId);
        ActionService.Proxy proxy = actions.proxy(caller.viewer(), accountId);
        ProxyTarget target = proxy.target();
        URI uri = target(target.baseUrl(), relative, ctx.req().getQueryString());

        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(config.callTimeout());
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
                request.header(name, value);
            }
        }
        target.headers().forEach(request::header);
        byte[] body = ctx.bodyAsBytes();
        request.method(ctx.method().name(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(body));

        long started = System.nanoTime();
        HttpResponse<InputStream> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpTimeoutException e) {
            throw upstreamFailure(504, "provider_timeout", "The provider did not answer within "
                    + config.callTimeout().toSeconds() + " s");
        } catch (ConnectException e) {
            throw upstreamFailure(502, "provider_unreachable", "The provider at " + target.baseUrl().getHost()
                    + " cannot be reached");
        } catch (IOException e) {
            throw upstreamFailure(502, "provider_unavailable", "The connection to the provider failed");
        }
        byte[] answer = read(response);
        Timer.builder("patchbay.proxy.upstream").tag("connector", proxy.account().connectorId())
                .tag("status", (response.statusCode() / 100) + "xx")
                .register(meters).record(System.nanoTime() - started, TimeUnit.NANOSECONDS);

        List<byte[]> secrets = secrets(proxy);
        Set<String> stripped = new TreeSet<>(NOT_RETURNED);
        stripped.addAll(HOP_BY_HOP);
        target.strippedResponseHeaders().forEach(h -> stripped.add(h.toLowerCase(Locale.ROOT)));
        response.headers().map().forEach((name, values) -> {
            if (!stripped.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                values.forEach(v -> ctx.res().addHeader(name, mask(v, secrets)));
            }
        });
        ctx.attribute(Problems.PASSTHROUGH, true);
        ctx.status(response.statusCode());
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
                || lower.matches("^[a-z][a-z0-9+.-]*:.*")) {
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

    private static byte[] read(HttpResponse<InputStream> response) {
        try (InputStream in = response.body()) {
            byte[] bytes = in.readNBytes(MAX_RESPONSE_BYTES + 1);
            if (bytes.length > MAX_RESPONSE_BYTES) {
                throw upstreamFailure(502, "provider_response_too_large", "The provider's answer is larger than "
                        + MAX_RESPONSE_BYTES / (1024 * 1024) + " MiB, the most the proxy passes on");
            }
            return bytes;
        } catch (IOException e) {
            throw upstreamFailure(502, "provider_unavailable", "The provider's answer broke off");
        }
    }

    /** The secret values of the account's credentials, to mask should the provider echo them. */
    private List<byte[]> secrets(ActionService.Proxy proxy) {
        Credentials credentials = vault.open(proxy.account());
        Set<String> keys = catalog.get(proxy.account().connectorId()).credentialSpec()
                .secretKeys(credentials.authMethod());
        return credentials.values().entrySet().stream()
                .filter(e -> keys.contains(e.getKey()) && e.getValue().length() >= MIN_MASKED_SECRET)
                .map(e -> e.getValue().getBytes(StandardCharsets.UTF_8))
                .toList();
    }

    private static String mask(String value, List<byte[]> secrets) {
        return new String(Masking.mask(value.getBytes(StandardCharsets.UTF_8), secrets), StandardCharsets.UTF_8);
    }

    private static ApiException badPath(String detail) {
        return ApiException.invalidRequest(List.of(new io.patchbay.spi.FieldError("path", "invalid_proxy_path",
                detail)));
    }

    private static ApiException upstreamFailure(int status, String code, String detail) {
        return new ApiException(status, code, "Provider unavailable", detail, List.of(), Map.of(),
                Map.of("Retry-After", "30"));
    }
}
