package io.patchbay.connector.toggl.fake;

import io.patchbay.connector.toggl.fake.FakeRoutes.Req;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.tls.HandshakeCertificates;

/**
 * A fake Toggl Track on 127.0.0.1: a real HTTP server answering the Track API v9, Reports API v3 and Webhooks API v1
 * paths the way Toggl documents them, over seeded data, and recording every request.
 *
 * <h2>Seed</h2>
 * <ul>
 *   <li>{@link #ALICE}: admin of {@link #WS_STUDIO} and {@link #WS_LABS} (organization Acme, which she owns) and a
 *       plain member of {@link #WS_GLOBEX}; {@value #ALICE_STUDIO_HISTORY_DAYS} days of history in the studio (one
 *       entry a day at 09:00 UTC, enough for several report pages) and a running timer
 *       ({@link #ALICE_RUNNING_ENTRY_ID}).</li>
 *   <li>{@link #BOB}: a member (role {@code user}) of {@link #WS_STUDIO} only: the non-admin case.</li>
 *   <li>{@link #CAROL}: admin of {@link #WS_GLOBEX}, owner of organization Globex.</li>
 *   <li>{@link #DAVE}: valid credentials, no workspace.</li>
 * </ul>
 *
 * <h2>Behaviour</h2>
 * No Authorization header: 401 with an empty body and {@code X-Authorization-Missing: true}. A wrong token or
 * password: 403 {@code "Incorrect username and/or password"}. Every authenticated answer carries
 * {@code X-Toggl-Quota-Remaining} and {@code X-Toggl-Quota-Resets-In}; when an hourly window is spent the answer
 * is 402 with Toggl's sentence. {@link #leakyBucket(Duration)} turns on the 429 of Toggl's per-token leaky bucket.
 * {@link #enqueue(Fault)} queues one-shot failures (5xx, 429, 402, slow answers, a connection dropped after a
 * write was applied). Webhook subscriptions are probed with a signed PING on creation
 * ({@link #probeCallbacks(boolean)}).
 *
 * <p>Depends only on mockwebserver3, OkHttp, Moshi and the JDK, so other modules can reuse it from the test jar.
 */
public final class FakeToggl implements AutoCloseable {
    /** Credentials and profile of a seeded user. {@link #toString()} shows neither password nor token. */
    public record User(long id, String email, String password, String apiToken, String fullname, String timezone,
                       Long defaultWorkspaceId) {
        @Override
        public String toString() {
            return "User[id=" + id + ", email=" + email + "]";
        }
    }

    public static final User ALICE = new User(1001, "alice@example.com", "correct-horse-battery",
            "a1b2c3d4e5f60718293a4b5c6d7e8f90", "Alice Admin", "Europe/Berlin", 2001L);
    public static final User BOB = new User(1002, "bob@example.com", "bob-secret-pass",
            "0f1e2d3c4b5a69788796a5b4c3d2e1f0", "Bob Member", "America/New_York", 2001L);
    public static final User CAROL = new User(1003, "carol@example.com", "carol-secret-pass",
            "c0ffee00c0ffee00c0ffee00c0ffee00", "Carol Owner", "UTC", 2003L);
    public static final User DAVE = new User(1004, "dave@example.com", "dave-secret-pass",
            "d00dd00dd00dd00dd00dd00dd00dd00d", "Dave Newcomer", "UTC", null);
    /** Well formed, known to nobody. */
    public static final String UNKNOWN_TOKEN = "ffffffffffffffffffffffffffffffff";

    public static final long ORG_ACME = 3001;
    public static final long ORG_GLOBEX = 3002;
    /** Premium plan; only admins may create tags there. */
    public static final long WS_STUDIO = 2001;
    /** Free plan. */
    public static final long WS_LABS = 2002;
    /** Starter plan; only admins may create projects there. */
    public static final long WS_GLOBEX = 2003;

