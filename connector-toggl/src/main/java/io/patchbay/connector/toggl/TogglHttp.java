package io.patchbay.connector.toggl;

import com.squareup.moshi.JsonDataException;
import com.squareup.moshi.JsonEncodingException;
import com.squareup.moshi.Moshi;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeExecutor;
import dev.failsafe.RetryPolicy;
import io.patchbay.connector.support.Deadline;
import io.patchbay.connector.support.EmptyBodies;
import io.patchbay.connector.support.StaleConnections;
import io.patchbay.connector.toggl.TogglFailures.Op;
import io.patchbay.spi.ConnectorContext;
import io.patchbay.spi.Credentials;
import io.patchbay.spi.InsufficientPermissions;
import io.patchbay.spi.ProviderUnavailable;
import io.patchbay.spi.ProxyTarget;
import io.patchbay.spi.RateLimited;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import okhttp3.OkHttpClient;
import okhttp3.ResponseBody;
import retrofit2.Call;
import retrofit2.Response;
import retrofit2.Retrofit;
import retrofit2.converter.moshi.MoshiConverterFactory;

/**
 * Every request to Toggl goes through {@link #exchange}: it builds the Basic header, paces the requests of one
 * user (Toggl's leaky bucket allows about one per second), retries reads with back-off and jitter, never sends a
 * write twice (not even when its connection drops), and maps every failure to the SPI's typed exceptions. All the
 * requests of one connector call ({@link #within}) share one deadline, the host's call timeout.
 */
final class TogglHttp implements AutoCloseable {
    private static final int MAX_PACERS = 1024;

