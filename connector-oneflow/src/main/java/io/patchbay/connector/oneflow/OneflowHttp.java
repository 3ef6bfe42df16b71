package io.patchbay.connector.oneflow;

import com.squareup.moshi.JsonDataException;
import com.squareup.moshi.Moshi;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeExecutor;
import dev.failsafe.RetryPolicy;
import io.patchbay.connector.support.Deadline;
import io.patchbay.connector.support.EmptyBodies;
import io.patchbay.connector.support.StaleConnections;
import io.patchbay.spi.ConnectorContext;
import io.patchbay.spi.ConnectorException;
import io.patchbay.spi.ProviderUnavailable;
import io.patchbay.spi.ProxyTarget;
import io.patchbay.spi.RateLimited;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.ResponseBody;
import retrofit2.Call;
import retrofit2.Response;
import retrofit2.Retrofit;
import retrofit2.converter.moshi.MoshiConverterFactory;

/**
 * Transport to Oneflow: one OkHttp client with the host's timeouts, the auth headers from the request tag, a
 * client-side budget per token, retries of idempotent reads and the mapping of every failure to an SPI type.
 */
final class OneflowHttp implements AutoCloseable {
    private static final int MAX_TRACKED_TOKENS = 10_000;

    private final URI baseUrl;
    private final Moshi moshi;
    private final OneflowSettings settings;
    private final ConnectorContext context;
    private final FailsafeExecutor<Object> reads;
    private final RequestBudget budget;
    /** Built on the first request, not at start: building it loads TLS, IDN and Retrofit classes. */
    private volatile Transport transport;
    /** Set by {@link #close()}: a retry after it must not open the connection again. */
    private volatile boolean closed;
    /** The deadline of the connector call running on this thread, if any. */
    private final ThreadLocal<Deadline> callDeadline = new ThreadLocal<>();

    OneflowHttp(URI baseUrl, ConnectorContext context, OneflowSettings settings) {
        if (!("http".equalsIgnoreCase(baseUrl.getScheme()) || "https".equalsIgnoreCase(baseUrl.getScheme()))
                || baseUrl.getHost() == null) {
            throw new IllegalArgumentException("the Oneflow base URL must be an http(s) URL: " + baseUrl);
        }
        this.baseUrl = baseUrl;
        this.context = context;
        this.settings = settings;
        this.budget = new RequestBudget(settings.requestsPerWindow(), settings.window(), context.clock(),
                MAX_TRACKED_TOKENS);
        this.moshi = new Moshi.Builder().add(OffsetDateTime.class, new OneflowTime.Adapter().nullSafe()).build();
        Duration callTimeout = context.callTimeout();
        settings.requireFits(callTimeout);
        var retry = RetryPolicy.builder()
                // An invalid answer (an unasked 101, a redirect) would only come again.
                .handleIf(e -> e instanceof ProviderUnavailable u && !OneflowFailures.UNEXPECTED.equals(u.code()))
                .withMaxAttempts(settings.maxAttempts())
                // The call timeout bounds all attempts together: no retry once it is spent, no back-off beyond it.
                .withMaxDuration(callTimeout)
                .onRetry(e -> context.logger().log(System.Logger.Level.DEBUG,
                        "Oneflow read failed ({0}); attempt {1} of {2}",
                        e.getLastException() instanceof ConnectorException c ? c.code() : "error",
                        e.getAttemptCount() + 1, settings.maxAttempts()));
        if (settings.maxAttempts() == 1 || settings.retryDelay().isZero()) {
            // No retry, or none delayed: no delay to configure (and none to check against the call timeout).
        } else if (settings.retryDelay().compareTo(settings.retryMaxDelay()) < 0) {
            retry.withBackoff(settings.retryDelay(), settings.retryMaxDelay()).withJitter(0.25);
        } else {
            retry.withDelay(settings.retryDelay()).withJitter(0.25);
        }
        this.reads = Failsafe.with(retry.build());
    }

    URI baseUrl() {
        return baseUrl;
    }

    /**
     * Runs one connector call: its requests (a verify sends several) share one deadline, the host's call timeout, as
     * the host abandons the whole call then. A nested call keeps the outer deadline.
     */
    <T> T within(Supplier<T> action) {
        if (callDeadline.get() != null) {
            return action.get();
        }
        callDeadline.set(Deadline.after(context.callTimeout()));
        try {
            return action.get();
        } finally {
            callDeadline.remove();
        }
    }