    public static final long CLIENT_ACME_CORP = 5001;
    /** Archived. */
    public static final long CLIENT_INITECH = 5002;
    public static final long CLIENT_GLOBEX = 5003;
    public static final long PROJECT_WEBSITE = 4001;
    public static final long PROJECT_INTERNAL = 4002;
    /** Archived. */
    public static final long PROJECT_LEGACY = 4003;
    public static final long PROJECT_RESEARCH = 4004;
    public static final long PROJECT_AUDIT = 4005;
    public static final long TAG_BILLED = 6001;
    public static final long TAG_MEETING = 6002;
    public static final long TAG_URGENT = 6003;
    public static final long TASK_DESIGN = 7001;
    public static final long TASK_BUILD = 7002;
    /** Done (inactive). */
    public static final long TASK_LAUNCH = 7003;

    public static final int ALICE_STUDIO_HISTORY_DAYS = 200;
    /** Alice's studio entry of yesterday; the entry of {@code d} days ago has this id + d - 1. */
    public static final long FIRST_HISTORY_ENTRY_ID = 3_700_000_001L;
    public static final long ALICE_RUNNING_ENTRY_ID = 3_699_999_999L;
    public static final int TIME_ENTRIES_CAP = 1000;
    public static final int MAX_CLIENT_NAME = 100;

    public static final String QUOTA_REMAINING = "X-Toggl-Quota-Remaining";
    public static final String QUOTA_RESETS_IN = "X-Toggl-Quota-Resets-In";
    public static final String SIGNATURE_HEADER = "X-Webhook-Signature-256";
    static final String TOO_MANY_REQUESTS_PAGE = "<html><head><title>429 Too Many Requests</title></head><body>"
            + "<center><h1>429 Too Many Requests</h1></center><hr><center>nginx</center></body></html>";

    /** A webhook event the fake sent: where, what, and the signature header. */
    public record Delivery(String url, String body, String signature, int status) {
    }

    private final MockWebServer server = new MockWebServer();
    private boolean https;
    private final Clock clock;
    private final OkHttpClient outbound = new OkHttpClient.Builder()
            .callTimeout(Duration.ofSeconds(5)).connectTimeout(Duration.ofSeconds(2)).build();
    private final List<FakeRequest> requests = new ArrayList<>();
    private final List<Delivery> deliveries = new ArrayList<>();
    private final List<Throwable> internalErrors = new ArrayList<>();
    private final Deque<Fault> faults = new ArrayDeque<>();
    private final Map<String, Instant[]> quotaWindows = new HashMap<>();
    private final Map<String, Instant> bucket = new HashMap<>();
    private FakeData data;
    private FakeRoutes routes;
    private int userQuota;
    /** Null: the organization's plan decides (Free 30, Starter 240, Premium 600 an hour). */
    private Integer orgQuota;
    private Duration bucketInterval;
    private boolean probeCallbacks;
    private boolean tagCreateAnswersObject;
    private boolean resetTokenAnswersPlainText;
    private boolean noCurrentEntryIs404;
    private boolean tagsIgnorePaging;
    private int maxPerPage;
    private int newProjectsUnknownFor;

    private FakeToggl(Clock clock) {
        this.clock = clock;
        resetState();
    }

    /** Starts a fake on a free port of 127.0.0.1, seeded relative to the system clock. */
    public static FakeToggl start() {
        return start(Clock.systemUTC());
    }

    public static FakeToggl start(Clock clock) {
        return start(clock, null, List.of());
    }

    /**
     * Starts a fake serving TLS, as Toggl does, with {@code tls}'s certificate (one naming 127.0.0.1) and offering
     * {@code protocols} by ALPN (Toggl offers HTTP/2 and HTTP/1.1).
     */
    public static FakeToggl startHttps(HandshakeCertificates tls, List<Protocol> protocols) {
        return start(Clock.systemUTC(), tls, protocols);
    }

