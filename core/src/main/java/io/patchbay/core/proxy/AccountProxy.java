package io.patchbay.core.proxy;

import io.patchbay.core.DaemonThreads;
import io.patchbay.core.HubClosedException;
import io.patchbay.core.account.AccountVault;
import io.patchbay.core.account.LinkedAccount;
import io.patchbay.core.account.Viewer;
import io.patchbay.core.catalog.ConnectorCalls;
import io.patchbay.core.catalog.ConnectorCatalog;
import io.patchbay.core.error.InvalidInputException;
import io.patchbay.core.error.NotFoundException;
import io.patchbay.core.error.ProxyRouteBlockedException;
import io.patchbay.spi.FieldError;
import io.patchbay.spi.ProviderUnavailable;
import io.patchbay.spi.ProxyTarget;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ProtocolException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The authenticated proxy for embedders: passes a request to an account's provider with the account's credentials
 * added, and the answer back, under the same rules as the server's {@code /v1/accounts/{id}/proxy/} route
 * ({@link ProxyRules}, {@link ProxyHeaders}, {@link SecretMasking}): only below the connector's base URL, never a
 * route the connector blocks, none of the caller's own credentials or {@code Patchbay-*} headers forwarded, secret
 * values and the connector's secret JSON members masked in the answer, gzip and deflate answers decoded first.
 *
 * <p>Sent with the JDK's {@link HttpClient}, blocking the calling thread for at most the hub's call timeout: one
 * deadline covers the whole request, waiting for a free call slot, asking the connector for its target and the
 * exchange with the provider included.
 * Failures: {@link InvalidInputException} naming {@code method}, {@code path}, {@code query} or {@code headers.<name>};
 * {@link NotFoundException} for an account the viewer may not see; {@link ProxyRouteBlockedException};
 * {@link ProviderUnavailable} with the server proxy's codes ({@code provider_timeout}, {@code provider_unreachable},
 * {@code provider_response_too_large}, {@code provider_response_invalid} for an answer that is not valid HTTP/1.1,
 * ...). The provider's own error statuses are answers, passed on as they are.
 */
public final class AccountProxy implements AutoCloseable {
    /** Answers larger than this are refused rather than held in memory, as the server's proxy does. */
    public static final int MAX_RESPONSE_BYTES = 32 * 1024 * 1024;
    private static final AtomicInteger CLIENTS = new AtomicInteger();
    /** Connecting may take at most this (and never more than the call timeout), as a connector's context has it. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final String TOKEN_CHARS = "!#$%&'*+-.^_`|~";

    private final ConnectorCatalog catalog;
    private final AccountVault vault;
    private final ConnectorCalls calls;
    /** Made on first use: a hub that never proxies starts no HTTP client threads. */
    private volatile HttpClient client;
    /** The client's own threads, ours to end: JDK 17's HttpClient has no close. */
    private volatile ExecutorService clientThreads;
    private boolean closed;

    /**
     * @param calls where each request runs, as a connector call does: under the hub's deadline, the one bound on
     *              it (connecting and reading the whole answer included; the JDK's own request timeout would stop
     *              at the headers), within the hub's limit of calls at once, and interrupted, its connection
     *              closed, when the hub closes
     */
    public AccountProxy(ConnectorCatalog catalog, AccountVault vault, ConnectorCalls calls) {
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.vault = Objects.requireNonNull(vault, "vault");
        this.calls = Objects.requireNonNull(calls, "calls");
    }