    /** The base URL as OkHttp reads it, for comparing origins with the URLs of responses. */
    HttpUrl apiOrigin() {
        return transport().base();
    }

    OneflowSettings settings() {
        return settings;
    }

    /** A read: retried with back-off and jitter when Oneflow is down or slow, all within the call timeout. */
    <T> T read(OneflowApi.Auth auth, Function<OneflowApi, Call<T>> request) {
        Deadline deadline = deadline();
        return reads.get(() -> once(auth, request, deadline));
    }

    /**
     * Runs {@code action} with the read retry policy (for multi-step reads such as downloads); its steps send their
     * requests with the deadline it receives, so the whole read, retries included, ends within the call timeout.
     */
    <T> T retrying(Function<Deadline, T> action) {
        Deadline deadline = deadline();
        return reads.get(() -> action.apply(deadline));
    }

    /** A write: one attempt, never retried, within the call timeout. */
    <T> T once(OneflowApi.Auth auth, Function<OneflowApi, Call<T>> request) {
        return once(auth, request, deadline());
    }

    /** One attempt, no retry: for steps inside {@link #retrying}. */
    <T> T once(OneflowApi.Auth auth, Function<OneflowApi, Call<T>> request, Deadline deadline) {
        Response<T> response = send(auth, request, deadline);
        if (!response.isSuccessful()) {
            throw failure(response, auth);
        }
        return response.body();
    }

    /**
     * Sends one request and returns the raw response, whatever its status; transport failures become
     * {@link ProviderUnavailable}. The caller must close an unsuccessful or streamed body.
     */
    <T> Response<T> send(OneflowApi.Auth auth, Function<OneflowApi, Call<T>> request, Deadline deadline) {
        Call<T> call = request.apply(transport().api());
        if (!deadline.bound(call)) {
            throw timeout(call.request(), null);
        }
        if (auth != null) {
            spend(auth.token());
        }
        try {
            return call.execute();
        } catch (EmptyBodies.Empty e) {
            Request sent = call.request();
            // Oneflow answered with a success status: a write has probably happened.
            throw new ProviderUnavailable("unreadable_response", "Oneflow answered with an empty body where a result "
                    + "was expected (" + sent.method() + " " + sent.url().encodedPath() + ")"
                    + ("GET".equals(sent.method()) ? "" : "; Oneflow has probably applied it, so check before sending "
                    + "it again"), e);
        } catch (JsonDataException | IOException e) {
            throw transportFailure(e, call.request());
        }
    }

    /** Maps an unsuccessful response to the SPI failure, reading (and closing) its body. */
    ConnectorException failure(Response<?> response, OneflowApi.Auth auth) {
        int code = response.code();
        if (code < 200 || (code >= 300 && code < 400)) {
            try (ResponseBody ignored = response.errorBody()) {
                return OneflowFailures.invalidAnswer(code, response.headers(), response.raw().request().method()
                        + " " + response.raw().request().url().encodedPath(), outcomeUnknown(response.raw().request()));
            }
        }
        String body;
        try (ResponseBody error = response.errorBody()) {
            body = error == null ? "" : readLimited(error);
        } catch (IOException e) {
            body = "";
        }
        return OneflowFailures.fromResponse(response.code(), response.headers(), body, moshi,
                settings.rateLimitWait(), context.clock(), auth == null ? null : auth.token());
    }

    private static String readLimited(ResponseBody body) throws IOException {
        okio.BufferedSource source = body.source();
        source.request(64 * 1024);
        long size = Math.min(source.getBuffer().size(), 64 * 1024);
        return source.getBuffer().readString(size, StandardCharsets.UTF_8);
    }

    static ProviderUnavailable transportFailure(Exception e, Request request) {
        String where = request.method() + " " + request.url().encodedPath();
        if (e instanceof JsonDataException || e instanceof com.squareup.moshi.JsonEncodingException) {
            return new ProviderUnavailable("unreadable_response",
                    "Oneflow sent an answer that could not be read (" + where + ")", e);
        }
        if (e instanceof InterruptedIOException io) {
            return timeout(request, io);
        }
        if (e instanceof ConnectException || e instanceof UnknownHostException) {
            return new ProviderUnavailable(ProviderUnavailable.UNREACHABLE,
                    "Oneflow could not be reached (" + where + ")", e);
        }
        return new ProviderUnavailable("provider_unavailable",
                "The connection to Oneflow failed (" + where + ")" + outcomeUnknown(request), e);
    }