    private static FakeToggl start(Clock clock, HandshakeCertificates tls, List<Protocol> protocols) {
        FakeToggl fake = new FakeToggl(clock);
        if (tls != null) {
            fake.server.useHttps(tls.sslSocketFactory());
            fake.server.setProtocols(protocols);
            fake.https = true;
        }
        fake.server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                return fake.dispatch(request);
            }
        });
        try {
            fake.server.start(InetAddress.getByName("127.0.0.1"), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the fake Toggl", e);
        }
        return fake;
    }

    /** {@code http://127.0.0.1:<port>} ({@code https} when it serves TLS): point a connector's base URL here. */
    public URI baseUrl() {
        return URI.create((https ? "https" : "http") + "://127.0.0.1:" + server.getPort());
    }

    /** The instant the data was seeded from (truncated to seconds). */
    public synchronized Instant seededAt() {
        return data.seededAt;
    }

    /** Back to the seed: data, tokens, switches, queued faults, quota windows and recorded requests. */
    public synchronized void reset() {
        resetState();
    }

    private void resetState() {
        data = new FakeData(clock.instant());
        routes = new FakeRoutes(data, clock, this);
        requests.clear();
        deliveries.clear();
        internalErrors.clear();
        faults.clear();
        quotaWindows.clear();
        bucket.clear();
        userQuota = 30;
        orgQuota = null;
        bucketInterval = Duration.ZERO;
        probeCallbacks = true;
        tagCreateAnswersObject = false;
        resetTokenAnswersPlainText = false;
        noCurrentEntryIs404 = false;
        tagsIgnorePaging = false;
        maxPerPage = 200;
        newProjectsUnknownFor = 0;
    }

    // Switches

    /** Queues a one-shot fault for the next matching request. */
    public synchronized void enqueue(Fault fault) {
        faults.addLast(fault);
    }

    public synchronized void enqueue(Fault fault, int times) {
        for (int i = 0; i < times; i++) {
            faults.addLast(fault);
        }
    }

    /**
     * Hourly quotas per user: {@code userSpecific} for {@code /me...} requests, {@code organizationSpecific} per
     * organization for workspace, report and webhook requests. The defaults are Toggl's: 30 user-specific on every
     * plan, and by the organization's plan 30 (Free), 240 (Starter) or 600 (Premium); Globex is Starter, Acme
     * Premium.
     */
    public synchronized void quota(int userSpecific, int organizationSpecific) {
        this.userQuota = userSpecific;
        this.orgQuota = organizationSpecific;
    }

    /** Toggl's leaky bucket: a second request of the same credentials within {@code interval} gets 429. */
    public synchronized void leakyBucket(Duration interval) {
        this.bucketInterval = interval;
    }

    /** Whether creating a webhook subscription first calls its URL with a signed PING (default true). */
    public synchronized void probeCallbacks(boolean probe) {
        this.probeCallbacks = probe;
    }

    /** Answer tag creation with one object instead of the spec's one-element array. */
    public synchronized void tagCreateAnswersObject(boolean object) {
        this.tagCreateAnswersObject = object;
    }

    synchronized boolean tagCreateAnswersObject() {
        return tagCreateAnswersObject;
    }

    /**
     * Answer {@code POST /me/reset_token} with the bare token as plain text instead of a JSON string. The spec leaves
     * that body unspecified, so both readings must work: the old token is dead either way.
     */
    public synchronized void resetTokenAnswersPlainText(boolean plain) {
        this.resetTokenAnswersPlainText = plain;
    }

    synchronized boolean resetTokenAnswersPlainText() {
        return resetTokenAnswersPlainText;
    }

    /**
     * Answer {@code GET /me/time_entries/current} with the spec's 404 "Resource can not be found" when nothing runs,
     * instead of the recorded 200 {@code null}.
     */
    public synchronized void noCurrentEntryIs404(boolean notFound) {
        this.noCurrentEntryIs404 = notFound;
    }

    synchronized boolean noCurrentEntryIs404() {
        return noCurrentEntryIs404;
    }

    /**
     * Answer every workspace's whole tag list whatever {@code page} and {@code per_page} say, as an API that does
     * not page that list would (Toggl's spec says it pages; a client must not depend on it to stop).
     */
    public synchronized void tagsIgnorePaging(boolean ignore) {
        this.tagsIgnorePaging = ignore;
    }

    synchronized boolean tagsIgnorePaging() {
        return tagsIgnorePaging;
    }

    /**
     * The largest {@code per_page} the tag and task lists honour (default 200); a larger one is cut to it without a
     * word, as Toggl does on lists that document a cap (goals, timesheets). Toggl documents none for tags and tasks.
     */
    public synchronized void maxPerPage(int max) {
        this.maxPerPage = max;
    }

    synchronized int maxPerPage() {
        return maxPerPage;
    }

    /**
     * Toggl's eventual consistency: a project created from now on is refused, with 403 "User does not have access
     * to this resource", to the first {@code requests} requests that name it (in the path, {@code pid} or the body's
     * {@code project_id}), as Toggl's auth layer does for a few seconds after creating it. 0 (the default) is off.
     */
    public synchronized void newProjectsUnknownFor(int requests) {
        this.newProjectsUnknownFor = requests;
    }

    synchronized int newProjectsUnknownFor() {
        return newProjectsUnknownFor;
    }

    // Seeding helpers for paging tests

    /** Adds {@code count} active projects named {@code <prefix> 001...} to a workspace. */
    public synchronized void addProjects(long workspaceId, String prefix, int count) {
        for (int i = 1; i <= count; i++) {
            data.project(data.newId(), workspaceId, null, String.format(Locale.ROOT, "%s %03d", prefix, i), true);
        }
    }

    /** Adds {@code count} tags named {@code <prefix>-001...} to a workspace. */
    public synchronized void addTags(long workspaceId, String prefix, int count) {
        for (int i = 1; i <= count; i++) {
            data.tag(data.newId(), workspaceId, String.format(Locale.ROOT, "%s-%03d", prefix, i));
        }
    }

    // Inspection

    public synchronized List<FakeRequest> requests() {
        return List.copyOf(requests);
    }

    /** Requests with this method whose path starts with {@code pathPrefix}. */
    public synchronized List<FakeRequest> requests(String method, String pathPrefix) {
        return requests.stream().filter(r -> r.method().equals(method) && r.path().startsWith(pathPrefix)).toList();
    }

    public synchronized FakeRequest lastRequest() {
        if (requests.isEmpty()) {
            throw new IllegalStateException("no request received");
        }
        return requests.get(requests.size() - 1);
    }

    public synchronized void clearRequests() {
        requests.clear();
    }

    /** The user's current API token (changes with {@code POST /me/reset_token}). */
    public synchronized String apiToken(User user) {
        return data.tokens.get(user.id());
    }

    /** A stored time entry in Toggl's GET shape, deleted ones included (with {@code server_deleted_at}). */
    public synchronized Optional<Map<String, Object>> timeEntry(long id) {
        return Optional.ofNullable(data.entries.get(id)).map(e -> data.entry(e, false, true, false));
    }

    /** The stored time entries (deleted ones excluded) with this description, in Toggl's GET shape. */
    public synchronized List<Map<String, Object>> timeEntries(String description) {
        return data.entries.values().stream().filter(e -> e.deletedAt == null && description.equals(e.description))
                .map(e -> data.entry(e, false, true, false)).toList();
    }

    public synchronized Optional<Map<String, Object>> project(long id) {
        return Optional.ofNullable(data.projects.get(id)).map(data::project);
    }

    /** The stored webhook subscriptions of a workspace, secrets included. */
    public synchronized List<Map<String, Object>> webhookSubscriptions(long workspaceId) {
        return data.subscriptions.values().stream().filter(s -> s.workspaceId == workspaceId)
                .map(s -> data.subscription(s, true)).toList();
    }

    /** Webhook events the fake sent (PINGs), in order. */
    public synchronized List<Delivery> deliveries() {
        return List.copyOf(deliveries);
    }

    /** Bugs of the fake itself (answered as 500); a test can assert there are none. */
    public synchronized List<Throwable> internalErrors() {
        return List.copyOf(internalErrors);
    }

    @Override
    public void close() {
        server.close();
        outbound.dispatcher().executorService().shutdown();
        outbound.connectionPool().evictAll();
    }

    // Dispatching

    private synchronized MockResponse dispatch(RecordedRequest recorded) {
        FakeRequest request = record(recorded);
        Optional<Fault> fault = takeFault(request.path());
        Answer answer;
        try {
            if (fault.isPresent() && fault.get().replacesAnswer()) {
                Fault f = fault.get();
                answer = withQuotaHeaders(request, new Answer(f.status(), f.headers(), f.body()));
            } else {
                answer = answer(request);
            }
        } catch (RuntimeException e) {
            internalErrors.add(e);
            answer = Answer.message(500, "Internal Server Error");
        }
        MockResponse.Builder response = new MockResponse.Builder().code(answer.status()).body(answer.body());
        answer.headers().forEach(response::setHeader);
        response.setHeader("X-Toggl-Request-Id", java.util.UUID.randomUUID().toString());
        fault.flatMap(Fault::pause).ifPresent(d -> response.headersDelay(d.toMillis(), TimeUnit.MILLISECONDS));
        fault.map(Fault::interim).orElse(List.of()).forEach(code -> response.addInformationalResponse(
                new MockResponse.Builder().code(code).build()));
        if (fault.isPresent() && fault.get().drop()) {
            // The answer was computed, so a write is applied; the client only sees the connection close.
            response.onResponseStart(new SocketEffect.CloseSocket());
        }
        return response.build();
    }

    private Optional<Fault> takeFault(String path) {
        for (Iterator<Fault> it = faults.iterator(); it.hasNext(); ) {
            Fault fault = it.next();
            if (path.startsWith(fault.pathPrefix())) {
                it.remove();
                return Optional.of(fault);
            }
        }
        return Optional.empty();
    }

    private FakeRequest record(RecordedRequest recorded) {
        HttpUrl url = recorded.getUrl();
        Map<String, List<String>> query = new LinkedHashMap<>();
        for (String name : url.queryParameterNames()) {
            query.put(name, url.queryParameterValues(name).stream().map(v -> v == null ? "" : v).toList());
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String name : recorded.getHeaders().names()) {
            headers.put(name.toLowerCase(Locale.ROOT), String.join(", ", recorded.getHeaders().values(name)));
        }
        String body = recorded.getBody() == null ? "" : recorded.getBody().utf8();
        String path = "/" + String.join("/", url.pathSegments().stream().filter(s -> !s.isEmpty()).toList());
        FakeRequest request = new FakeRequest(recorded.getMethod(), path, query, headers, body);
        requests.add(request);
        return request;
    }

    private Answer answer(FakeRequest request) {
        List<String> segments = List.of(request.path().substring(1).split("/"));
        boolean validation = request.path().startsWith("/webhooks/api/v1/validate/");
        String header = request.header("Authorization");
        FakeToggl.User user = null;
        if (!validation) {
            if (header == null) {
                return Answer.empty(401).withHeader("X-Authorization-Missing", "true");
            }
            Optional<List<String>> basic = request.basicAuth();
            if (basic.isEmpty()) {
                return Answer.empty(401);
            }
            String name = basic.get().get(0);
            String secret = basic.get().get(1);
            user = ("api_token".equals(secret) ? data.userByToken(name) : data.userByEmail(name, secret))
                    .orElse(null);
            if (user == null) {
                return Answer.message(403, "Incorrect username and/or password");
            }
            if (!bucketInterval.isZero()) {
                Instant now = clock.instant();
                Instant last = bucket.get(header);
                if (last != null && Duration.between(last, now).compareTo(bucketInterval) < 0) {
                    return new Answer(429, Map.of("Content-Type", "text/html"), TOO_MANY_REQUESTS_PAGE);
                }
                bucket.put(header, now);
            }
        }
        String quotaKey = user == null ? null : quotaKey(user, segments);
        if (quotaKey != null) {
            Instant[] window = window(quotaKey);
            int limit = limit(quotaKey);
            long resetsIn = Math.max(0, Duration.between(clock.instant(), window[0].plus(Duration.ofHours(1)))
                    .toSeconds());
            int used = (int) window[1].getEpochSecond();
            if (used >= limit) {
                return Answer.text(402, quotaSentence(resetsIn)).withHeader(QUOTA_REMAINING, "0")
                        .withHeader(QUOTA_RESETS_IN, String.valueOf(resetsIn));
            }
            window[1] = Instant.ofEpochSecond(used + 1L);
            Answer answer = routes.route(new Req(request.method(), segments, request.query(), request.body(), user));
            return answer.withHeader(QUOTA_REMAINING, String.valueOf(limit - used - 1))
                    .withHeader(QUOTA_RESETS_IN, String.valueOf(resetsIn));
        }
        return routes.route(new Req(request.method(), segments, request.query(), request.body(), user));
    }

    /**
     * A fault Toggl's application answers (not an HTML page of the load balancer in front of it) carries the quota
     * headers like every other answer: Toggl sends them "so clients can track consumption". The faulted request
     * itself is not counted. A fault that names its own quota headers keeps them.
     */
    private Answer withQuotaHeaders(FakeRequest request, Answer answer) {
        String type = answer.headers().getOrDefault("Content-Type", "");
        Optional<User> user = request.basicAuth().flatMap(basic -> "api_token".equals(basic.get(1))
                ? data.userByToken(basic.get(0)) : data.userByEmail(basic.get(0), basic.get(1)));
        if (type.contains("html") || answer.headers().containsKey(QUOTA_REMAINING) || user.isEmpty()) {
            return answer;
        }
        String key = quotaKey(user.get(), List.of(request.path().substring(1).split("/")));
        Instant[] window = window(key);
        int limit = limit(key);
        long resetsIn = Math.max(0, Duration.between(clock.instant(), window[0].plus(Duration.ofHours(1)))
                .toSeconds());
        return answer.withHeader(QUOTA_REMAINING, String.valueOf(Math.max(0, limit - window[1].getEpochSecond())))
                .withHeader(QUOTA_RESETS_IN, String.valueOf(resetsIn));
    }

    /**
     * The hourly limit of a quota key: 30 for user-specific calls on every plan; per organization 30 (Free), 240
     * (Starter) or 600 (Premium), the organization's plan read as its best workspace's, unless {@link #quota} set it.
     */
    private int limit(String key) {
        if (key.startsWith("user:")) {
            return userQuota;
        }
        if (orgQuota != null) {
            return orgQuota;
        }
        long orgId = Long.parseLong(key.substring(key.lastIndexOf(':') + 1));
        int plan = data.workspaces.values().stream().filter(w -> w.orgId == orgId).mapToInt(w -> w.plan).max()
                .orElse(0);
        return new int[] {30, 240, 600}[plan];
    }

    static String quotaSentence(long resetsIn) {
        return "You have hit your hourly limit for API calls. The quota will reset in " + resetsIn + " seconds.";
    }

    /** {@code user:<id>} for user-specific calls, {@code org:<user>:<org>} for workspace-scoped ones. */
    private String quotaKey(User user, List<String> segments) {
        Long workspace = null;
        if (segments.size() > 3 && segments.get(0).equals("api") && segments.get(2).equals("workspaces")) {
            workspace = number(segments.get(3));
        } else if (segments.size() > 4 && segments.get(0).equals("reports")) {
            workspace = number(segments.get(4));
        } else if (segments.size() > 4 && segments.get(0).equals("webhooks")) {
            workspace = number(segments.get(4));
        }
        FakeData.Ws ws = workspace == null ? null : data.workspaces.get(workspace);
        return ws == null ? "user:" + user.id() : "org:" + user.id() + ":" + ws.orgId;
    }

    private static Long number(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** [window start, requests used (as epoch seconds)]; a window lasts one hour from its first request. */
    private Instant[] window(String key) {
        Instant now = clock.instant();
        Instant[] window = quotaWindows.get(key);
        if (window == null || !now.isBefore(window[0].plus(Duration.ofHours(1)))) {
            window = new Instant[] {now, Instant.ofEpochSecond(0)};
            quotaWindows.put(key, window);
        }
        return window;
    }

    synchronized List<Map<String, Object>> quotaRows(User user) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Map.Entry<String, Instant[]> entry : quotaWindows.entrySet()) {
            String key = entry.getKey();
            if (!key.equals("user:" + user.id()) && !key.startsWith("org:" + user.id() + ":")) {
                continue;
            }
            boolean userSpecific = key.startsWith("user:");
            int limit = limit(key);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("organization_id", userSpecific ? null : Long.parseLong(key.substring(key.lastIndexOf(':') + 1)));
            row.put("remaining", Math.max(0, limit - entry.getValue()[1].getEpochSecond()));
            row.put("total", limit);
            row.put("resets_in_secs", Math.max(0, Duration.between(clock.instant(),
                    entry.getValue()[0].plus(Duration.ofHours(1))).toSeconds()));
            rows.add(row);
        }
        return rows;
    }

    // Webhook deliveries

    /** The probe on creation: a signed PING that must be answered 2xx; echoing the code validates at once. */
    Optional<String> probe(FakeData.Subscription subscription) {
        if (!probeCallbacks) {
            return Optional.empty();
        }
        int status;
        try {
            status = sendPing(subscription);
        } catch (IOException | IllegalArgumentException e) {
            return Optional.of("URL endpoint " + subscription.urlCallback + " request failed with error: "
                    + e.getMessage());
        }
        if (status < 200 || status > 299) {
            return Optional.of("URL endpoint " + subscription.urlCallback + " responded with status " + status
                    + " instead of 200");
        }
        return Optional.empty();
    }

    String deliverPing(FakeData.Subscription subscription) {
        try {
            int status = sendPing(subscription);
            return status >= 200 && status <= 299 ? "ok" : "failed with HTTP " + status;
        } catch (IOException | IllegalArgumentException e) {
            return "failed: " + e.getMessage();
        }
    }

    private int sendPing(FakeData.Subscription subscription) throws IOException {
        Instant now = clock.instant();
        Map<String, Object> ping = new LinkedHashMap<>();
        ping.put("event_id", 0);
        ping.put("created_at", now.toString());
        ping.put("creator_id", subscription.userId);
        ping.put("metadata", Map.of("request_type", "POST", "event_user_id", subscription.userId));
        ping.put("payload", "ping");
        ping.put("subscription_id", subscription.id);
        ping.put("timestamp", now.toString());
        ping.put("url_callback", subscription.urlCallback);
        if (subscription.validatedAt == null) {
            ping.put("validation_code", subscription.validationCode);
            ping.put("validation_code_url", baseUrl() + "/webhooks/api/v1/validate/" + subscription.workspaceId + "/"
                    + subscription.id + "/" + subscription.validationCode);
        }
        String body = Answer.JSON.toJson(ping);
        String signature = "sha256=" + HexFormat.of().formatHex(hmac(subscription.secret, body));
        Request request = new Request.Builder().url(subscription.urlCallback)
                .header(SIGNATURE_HEADER, signature)
                .header("User-Agent", "Toggl Webhooks")
                .post(RequestBody.create(body, MediaType.get("application/json")))
                .build();
        try (Response response = outbound.newCall(request).execute()) {
            deliveries.add(new Delivery(subscription.urlCallback, body, signature, response.code()));
            String answer = response.body() == null ? "" : response.body().string();
            if (response.isSuccessful() && subscription.validatedAt == null
                    && answer.contains("\"" + subscription.validationCode + "\"")) {
                subscription.validatedAt = now;
            }
            return response.code();
        }
    }

    /** HMAC-SHA256 of the body keyed by the secret, as Toggl signs deliveries. */
    public static byte[] hmac(String secret, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(body.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code Basic base64(user:password)}, for raw requests in tests. */
    public static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "FakeToggl[" + baseUrl() + "]";
    }
}
