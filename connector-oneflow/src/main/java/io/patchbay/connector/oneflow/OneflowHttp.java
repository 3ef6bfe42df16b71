package io.patchbay.connector.oneflow;

import com.squareup.moshi.JsonDataException;
import com.squareup.moshi.Moshi;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeExecutor;
import dev.failsafe.RateLimiter;
import dev.failsafe.RetryPolicy;
import io.patchbay.spi.ConnectorContext;
import io.patchbay.spi.ConnectorException;
import io.patchbay.spi.ProviderUnavailable;
import io.patchbay.spi.RateLimited;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.OffsetDateTime;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
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
    private final OkHttpClient client;
    private final OneflowApi api;
    private final Moshi moshi;
    private final OneflowSettings settings;
    private final ConnectorContext context;
    private final FailsafeExecutor<Object> reads;
    private final Map<String, RateLimiter<Object>> budgets = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, RateLimiter<Object>> eldest) {
            return size() > MAX_TRACKED_TOKENS;
        }
    };

    OneflowHttp(URI baseUrl, ConnectorContext context, OneflowSettings settings) {
        this.baseUrl = baseUrl;
        this.context = context;
        this.settings = settings;
        this.moshi = new Moshi.Builder().add(OffsetDateTime.class, new OneflowTime.Adapter().nullSafe()).build();
        this.client = new OkHttpClient.Builder()
                .connectTimeout(context.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(context.callTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .writeTimeout(context.callTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .callTimeout(context.callTimeout().toMillis(), TimeUnit.MILLISECONDS)
                // Redirects are followed by hand so the token never travels to another host.
                .followRedirects(false)
                .followSslRedirects(false)
                .retryOnConnectionFailure(false)
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
        this.api = new Retrofit.Builder()
                .baseUrl(base.endsWith("/") ? base : base + "/")
                .client(client)
                .addConverterFactory(MoshiConverterFactory.create(moshi))
                .build()
                .create(OneflowApi.class);
        var retry = RetryPolicy.builder()
                .handle(ProviderUnavailable.class)
                .withMaxAttempts(settings.maxAttempts())
                .onRetry(e -> context.logger().log(System.Logger.Level.DEBUG,
                        "Oneflow read failed ({0}); attempt {1} of {2}",
                        e.getLastException() instanceof ConnectorException c ? c.code() : "error",
                        e.getAttemptCount() + 1, settings.maxAttempts()));
        if (settings.retryDelay().compareTo(settings.retryMaxDelay()) < 0 && !settings.retryDelay().isZero()) {
            retry.withBackoff(settings.retryDelay(), settings.retryMaxDelay()).withJitter(0.25);
        } else if (!settings.retryDelay().isZero()) {
            retry.withDelay(settings.retryDelay()).withJitter(0.25);
        }
        this.reads = Failsafe.with(retry.build());
    }

    URI baseUrl() {
        return baseUrl;
    }

    OneflowSettings settings() {
        return settings;
    }

    /** A read: retried with back-off and jitter when Oneflow is down or slow. */
    <T> T read(OneflowApi.Auth auth, Function<OneflowApi, Call<T>> request) {
        return reads.get(() -> once(auth, request));
    }

    /** Runs {@code action} with the read retry policy (for multi-step reads such as downloads). */
    <T> T retrying(java.util.function.Supplier<T> action) {
        return reads.get(action::get);
    }

    /** One attempt, no retry: for steps inside {@link #retrying} and for writes. */
    <T> T once(OneflowApi.Auth auth, Function<OneflowApi, Call<T>> request) {
        Response<T> response = send(auth, request);
        if (!response.isSuccessful()) {
            throw failure(response, auth);
        }
        return response.body();
    }

    /**
     * Sends one request and returns the raw response, whatever its status; transport failures become
     * {@link ProviderUnavailable}. The caller must close an unsuccessful or streamed body.
     */
    <T> Response<T> send(OneflowApi.Auth auth, Function<OneflowApi, Call<T>> request) {
        if (auth != null) {
            spend(auth.token());
        }
        Call<T> call = request.apply(api);
        try {
            return call.execute();
        } catch (JsonDataException | IOException e) {
            throw transportFailure(e, call.request());
        }
    }

    /** Maps an unsuccessful response to the SPI failure, reading (and closing) its body. */
    ConnectorException failure(Response<?> response, OneflowApi.Auth auth) {
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
        if (e instanceof InterruptedIOException) {
            return new ProviderUnavailable("timeout", "Oneflow did not answer in time (" + where + ")", e);
        }
        if (e instanceof ConnectException || e instanceof UnknownHostException) {
            return new ProviderUnavailable("unreachable", "Oneflow could not be reached (" + where + ")", e);
        }
        return new ProviderUnavailable("provider_unavailable",
                "The connection to Oneflow failed (" + where + ")", e);
    }

    /** The client-side budget keeps a token under Oneflow's limit, instead of earning a five-minute 429. */
    private void spend(String token) {
        RateLimiter<Object> limiter;
        synchronized (budgets) {
            limiter = budgets.computeIfAbsent(fingerprint(token), k ->
                    RateLimiter.burstyBuilder(settings.requestsPerWindow(), settings.window()).build());
        }
        if (!limiter.tryAcquirePermit()) {
            throw new RateLimited("rate_limited", "This token has used its budget of " + settings.requestsPerWindow()
                    + " Oneflow requests per " + settings.window().toSeconds() + " s; try again later",
                    settings.rateLimitWait(), false);
        }
    }

    private static String fingerprint(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }

    @Override
    public void close() {
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
    }
}