    /**
     * Oneflow did not answer within the call timeout, which bounds the whole call, retries included. {@code cause}
     * is null when the time was spent before the request was sent.
     */
    private static ProviderUnavailable timeout(Request request, InterruptedIOException cause) {
        return new ProviderUnavailable(ProviderUnavailable.TIMEOUT, "Oneflow did not answer in time ("
                + request.method() + " " + request.url().encodedPath() + ")"
                + (cause == null ? "" : outcomeUnknown(request)), cause);
    }

    /** A write that got no answer is never sent again, so the caller must learn that it may have happened. */
    private static String outcomeUnknown(Request request) {
        return "GET".equals(request.method()) ? "" : "; Oneflow may have applied it before the answer was lost, so "
                + "check before sending it again";
    }

    private Deadline deadline() {
        Deadline current = callDeadline.get();
        return current != null ? current : Deadline.after(context.callTimeout());
    }

    /**
     * The client-side budget keeps a token under Oneflow's limit, instead of earning a five-minute 429. It counts
     * over a sliding window: Oneflow's limit holds for any five minutes, not per fixed period.
     */
    private void spend(String token) {
        spendFor(fingerprint(token));
    }

    private void spendFor(String fingerprint) {
        if (!budget.tryAcquire(fingerprint)) {
            throw new RateLimited("rate_limited", "This token has used its budget of " + settings.requestsPerWindow()
                    + " Oneflow requests per " + settings.window().toSeconds() + " s; try again later",
                    settings.rateLimitWait(), false);
        }
    }

    /** Proxied requests spend the token's budget as the connector's own do; the fingerprint is taken once. */
    ProxyTarget.Admission admission(String token) {
        String fingerprint = fingerprint(token);
        return () -> spendFor(fingerprint);
    }

    private static String fingerprint(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }

    private Transport transport() {
        if (closed) {
            throw new ProviderUnavailable("The Oneflow connector is closed (the server is stopping)", null);
        }
        Transport built = transport;
        if (built == null) {
            synchronized (this) {
                built = transport;
                if (built == null) {
                    built = Transport.create(baseUrl, context, moshi);
                    transport = built;
                }
            }
        }
        return built;
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (transport != null) {
            transport.close();
        }
    }

    /** The OkHttp client, the base URL it resolves against and the Retrofit interface on it. */
    private record Transport(OkHttpClient client, HttpUrl base, OneflowApi api) {
        static Transport create(URI baseUrl, ConnectorContext context, Moshi moshi) {
            // Stale pooled connections are replaced where that is safe, see StaleConnections.
            OkHttpClient client = new StaleConnections().install(new OkHttpClient.Builder())
                    .connectTimeout(context.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
                    .readTimeout(context.callTimeout().toMillis(), TimeUnit.MILLISECONDS)
                    .writeTimeout(context.callTimeout().toMillis(), TimeUnit.MILLISECONDS)
                    .callTimeout(context.callTimeout().toMillis(), TimeUnit.MILLISECONDS)
                    // Redirects are followed by hand so the token never travels to another host.
                    .followRedirects(false)
                    .followSslRedirects(false)
                    .addInterceptor(chain -> {
                        Request request = chain.request();
                        OneflowApi.Auth auth = request.tag(OneflowApi.Auth.class);
                        Request.Builder builder = request.newBuilder();
                        if (request.header("Accept") == null) {
                            builder.header("Accept", "application/json");
                        }
                        if (auth != null) {
                            auth.headers().forEach(builder::header);
                        }
                        return chain.proceed(builder.build());
                    })
                    .build();
            String base = baseUrl.toString();
            HttpUrl url = HttpUrl.get(base.endsWith("/") ? base : base + "/");
            OneflowApi api = new Retrofit.Builder()
                    .baseUrl(url)
                    .client(client)
                    .addConverterFactory(new EmptyBodies(MoshiConverterFactory.create(moshi)))
                    .build()
                    .create(OneflowApi.class);
            return new Transport(client, url, api);
        }

        void close() {
            // Calls still waiting on the provider end now (their sockets close) rather than when it answers.
            client.dispatcher().cancelAll();
            client.dispatcher().executorService().shutdown();
            client.connectionPool().evictAll();
        }
    }
}