    /**
     * Sends {@code request} to the provider of an account {@code viewer} may see, and returns the answer with the
     * account's secrets masked.
     *
     * @throws IllegalStateException when the hub is closed, or closes while the request waits for its provider
     * @throws CancellationException when the calling thread is interrupted (its interrupt flag stays set)
     */
    public ProxyResponse send(Viewer viewer, String accountId, ProxyRequest request) {
        Objects.requireNonNull(viewer, "viewer");
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(request, "request");
        // In the server's order: the request's own faults first, then the account, then what depends on both.
        if (!ProxyRules.METHODS.contains(request.method())) {
            throw InvalidInputException.of("method", "unsupported_proxy_method", "The proxy passes on "
                    + ProxyRules.METHODS.stream().sorted().toList() + ", not " + printable(request.method()));
        }
        if (request.path().indexOf('?') >= 0 || request.path().indexOf('#') >= 0) {
            // On the wire these end the path; here they would smuggle a query past the query's own checks.
            throw ProxyRules.badPath("The proxy path must not hold '?' or '#'; pass the query as the request's query");
        }
        if (request.path().startsWith("/") && !request.path().startsWith("//")) {
            // The server's route has it after "/proxy/"; here a leading slash is a slip worth naming as such.
            throw ProxyRules.badPath("The proxy path is relative to the connector's base URL, without a leading "
                    + "'/': '" + printable(request.path().substring(1)) + "'");
        }
        String relative = ProxyRules.checkRelative(ProxyRules.encodedPath(request.path()));
        checkHeaders(request.headers());
        ProxyRules.refuseMethodParameter(request.query().map(ProxyRules::wireForm).orElse(null),
                contentType(request.headers()), () -> new String(request.body(), StandardCharsets.ISO_8859_1));
        // Taken before the first wait: the target and the exchange share it, so a send never takes two timeouts.
        ConnectorCalls.Deadline deadline = calls.deadline();
        LinkedAccount account = vault.visible(viewer, accountId);
        OpenedTarget opened = OpenedTarget.open(catalog, vault, calls, account, deadline);
        ProxyTarget target = opened.target();
        URI uri = ProxyRules.target(target.baseUrl(), relative, request.query().map(ProxyRules::wireForm)
                .orElse(null));
        ProxyRules.refuseBlocked(target, request.method(), relative);
        // The connector's own budget of the provider's rate limit counts proxied requests too.
        target.admission().admit();
        HttpResponse<byte[]> response = exchange(account.connectorId(), opened.secrets(), uri,
                outgoing(request, target, uri), deadline);
        if (response.statusCode() < 100 || response.statusCode() > 599) {
            throw invalid(account.connectorId(), "a status outside 100-599");
        }
        return answer(request.method(), opened, uri, response);
    }