    private final URI baseUrl;
    private final ConnectorContext context;
    private final String userAgent;
    private final Moshi moshi;
    private final TogglSettings settings;
    private final Clock clock;
    /** Bounds a whole call, pacing, attempts and back-off included. */
    private final Duration callTimeout;
    private final RetryPolicy<Object> retry;
    private final NewObjects newObjects;
    /** Built on the first request, not at start: building it loads TLS, IDN and Retrofit classes. */
    private volatile Transport transport;
    /** Set by {@link #close()}: a retry after it must not open the connection again. */
    private volatile boolean closed;
    /** The deadline of the connector call running on this thread, if any. */
    private final ThreadLocal<Deadline> callDeadline = new ThreadLocal<>();
    private final Map<String, Pacer> pacers = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Pacer> eldest) {
            return size() > MAX_PACERS;
        }
    };

    TogglHttp(URI baseUrl, ConnectorContext context, TogglSettings settings, String userAgent) {
        if (!("http".equalsIgnoreCase(baseUrl.getScheme()) || "https".equalsIgnoreCase(baseUrl.getScheme()))
                || baseUrl.getHost() == null) {
            throw new IllegalArgumentException("the Toggl base URL must be an http(s) URL: " + baseUrl);
        }
        this.baseUrl = baseUrl;
        this.context = context;
        this.userAgent = userAgent;
        this.settings = settings;
        this.clock = context.clock();
        this.callTimeout = context.callTimeout();
        this.newObjects = new NewObjects(clock);
        this.moshi = new Moshi.Builder().add(Instant.class, new TogglTime.Adapter().nullSafe())
                .add(OffsetDateTime.class, new TogglTime.OffsetAdapter().nullSafe()).build();
        System.Logger logger = context.logger();
        this.retry = RetryPolicy.builder()
                // An invalid answer (an unasked 101, a redirect) or one the connector cannot read (bad JSON, an empty
                // body) would come again: sending the read again only spends the hourly quota.
                .handleIf(e -> e instanceof ProviderUnavailable u && !TogglFailures.UNEXPECTED.equals(u.code())
                        && !TogglFailures.UNREADABLE.equals(u.code())
                        // An interrupted call was abandoned by the host: nobody waits for a retry.
                        && !Thread.currentThread().isInterrupted())
                .withBackoff(settings.retryDelay(), settings.retryMaxDelay())
                .withJitter(0.25)
                .withMaxAttempts(settings.maxAttempts())
                // The call timeout bounds all attempts together: no retry once it is spent, no back-off beyond it.
                .withMaxDuration(context.callTimeout())
                .onRetry(event -> logger.log(System.Logger.Level.DEBUG, "Retrying a Toggl read, attempt {0}: {1}",
                        event.getAttemptCount() + 1, event.getLastException().getMessage()))
                .build();
    }

    /**
     * Runs one connector call: its requests (a verify sends two) share one deadline, the host's call timeout, as the
     * host abandons the whole call then. A nested call keeps the outer deadline.
     */
    <T> T within(Supplier<T> action) {
        if (callDeadline.get() != null) {
            return action.get();
        }
        callDeadline.set(Deadline.after(callTimeout));
        try {
            return action.get();
        } finally {
            callDeadline.remove();
        }
    }

    void within(Runnable action) {
        within(() -> {
            action.run();
            return null;
        });
    }

    private Deadline deadline() {
        Deadline current = callDeadline.get();
        return current != null ? current : Deadline.after(callTimeout);
    }

    TogglApi api() {
        return transport().api();
    }

    Moshi moshi() {
        return moshi;
    }

    Clock clock() {
        return clock;
    }

    TogglSettings settings() {
        return settings;
    }

    /** Runs one request and answers its body; see {@link #exchange}. */
    <T> T call(Credentials credentials, Op op, Function<String, Call<T>> request) {
        return exchange(credentials, op, request).body();
    }

    /**
     * {@link #call} for a request whose answer body does not matter; it is closed, if there is one: Retrofit gives
     * no body at all (null) for a 204 or 205.
     */
    void send(Credentials credentials, Op op, Function<String, Call<ResponseBody>> request) {
        ResponseBody body = call(credentials, op, request);
        if (body != null) {
            body.close();
        }
    }

    /**
     * Runs one request for these credentials. {@code request} receives the Authorization header value and builds a
     * fresh call (a retry needs a new one). Answers the successful response; throws the typed failure otherwise.
     */
    <T> Response<T> exchange(Credentials credentials, Op op, Function<String, Call<T>> request) {
        return exchange(credentials, op, request, deadline());
    }

    /** Remembers that these credentials just created this project, see {@link #callNamingProject}. */
    void projectCreated(Credentials credentials, long projectId) {
        newObjects.created(sha256(TogglCredentials.authorization(credentials)), projectId);
    }

    /**
     * {@link #call} for a request that names a project ({@code projectId}, if any). Toggl's permissions learn of a
     * new project only after a few seconds, and until then refuse a request naming it with the 403 "User does not
     * have access to this resource" they also give a user who may really not use it. Toggl advises waiting 2 to 5 s
     * and trying again up to three times. So such a 403 is sent again: up to three times when these credentials
     * created the project within the last minute, once when the connector cannot know (it may have been created
     * elsewhere), never when no project is named or Toggl said something else (an admin-only rule, bad
     * credentials). All within the call's deadline; a 403 means Toggl applied nothing, so a write may be sent again.
     */
    <T> T callNamingProject(Credentials credentials, Op op, Optional<Long> projectId,
                            Function<String, Call<T>> request) {
        if (projectId.isEmpty()) {
            return call(credentials, op, request);
        }
        TogglCredentials.requireWellFormed(credentials);
        Deadline deadline = deadline();
        boolean fresh = newObjects.isFresh(sha256(TogglCredentials.authorization(credentials)), projectId.get());
        int retries = fresh ? 3 : 1;
        for (int attempt = 0; ; attempt++) {
            try {
                return exchange(credentials, op, request, deadline).body();
            } catch (InsufficientPermissions e) {
                if (!TogglFailures.mayBeTooNew(e)) {
                    throw e;
                }
                // 2, 3.5, 5 s with the default delay: Toggl's "2-5 s".
                Duration wait = settings.newObjectDelay().multipliedBy(2 + 3L * attempt).dividedBy(2);
                if (attempt >= retries || !deadline.leavesTimeAfter(wait)) {
                    throw TogglFailures.tooNew(e, projectId.get(), fresh, attempt + 1);
                }
                context.logger().log(System.Logger.Level.DEBUG, "Toggl refused a request naming project {0} with "
                        + "403; it may be too new for Toggl''s permissions, trying again in {1} ms", projectId.get(),
                        wait.toMillis());
                sleep(wait, op);
            }
        }
    }

    private static void sleep(Duration wait, Op op) {
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw TogglFailures.timeout(op, null);
        }
    }

    private <T> Response<T> exchange(Credentials credentials, Op op, Function<String, Call<T>> request,
                                     Deadline deadline) {
        TogglCredentials.requireWellFormed(credentials);
        String auth = TogglCredentials.authorization(credentials);
        String field = TogglCredentials.rejectedField(credentials);
        List<String> secrets = TogglCredentials.secrets(credentials);
        Pacer pacer = pacer(sha256(auth));
        FailsafeExecutor<Object> executor = op.retryable() ? Failsafe.with(retry) : Failsafe.none();
        return executor.get(() -> {
            pace(pacer, op, deadline);
            return once(op, request.apply(auth), deadline, field, secrets);
        });
    }

    /**
     * Waits for this request's turn within the call's deadline, or refuses it at once: a wait that would pass the
     * deadline would only end in the host's timeout, after the caller had waited all of it.
     */
    private static void pace(Pacer pacer, Op op, Deadline deadline) {
        Optional<Duration> refused;
        try {
            refused = pacer.acquire(deadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw TogglFailures.timeout(op, null);
        }
        if (refused.isPresent()) {
            throw refusedTurn(refused.get(), "Too many requests are waiting for this Toggl user to be sent within the "
                    + "call timeout", op.what());
        }
    }

    /**
     * Proxied requests take turns from the same pacer as the connector's own, so together they keep to Toggl's pace
     * and a burst through the proxy cannot earn a 429 that the account's next actions would get. The proxy asks on
     * its I/O thread, so a request whose turn is not due now is refused with the wait instead of waiting for it.
     */
    ProxyTarget.Admission admission(Credentials credentials) {
        String key = sha256(TogglCredentials.authorization(credentials));
        return () -> pacer(key).tryAcquire().ifPresent(wait -> {
            throw refusedTurn(wait, "This Toggl user's requests, proxied ones included, are spaced to keep "
                    + "within Toggl's rate limit", "proxied request");
        });
    }

    private static RateLimited refusedTurn(Duration wait, String why, String what) {
        // Retry-After counts whole seconds; round up so a retry then finds its turn.
        long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
        return new RateLimited("client_rate_limited", why + "; retry in " + seconds + " s (" + what + ")",
                Duration.ofSeconds(seconds), false);
    }

    private <T> Response<T> once(Op op, Call<T> call, Deadline deadline, String field, List<String> secrets) {
        if (!deadline.bound(call)) {
            throw TogglFailures.timeout(op, null);
        }
        Response<T> response;
        try {
            response = call.execute();
        } catch (JsonDataException | JsonEncodingException e) {
            throw TogglFailures.unreadable(op, e);
        } catch (EmptyBodies.Empty e) {
            throw TogglFailures.emptyBody(op, e);
        } catch (IOException e) {
            throw TogglFailures.fromIo(op, e);
        }
        if (response.isSuccessful()) {
            return response;
        }
        throw TogglFailures.fromStatus(op, response.code(), response.headers(), errorBody(response), field, secrets,
                settings, clock);
    }

    private static String errorBody(Response<?> response) {
        try (ResponseBody body = response.errorBody()) {
            if (body == null) {
                return "";
            }
            return body.string();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private Pacer pacer(String key) {
        synchronized (pacers) {
            // A turn must leave a quarter of the call timeout (at most 1 s) for the request and its answer.
            return pacers.computeIfAbsent(key, k -> new Pacer(
                    Duration.ofNanos((long) (1_000_000_000L / settings.requestsPerSecond())),
                    min(callTimeout.dividedBy(4), Duration.ofSeconds(1))));
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static String sha256(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private Transport transport() {
        if (closed) {
            throw new ProviderUnavailable("The Toggl connector is closed (the server is stopping)", null);
        }
        Transport built = transport;
        if (built == null) {
            synchronized (this) {
                built = transport;
                if (built == null) {
                    built = Transport.create(baseUrl, context, userAgent, moshi);
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

    /** The OkHttp client and the Retrofit interface on it. */
    private record Transport(OkHttpClient client, TogglApi api) {
        static Transport create(URI baseUrl, ConnectorContext context, String userAgent, Moshi moshi) {
            OkHttpClient client = new StaleConnections().install(new OkHttpClient.Builder())
                    .connectTimeout(context.connectTimeout())
                    .readTimeout(context.callTimeout())
                    .writeTimeout(context.callTimeout())
                    .callTimeout(context.callTimeout())
                    // Toggl does not redirect its API; a redirect is an answer to report, not to follow with
                    // credentials.
                    .followRedirects(false)
                    .followSslRedirects(false)
                    .addInterceptor(chain -> chain.proceed(chain.request().newBuilder()
                            .header("User-Agent", userAgent).build()))
                    .build();
            String base = baseUrl.toString().endsWith("/") ? baseUrl.toString() : baseUrl + "/";
            TogglApi api = new Retrofit.Builder().baseUrl(base).client(client)
                    .addConverterFactory(new EmptyBodies(MoshiConverterFactory.create(moshi)))
                    .build()
                    .create(TogglApi.class);
            return new Transport(client, api);
        }

        void close() {
            // Calls still waiting on the provider end now (their sockets close) rather than when it answers.
            client.dispatcher().cancelAll();
            client.dispatcher().executorService().shutdown();
            client.connectionPool().evictAll();
        }
    }
}