    private HttpRequest outgoing(ProxyRequest request, ProxyTarget target, URI uri) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri);
        Set<String> authHeaders = new HashSet<>();
        target.headers().keySet().forEach(name -> authHeaders.add(name.toLowerCase(Locale.ROOT)));
        Set<String> connectionListed = listedIn(request.headers());
        request.headers().forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (ProxyHeaders.forwarded(name) && !connectionListed.contains(lower) && !authHeaders.contains(lower)
                    && !lower.equals("accept-encoding")) {
                values.forEach(value -> builder.header(name, value));
            }
        });
        // Masking reads plain bytes: the caller's encodings are not ours to accept.
        builder.header("Accept-Encoding", "identity");
        target.headers().forEach(builder::header);
        boolean withBody = request.body().length > 0 || ProxyRules.BODY_METHODS.contains(request.method());
        return builder.method(request.method(), withBody ? HttpRequest.BodyPublishers.ofByteArray(request.body())
                : HttpRequest.BodyPublishers.noBody()).build();
    }

    /**
     * Sends on a thread of the hub's connector calls. The JDK's blocking {@code send} is interrupted there at the
     * deadline and on close, which closes the connection; its {@code sendAsync} would hand every answer to the
     * common pool, which on a machine of one or two cores starts a thread per answer.
     */
    private HttpResponse<byte[]> exchange(String connectorId, SecretMasking.Secrets secrets, URI uri,
                                          HttpRequest outgoing, ConnectorCalls.Deadline deadline) {
        // The request's auth headers (a Basic value made from the token, say) are masked in whatever logs them.
        return calls.call(connectorId, "proxy_request", secrets.texts(), deadline, () -> {
            try {
                return client().send(outgoing, info -> new LimitedBody(MAX_RESPONSE_BYTES));
            } catch (InterruptedException e) {
                // At the deadline or on close: the caller has had its answer already; this one is dropped.
                Thread.currentThread().interrupt();
                throw new CancellationException("The request to the provider of connector '" + connectorId
                        + "' was abandoned");
            } catch (IOException e) {
                throw failure(connectorId, uri, e);
            }
        });
    }

    private ProxyResponse answer(String method, OpenedTarget opened, URI uri, HttpResponse<byte[]> response) {
        Optional<String> encoding = Optional.ofNullable(ContentDecoding.encoding(
                response.headers().allValues("content-encoding")));
        byte[] body = response.body();
        if (encoding.isPresent()) {
            try {
                body = ContentDecoding.decode(body, 0, body.length, encoding.get(), MAX_RESPONSE_BYTES);
            } catch (IOException e) {
                throw failure(opened.account().connectorId(), uri, e);
            }
        }
        SecretMasking.Secrets secrets = opened.secrets();
        byte[] masked = SecretMasking.mask(body, secrets);
        Set<String> connectionListed = listedIn(response.headers().map());
        Map<String, List<String>> headers = new LinkedHashMap<>();
        response.headers().map().forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.startsWith(":") || ProxyHeaders.HOP_BY_HOP.contains(lower) || connectionListed.contains(lower)
                    || !ProxyHeaders.returned(lower) || opened.target().strippedResponseHeaders().contains(lower)
                    || SecretMasking.mask(name, secrets.values()) != name) {
                // A name holding a secret cannot be masked into a header worth keeping: it goes.
                return;
            }
            // A HEAD's length is the one the GET would have; any other length is the body's, known from the array.
            if (lower.equals("content-length") && !(method.equals("HEAD")
                    && ContentDecoding.isIdentity(encoding.orElse(null)))) {
                return;
            }
            headers.put(lower, secrets.values().isEmpty() ? values
                    : values.stream().map(value -> SecretMasking.mask(value, secrets.values())).toList());
        });
        return new ProxyResponse(response.statusCode(), headers, masked);
    }

    /** Names a header list holds in {@code Connection}: hop-by-hop for this message too. */
    private static Set<String> listedIn(Map<String, List<String>> headers) {
        Set<String> listed = new HashSet<>();
        headers.forEach((name, values) -> {
            if (name.equalsIgnoreCase("connection")) {
                values.forEach(value -> {
                    for (String token : value.split(",")) {
                        listed.add(token.strip().toLowerCase(Locale.ROOT));
                    }
                });
            }
        });
        return listed;
    }

    /** Refuses a header HTTP cannot carry, before anything is looked up or sent. */
    private static String contentType(Map<String, List<String>> headers) {
        return headers.entrySet().stream().filter(h -> h.getKey().equalsIgnoreCase("Content-Type"))
                .flatMap(h -> h.getValue().stream()).findFirst().orElse(null);
    }

    private static void checkHeaders(Map<String, List<String>> headers) {
        List<FieldError> errors = new ArrayList<>();
        headers.forEach((name, values) -> {
            if (!isToken(name)) {
                errors.add(new FieldError("headers", "invalid_header_name", "A header name is a token of letters, "
                        + "digits and " + TOKEN_CHARS + "; got '" + printable(name) + "'"));
                return;
            }
            if (ProxyHeaders.METHOD_OVERRIDES.contains(ProxyHeaders.canonical(name))) {
                errors.add(new FieldError("headers." + name, "method_override_refused",
                        ProxyRules.methodOverrideDetail(name)));
                return;
            }
            for (String value : values) {
                if (!isFieldValue(value)) {
                    errors.add(new FieldError("headers." + name, "invalid_header_value", "The value of header "
                            + name + " must not hold control characters (CR, LF, NUL, ...) or characters beyond "
                            + "Latin-1"));
                    return;
                }
            }
        });
        if (!errors.isEmpty()) {
            throw new InvalidInputException(errors);
        }
    }

    private static boolean isToken(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || TOKEN_CHARS.indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static boolean isFieldValue(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 && c != '\t' || c == 0x7f || c > 0xff) {
                return false;
            }
        }
        return true;
    }

    private ProviderUnavailable failure(String connectorId, URI uri, Throwable cause) {
        String provider = "The provider of connector '" + connectorId + "'";
        if (has(cause, HttpConnectTimeoutException.class) || has(cause, ConnectException.class)
                || has(cause, UnresolvedAddressException.class)) {
            return new ProviderUnavailable(ProviderUnavailable.UNREACHABLE, "The provider at " + uri.getHost()
                    + " (connector '" + connectorId + "') cannot be reached", cause);
        }
        if (has(cause, ProtocolException.class)) {
            // The JDK's words may quote the provider's bytes (a status line, a header, a secret echoed there): ours
            // never do, and its exception is not kept as the cause, where a log would print them.
            return invalid(connectorId, "a status line, header or length that cannot be read, or a 101 Switching "
                    + "Protocols nobody asked for");
        }
        if (has(cause, ContentDecoding.TooLargeException.class)) {
            return new ProviderUnavailable("provider_response_too_large", provider + " answered with more than "
                    + MAX_RESPONSE_BYTES / (1024 * 1024) + " MiB, the most the proxy passes on", null);
        }
        if (has(cause, ContentDecoding.UnsupportedException.class)) {
            return new ProviderUnavailable("provider_encoding_unsupported", cause.getMessage(), null);
        }
        if (has(cause, ContentDecoding.CorruptException.class)) {
            return new ProviderUnavailable("provider_response_corrupt", cause.getMessage(), null);
        }
        return new ProviderUnavailable(provider + ": the connection failed", cause);
    }

    /** Whether {@code failure} or one of its causes is a {@code kind}: the HTTP client wraps some failures. */
    private static boolean has(Throwable failure, Class<? extends Throwable> kind) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (kind.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /** An answer that is not valid HTTP/1.1, as the server's proxy refuses it; {@code what} in our own words. */
    private static ProviderUnavailable invalid(String connectorId, String what) {
        return new ProviderUnavailable("provider_response_invalid", "The provider of connector '" + connectorId
                + "' answered with " + what + "; the answer cannot be passed on", null);
    }

    private HttpClient client() {
        HttpClient made = client;
        if (made == null) {
            synchronized (this) {
                if (closed) {
                    throw new HubClosedException("The Patchbay hub is closed: its proxy sends no more requests");
                }
                made = client;
                if (made == null) {
                    clientThreads = Executors.newCachedThreadPool(DaemonThreads.named(
                            "patchbay-proxy-" + CLIENTS.incrementAndGet() + "-"));
                    // HTTP/1.1 as the server's proxy speaks it; redirects are answers the caller sees, not followed
                    // with the account's credentials to wherever they point.
                    made = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                            .followRedirects(HttpClient.Redirect.NEVER)
                            .connectTimeout(calls.timeout().compareTo(CONNECT_TIMEOUT) < 0 ? calls.timeout()
                                    : CONNECT_TIMEOUT)
                            .executor(clientThreads)
                            .build();
                    client = made;
                }
            }
        }
        return made;
    }

    /**
     * Lets the HTTP client's threads end: its own are stopped, and its selector thread ends by itself once the
     * client is no longer referenced (JDK 17's HttpClient has no close). Requests still in flight were abandoned
     * when the hub's calls closed; later ones get {@link HubClosedException}. The {@link io.patchbay.core.Hub} closes
     * its proxy.
     */
    @Override
    public synchronized void close() {
        closed = true;
        client = null;
        if (clientThreads != null) {
            clientThreads.shutdownNow();
            clientThreads = null;
        }
    }

    private static String printable(String value) {
        String shown = value.length() > 40 ? value.substring(0, 40) + "..." : value;
        return shown.replaceAll("[^\\x20-\\x7e]", "?");
    }

    /** Collects the answer, and stops reading one that grows past the limit. */
    private static final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final int maxBytes;
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private Flow.Subscription subscription;

        LimitedBody(int maxBytes) {
            this.maxBytes = maxBytes;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription value) {
            subscription = value;
            value.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            if (result.isDone()) {
                return;
            }
            for (ByteBuffer buffer : buffers) {
                if (bytes.size() + (long) buffer.remaining() > maxBytes) {
                    subscription.cancel();
                    result.completeExceptionally(new ContentDecoding.TooLargeException());
                    return;
                }
                byte[] chunk = new byte[buffer.remaining()];
                buffer.get(chunk);
                bytes.writeBytes(chunk);
            }
        }

        @Override
        public void onError(Throwable failure) {
            result.completeExceptionally(failure);
        }

        @Override
        public void onComplete() {
            result.complete(bytes.toByteArray());
        }
    }
}
