package io.patchbay.connector.oneflow.fake;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.Moshi;
import com.squareup.moshi.Types;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
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
import okio.Buffer;

/**
 * A faithful stand-in for the Oneflow public API v1 on {@code 127.0.0.1}: token and email checks with Oneflow's
 * 401, the shared error body, {@code {_links, count, data}} pages with {@code limit} 1..100 and {@code offset}
 * 0..19900 on every list, a contract's parties and data fields included, filters and sorting, 403/404/409/402 rules on contracts, the file download's 302, a per-token rate
 * limit with Oneflow's 429 body, and faults on demand (5xx, 429, slow answers, dropped connections).
 *
 * <p>Every request is recorded. Start one per test class; {@link #reset()} restores the seed between tests.
 */
public final class FakeOneflow implements AutoCloseable {
    /** Account "Acme Contracts AB": the token tests link with. */
    public static final String TOKEN = "9841f1ee533681c3ea6a438560f2bb6c73b76675";
    /** A well-formed token of another account ("Other Industries Oy"). */
    public static final String OTHER_ACCOUNT_TOKEN = "other-account-token-00000000000000000001";
    /** A well-formed token Oneflow does not know (revoked). */
    public static final String REVOKED_TOKEN = "revoked0-0000-0000-0000-000000000000dead";
    public static final long ACCOUNT_ID = 392_610;
    public static final long OTHER_ACCOUNT_ID = 500_001;

    /** Active account admin. */
    public static final String ADMIN_EMAIL = "ada.admin@acme.example";
    public static final long ADMIN_USER_ID = 416_055;
    /** Active non-admin, listed after the first page of users; Oneflow's spelling, capitals included. */
    public static final String MEMBER_EMAIL = "Max.Member@Acme.example";
    public static final long MEMBER_USER_ID = 416_300;
    /** A deactivated user of the account. */
    public static final String INACTIVE_EMAIL = "ivy.inactive@acme.example";
    public static final long INACTIVE_USER_ID = 416_056;
    /** An active non-admin who has been added to no workspace. */
    public static final String NO_WORKSPACE_EMAIL = "nora.nowhere@acme.example";
    public static final long NO_WORKSPACE_USER_ID = 416_057;
    /** The admin of the other account. */
    public static final String OTHER_ACCOUNT_EMAIL = "olga@other.example";
    /** Users besides admin, inactive, member and the one without workspaces, so the user list spans two pages. */
    public static final int FILLER_USERS = 120;
    public static final int ACME_USERS = FILLER_USERS + 4;

    /** The member may create contracts here. */
    public static final long WORKSPACE_SALES = 396_198;
    /** The member may read but not create contracts here. */
    public static final long WORKSPACE_HR = 396_199;
    /** Only the admin reaches it. */
    public static final long WORKSPACE_LEGAL = 396_200;

    /** Active, Sales; data fields {@code counterparty_name}, {@code effective_date}. */
    public static final long TEMPLATE_NDA = 110_008;
    /** Active, Sales and HR; no data fields. */
    public static final long TEMPLATE_CONDUCT = 110_010;
    /** Inactive, Sales. */
    public static final long TEMPLATE_INACTIVE = 110_011;
    /** Active, HR; data field {@code employee_name}. */
    public static final long TEMPLATE_EMPLOYMENT = 110_020;
    /** Active, Legal. */
    public static final long TEMPLATE_LEGAL = 110_030;

    /** Signed NDA in Sales with files 1 (contract), 2 (verification) and 7001 ({@code terms.docx}). */
    public static final long CONTRACT_SIGNED = 51_874;
    /** Draft NDA in Sales with a signatory counterparty, ready to publish. */
    public static final long CONTRACT_DRAFT = 51_875;
    /** Pending employment contract in HR with an individual party. */
    public static final long CONTRACT_HR = 51_876;
    /** Draft in Legal, visible to the admin only. */
    public static final long CONTRACT_LEGAL = 51_877;
    /** Contracts in Sales, the two above included. */
    public static final int SALES_CONTRACTS = 128;

    static final String TOKEN_HEADER = "x-oneflow-api-token";
    static final String EMAIL_HEADER = "x-oneflow-user-email";
    private static final DateTimeFormatter WEBHOOK_TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssxx")
            .withZone(ZoneOffset.UTC);
    private static final long[] WEBHOOK_RETRY_MILLIS = {1, 5, 10, 30, 60, 300, 600, 1800, 3600};

    private final MockWebServer server = new MockWebServer();
    private boolean https;
    private final JsonAdapter<Object> json = new Moshi.Builder().build().adapter(Object.class).serializeNulls();
    private final JsonAdapter<Map<String, Object>> jsonObject = new Moshi.Builder().build()
            .adapter(Types.newParameterizedType(Map.class, String.class, Object.class));
    private final List<RecordedCall> calls = new CopyOnWriteArrayList<>();
    private final Deque<Fault> faults = new ArrayDeque<>();
    private final Map<String, Deque<Long>> requestTimes = new HashMap<>();
    private final Map<String, String> downloadSignatures = new HashMap<>();
    private final SecureRandom random = new SecureRandom();
    private FakeState state = FakeState.seed();
    private Duration delay = Duration.ZERO;
    private int delayedRequests;
    private int requestsPerWindow = 2000;
    private Duration window = Duration.ofMinutes(5);
    private String downloadHost;
    private Integer fileHostStatus;
    private boolean unpagedChildLists;
    private boolean emailsIgnoreCase;

    private sealed interface Fault permits Pass, Status, Throttle, Drop, Garble, Interim, Upgrade, Redirect, Empty {
    }

    private record Pass() implements Fault {
    }

    private record Interim(int code) implements Fault {
    }

    private record Upgrade() implements Fault {
    }

    private record Empty() implements Fault {
    }

    private record Redirect(String location) implements Fault {
    }

    private record Garble() implements Fault {
    }

    private record Status(int code) implements Fault {
    }

    private record Throttle(Integer retryAfterSeconds) implements Fault {
    }

    private record Drop() implements Fault {
    }

    private FakeOneflow() {
    }

    /** Starts a fake on a free port of 127.0.0.1. */
    public static FakeOneflow start() {
        return start(null, List.of());
    }

    /**
     * Starts a fake serving TLS, as Oneflow does, with {@code tls}'s certificate (one naming 127.0.0.1) and offering
     * {@code protocols} by ALPN.
     */
    public static FakeOneflow startHttps(HandshakeCertificates tls, List<Protocol> protocols) {
        return start(tls, protocols);
    }

    private static FakeOneflow start(HandshakeCertificates tls, List<Protocol> protocols) {
        FakeOneflow fake = new FakeOneflow();
        if (tls != null) {
            fake.server.useHttps(tls.sslSocketFactory());
            fake.server.setProtocols(protocols);
            fake.https = true;
        }
        fake.server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                return fake.handle(request);
            }
        });
        try {
            fake.server.start(InetAddress.getByName("127.0.0.1"), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return fake;
    }

    /** {@code http://127.0.0.1:<port>/v1} ({@code https} when it serves TLS), the connector's base-URL override. */
    public URI baseUrl() {
        return URI.create((https ? "https" : "http") + "://127.0.0.1:" + server.getPort() + "/v1");
    }

    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        server.close();
    }

    // ---- switches -------------------------------------------------------------------------------------------

    /** The next {@code times} API requests are answered as usual: a fault queued after them hits a later one. */
    public synchronized FakeOneflow passNext(int times) {
        for (int i = 0; i < times; i++) {
            faults.add(new Pass());
        }
        return this;
    }

    /** The next {@code times} API requests answer {@code status} with Oneflow's error body. */
    public synchronized FakeOneflow failNext(int status, int times) {
        for (int i = 0; i < times; i++) {
            faults.add(new Status(status));
        }
        return this;
    }

    /** The next {@code times} API requests answer 429; with a {@code Retry-After} header when not null. */
    public synchronized FakeOneflow rateLimitNext(int times, Integer retryAfterSeconds) {
        for (int i = 0; i < times; i++) {
            faults.add(new Throttle(retryAfterSeconds));
        }
        return this;
    }

    /** The next {@code times} API requests lose their connection before any answer. */
    public synchronized FakeOneflow dropNext(int times) {
        for (int i = 0; i < times; i++) {
            faults.add(new Drop());
        }
        return this;
    }

    /** The next {@code times} API requests answer 200 with an HTML maintenance page instead of JSON. */
    public synchronized FakeOneflow garbleNext(int times) {
        for (int i = 0; i < times; i++) {
            faults.add(new Garble());
        }
        return this;
    }

    /**
     * The next API request gets an interim answer with this 1xx status ({@code 100 Continue} unasked,
     * {@code 103 Early Hints} from a CDN) and then its normal answer.
     */
    public synchronized FakeOneflow interimNext(int status) {
        faults.add(new Interim(status));
        return this;
    }

    /**
     * The next API request is answered {@code 101 Switching Protocols} although it asked for no upgrade, as a
     * misbehaving proxy in front of Oneflow could answer it.
     */
    public synchronized FakeOneflow switchProtocolsNext() {
        faults.add(new Upgrade());
        return this;
    }

    /** The next API request is handled (a write is applied) but answered 200 with an empty JSON body. */
    public synchronized FakeOneflow emptyBodyNext() {
        faults.add(new Empty());
        return this;
    }

    /** The next API request is answered with a 302 to {@code location}, as a proxy or a moved base URL would. */
    public synchronized FakeOneflow redirectNext(String location) {
        faults.add(new Redirect(location));
        return this;
    }

    /** The next {@code times} requests answer only after {@code delay}. */
    public synchronized FakeOneflow delayNext(Duration delay, int times) {
        this.delay = delay;
        this.delayedRequests = times;
        return this;
    }

    /** Oneflow's per-token limit (2000 per 5 minutes); lower it to see the real 429 path. */
    public synchronized FakeOneflow limitRequests(int perWindow, Duration window) {
        this.requestsPerWindow = perWindow;
        this.window = window;
        requestTimes.clear();
        return this;
    }

    /** A free-plan account cannot publish (402). */
    public synchronized FakeOneflow freePlan(boolean free) {
        state.accountsByToken.get(TOKEN).freePlan = free;
        return this;
    }

    /** Download redirects point at this host name (e.g. {@code localhost}) instead of 127.0.0.1. */
    public synchronized FakeOneflow redirectDownloadsToHost(String host) {
        this.downloadHost = host;
        return this;
    }

    /**
     * The file host (where downloads redirect to) answers every request with {@code status} and an S3-style XML
     * error, as an expired signed link (403) or an outage of the host would; null for normal answers.
     */
    public synchronized FakeOneflow fileHostAnswers(Integer status) {
        this.fileHostStatus = status;
        return this;
    }

    /**
     * A contract's parties and data fields answered as {@code {"data": [...]}} with every item, {@code limit} and
     * {@code offset} ignored and no {@code _links} or {@code count}: how Oneflow's own Power Automate connector and
     * Airbyte read these child lists (without paging), which the pagination page ("every list endpoint is
     * paginated") contradicts. Off by default: the documented paging.
     */
    public synchronized FakeOneflow unpagedChildLists(boolean unpaged) {
        this.unpagedChildLists = unpaged;
        return this;
    }

    /**
     * Whether {@code x-oneflow-user-email} matches a user whatever its letter case. Off by default: Oneflow's
     * documents say only that an unknown email gives 401 (case-insensitivity is inferred, not documented), so the
     * fake compares exactly; a connector that passes here works whichever way Oneflow compares, and one that sends
     * another spelling than it checked is caught. Turn it on to play a lenient Oneflow.
     */
    public synchronized FakeOneflow emailsIgnoreCase(boolean ignoreCase) {
        this.emailsIgnoreCase = ignoreCase;
        return this;
    }

    /** Back to the seed data, no faults, default limits, no recorded requests. */
    public synchronized void reset() {
        state = FakeState.seed();
        faults.clear();
        requestTimes.clear();
        downloadSignatures.clear();
        delay = Duration.ZERO;
        delayedRequests = 0;
        requestsPerWindow = 2000;
        window = Duration.ofMinutes(5);
        downloadHost = null;
        fileHostStatus = null;
        unpagedChildLists = false;
        emailsIgnoreCase = false;
        calls.clear();
    }

    /** Adds {@code count} active users ({@code extra00001@acme.example} ...) to the token's account, to page through. */
    public synchronized FakeOneflow addUsers(int count) {
        FakeState.Account acme = state.accountsByToken.get(TOKEN);
        for (int i = 1; i <= count; i++) {
            acme.users.add(new FakeState.User(state.id(), String.format(Locale.ROOT, "extra%05d@acme.example", i),
                    "Extra " + i, "", true, false));
        }
        return this;
    }

    /** Adds {@code count} data fields ({@code extra_001} ...) to a contract, to page through. */
    public synchronized FakeOneflow addDataFields(long contractId, int count) {
        FakeState.Contract c = state.contracts.get(contractId);
        for (int i = 1; i <= count; i++) {
            String customId = String.format(Locale.ROOT, "extra_%03d", i);
            c.dataFields.add(new FakeState.DataField(state.id(), new FakeState.DataFieldSpec(customId,
                    "Extra " + i, "", ""), "value " + i));
        }
        return this;
    }

    /** Adds {@code count} individual counterparties ({@code Person 001} ...) to a contract, to page through. */
    public synchronized FakeOneflow addCounterparties(long contractId, int count) {
        FakeState.Contract c = state.contracts.get(contractId);
        for (int i = 1; i <= count; i++) {
            String name = String.format(Locale.ROOT, "Person %03d", i);
            state.counterparty(c, "individual", name, "person" + i + "@example.com", name, "");
        }
        return this;
    }

    // ---- recorded requests ----------------------------------------------------------------------------------

    public List<RecordedCall> requests() {
        return List.copyOf(calls);
    }

    /** Requests with this method whose path below {@code /v1} matches exactly. */
    public List<RecordedCall> requests(String method, String apiPath) {
        return calls.stream().filter(c -> c.method().equals(method) && c.apiPath().equals(apiPath)).toList();
    }

    public void clearRequests() {
        calls.clear();
    }

    // ---- state for assertions -------------------------------------------------------------------------------

    public synchronized Optional<String> contractState(long contractId) {
        return Optional.ofNullable(state.contracts.get(contractId)).map(c -> c.state);
    }

    public synchronized Optional<String> dataFieldValue(long contractId, String customId) {
        return Optional.ofNullable(state.contracts.get(contractId)).flatMap(c -> c.dataFields.stream()
                .filter(d -> d.spec.customId().equals(customId)).findFirst().map(d -> d.value));
    }

    public synchronized byte[] fileBytes(long contractId, long fileId) {
        return state.contracts.get(contractId).file(fileId).orElseThrow().bytes().clone();
    }

    public synchronized int contractCount() {
        return state.contracts.size();
    }

    // ---- webhooks -------------------------------------------------------------------------------------------

    /** A webhook body as Oneflow posts it: times with {@code +0000}, signature {@code sha1(callback_id + key)}. */
    public static byte[] webhookBody(long contractId, String callbackId, String signKey, long eventId,
                                     String eventType, Instant createdTime) {
        String body = "{\"contract\":{\"id\":" + contractId + "},\"callback_id\":\"" + callbackId + "\","
                + "\"events\":[{\"created_time\":\"" + WEBHOOK_TIME.format(createdTime) + "\",\"id\":" + eventId
                + ",\"type\":\"" + eventType + "\"}],\"signature\":\"" + sha1Hex(callbackId + signKey) + "\"}";
        return body.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Posts a webhook for {@code eventType} on a contract to {@code callbackUrl}, retrying any answer but 200 on
     * Oneflow's schedule (1, 5, 10, 30, ... seconds) compressed to milliseconds, with the same body every time.
     */
    public WebhookDelivery deliverWebhook(URI callbackUrl, String signKey, long contractId, String eventType) {
        byte[] randomBytes = new byte[20];
        random.nextBytes(randomBytes);
        String callbackId = HexFormat.of().formatHex(randomBytes);
        long eventId;
        synchronized (this) {
            eventId = state.id();
        }
        byte[] body = webhookBody(contractId, callbackId, signKey, eventId, eventType, Instant.now());
        OkHttpClient client = new OkHttpClient.Builder().callTimeout(5, TimeUnit.SECONDS).build();
        List<Integer> statuses = new ArrayList<>();
        try {
            for (int attempt = 0; attempt <= WEBHOOK_RETRY_MILLIS.length; attempt++) {
                Request request = new Request.Builder().url(callbackUrl.toString())
                        .post(RequestBody.create(body, MediaType.get("application/json"))).build();
                try (Response response = client.newCall(request).execute()) {
                    statuses.add(response.code());
                    if (response.code() == 200) {
                        break;
                    }
                } catch (IOException e) {
                    statuses.add(0);
                }
                if (attempt < WEBHOOK_RETRY_MILLIS.length) {
                    Thread.sleep(WEBHOOK_RETRY_MILLIS[attempt]);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            client.dispatcher().executorService().shutdown();
            client.connectionPool().evictAll();
        }
        return new WebhookDelivery(callbackId, body, statuses);
    }

    static String sha1Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- dispatch -------------------------------------------------------------------------------------------

    private MockResponse handle(RecordedRequest request) {
        HttpUrl url = request.getUrl();
        Map<String, String> query = new LinkedHashMap<>();
        for (String name : url.queryParameterNames()) {
            query.put(name, Optional.ofNullable(url.queryParameter(name)).orElse(""));
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String name : request.getHeaders().names()) {
            headers.put(name.toLowerCase(Locale.ROOT), String.join(",", request.getHeaders().values(name)));
        }
        String body = request.getBody() == null ? "" : request.getBody().utf8();
        calls.add(new RecordedCall(request.getMethod(), url.encodedPath(), query, headers, body));
        MockResponse response;
        Duration wait;
        synchronized (this) {
            response = route(request.getMethod(), url, query, headers, body);
            wait = Duration.ZERO;
            if (delayedRequests > 0) {
                delayedRequests--;
                wait = delay;
            }
        }
        if (!wait.isZero()) {
            response = response.newBuilder().headersDelay(wait.toMillis(), TimeUnit.MILLISECONDS).build();
        }
        return response;
    }

    private MockResponse route(String method, HttpUrl url, Map<String, String> query, Map<String, String> headers,
                               String body) {
        String path = url.encodedPath();
        if (path.startsWith("/__files/")) {
            return serveFile(path, query);
        }
        if (!path.startsWith("/v1/")) {
            return error(404, 4040000, "Not found.", Map.of());
        }
        Fault fault = faults.poll();
        if (fault instanceof Drop) {
            return new MockResponse.Builder().onResponseStart(new SocketEffect.CloseSocket()).build();
        }
        if (fault instanceof Garble) {
            return new MockResponse.Builder().code(200).setHeader("Content-Type", "text/html")
                    .body("<html><body>Down for maintenance</body></html>").build();
        }
        if (fault instanceof Upgrade) {
            return new MockResponse.Builder().code(101).setHeader("Upgrade", "websocket")
                    .setHeader("Connection", "Upgrade").build();
        }
        if (fault instanceof Redirect r) {
            return new MockResponse.Builder().code(302).setHeader("Location", r.location()).build();
        }
        if (fault instanceof Empty) {
            return route(method, url, query, headers, body).newBuilder().code(200).body("")
                    .setHeader("Content-Type", "application/json").build();
        }
        if (fault instanceof Interim i) {
            return route(method, url, query, headers, body).newBuilder()
                    .addInformationalResponse(new MockResponse.Builder().code(i.code()).build()).build();
        }
        if (fault instanceof Status s) {
            return error(s.code(), s.code() * 10_000L, s.code() >= 500
                    ? "An unexpected error occurred. Please try again later." : "Forced failure.", Map.of());
        }
        String token = headers.get(TOKEN_HEADER);
        FakeState.Account account = token == null ? null : state.accountsByToken.get(token);
        if (account == null) {
            return error(401, 4010000, "The API token or the user email is invalid.", Map.of());
        }
        if (fault instanceof Throttle t || !withinLimit(token)) {
            Integer retryAfter = fault instanceof Throttle t ? t.retryAfterSeconds() : null;
            return rateLimited(retryAfter);
        }
        FakeState.User user = null;
        String email = headers.get(EMAIL_HEADER);
        if (email != null) {
            user = account.user(email, emailsIgnoreCase).filter(u -> u.active).orElse(null);
            if (user == null) {
                return error(401, 4010000, "The API token or the user email is invalid.", Map.of());
            }
        }
        Actor actor = new Actor(account, user);
        List<String> segments = new ArrayList<>(url.pathSegments().subList(1, url.pathSegments().size()));
        if (!segments.isEmpty() && segments.get(segments.size() - 1).isEmpty()) {
            segments.remove(segments.size() - 1); // Oneflow takes /templates/ as /templates
        }
        try {
            return dispatch(method, segments, query, actor, body);
        } catch (BadRequest e) {
            return e.response;
        }
    }

    private MockResponse dispatch(String method, List<String> s, Map<String, String> query, Actor actor,
                                  String body) {
        String route = method + " " + String.join("/", s.stream().map(x -> x.matches("[0-9]+") ? "#" : x).toList());
        return switch (route) {
            case "GET ping" -> ok(Map.of());
            case "GET accounts/me" -> ok(account(actor.account));
            case "GET users" -> users(actor, query);
            case "GET workspaces" -> workspaces(actor, query);
            case "GET templates" -> templates(actor, query);
            case "GET contracts" -> contracts(actor, query);
            case "POST contracts/create" -> createContract(actor, body);
            case "GET contracts/#" -> withContract(actor, s.get(1), c -> ok(contract(c)));
            case "POST contracts/#/publish" -> withContract(actor, s.get(1), c -> publish(actor, c, body));
            case "GET contracts/#/parties" -> withContract(actor, s.get(1), c -> ok(childList("contracts/" + c.id
                    + "/parties", query, parties(c))));
            case "GET contracts/#/events" -> withContract(actor, s.get(1), c -> events(c, query));
            case "GET contracts/#/data_fields" -> withContract(actor, s.get(1), c -> ok(childList("contracts/" + c.id
                    + "/data_fields", query, lazily(c.dataFields, d -> dataField(c, d)))));
            case "GET contracts/#/files" -> withContract(actor, s.get(1), c -> files(c, query));
            case "GET contracts/#/files/#" -> withContract(actor, s.get(1), c -> download(c, s.get(3), query));
            default -> {
                if (route.startsWith("PUT contracts/#/data_fields/") && s.size() == 4) {
                    yield withContract(actor, s.get(1), c -> updateDataField(actor, c, s.get(3), body));
                }
                yield error(404, 4040000, "The requested endpoint does not exist.", Map.of());
            }
        };
    }

    /** The acting user; {@code user} null means Oneflow's anonymous admin (no email header). */
    private record Actor(FakeState.Account account, FakeState.User user) {
        boolean admin() {
            return user == null || user.admin;
        }

        boolean reaches(FakeState.Workspace w) {
            return w.accountId() == account.id && (admin() || user.workspaceCreate.containsKey(w.id()));
        }

        boolean canCreate(FakeState.Workspace w) {
            return reaches(w) && (admin() || Boolean.TRUE.equals(user.workspaceCreate.get(w.id())));
        }
    }

    private boolean withinLimit(String token) {
        long now = System.nanoTime();
        Deque<Long> times = requestTimes.computeIfAbsent(token, k -> new ArrayDeque<>());
        while (!times.isEmpty() && now - times.peekFirst() > window.toNanos()) {
            times.pollFirst();
        }
        if (times.size() >= requestsPerWindow) {
            return false;
        }
        times.addLast(now);
        return true;
    }

    // ---- resources ------------------------------------------------------------------------------------------

    private MockResponse users(Actor actor, Map<String, String> query) {
        Paging paging = paging(query);
        List<Object> all = actor.account.users.stream().map(u -> (Object) user(u)).toList();
        return ok(page("users", query, paging, all));
    }

    private MockResponse workspaces(Actor actor, Map<String, String> query) {
        Paging paging = paging(query);
        List<FakeState.Workspace> visible = new ArrayList<>(state.workspaces.values().stream()
                .filter(actor::reaches).toList());
        sort(visible, query.get("sort"), Map.of("name", Comparator.comparing(FakeState.Workspace::name)));
        return ok(page("workspaces", query, paging, visible.stream().map(w -> (Object) workspace(actor, w)).toList()));
    }

    private MockResponse templates(Actor actor, Map<String, String> query) {
        Paging paging = paging(query);
        List<Long> workspaceIds = idList(query, "filter[workspace_ids]");
        String active = query.get("filter[active]");
        Predicate<FakeState.Template> activeFilter = active == null || active.equals("true") ? FakeState.Template::active
                : active.equals("false") ? t -> !t.active() : t -> true;
        if (active != null && !List.of("true", "false", "").contains(active)) {
            throw badRequest("filter[active]", "Must be true, false or empty.");
        }
        List<FakeState.Template> visible = new ArrayList<>(state.templates.values().stream()
                .filter(t -> t.accountId() == actor.account.id)
                .filter(t -> t.workspaceIds().stream().anyMatch(w -> actor.reaches(state.workspaces.get(w))))
                .filter(t -> workspaceIds == null || t.workspaceIds().stream().anyMatch(workspaceIds::contains))
                .filter(activeFilter)
                .toList());
        sort(visible, query.get("sort"), Map.of("name", Comparator.comparing(FakeState.Template::name)));
        return ok(page("templates", query, paging, visible.stream().map(t -> (Object) template(t)).toList()));
    }

    private MockResponse contracts(Actor actor, Map<String, String> query) {
        Paging paging = paging(query);
        List<Long> workspaceIds = idList(query, "filter[workspace_ids]");
        List<String> states = Optional.ofNullable(query.get("filter[states]")).map(v -> List.of(v.split(",")))
                .orElse(null);
        if (states != null && !List.of("draft", "pending", "overdue", "signed", "declined").containsAll(states)) {
            throw badRequest("filter[states]", "Must be a comma-separated list of contract states.");
        }
        String name = lower(query.get("filter[name]"));
        String text = lower(query.get("filter[query]"));
        Instant[] published = range(query, "filter[published_time]");
        String[] dataField = Optional.ofNullable(query.get("filter[data_field_match]")).map(v -> v.split(":", 2))
                .orElse(null);
        if (dataField != null && (dataField.length != 2 || dataField[1].isEmpty())) {
            throw badRequest("filter[data_field_match]", "Use <data-field-custom-id>:<value>; the value can't be empty.");
        }
        List<FakeState.Contract> matches = new ArrayList<>(state.contracts.values().stream()
                .filter(c -> actor.reaches(state.workspaces.get(c.workspaceId)))
                .filter(c -> workspaceIds == null || workspaceIds.contains(c.workspaceId))
                .filter(c -> states == null || states.contains(c.state))
                .filter(c -> name == null || c.name.toLowerCase(Locale.ROOT).contains(name))
                .filter(c -> text == null || c.name.toLowerCase(Locale.ROOT).contains(text)
                        || c.participantEmails().stream().anyMatch(e -> e.contains(text)))
                .filter(c -> published == null || (c.published != null
                        && (published[0] == null || !c.published.isBefore(published[0]))
                        && (published[1] == null || !c.published.isAfter(published[1]))))
                .filter(c -> dataField == null || c.dataFields.stream().anyMatch(d ->
                        d.spec.customId().equals(dataField[0]) && dataField[1].equals(d.value)))
                .toList());
        Map<String, Comparator<FakeState.Contract>> sortable = Map.of(
                "name", Comparator.comparing(c -> c.name),
                "state", Comparator.comparing(c -> c.state),
                "state_updated_time", Comparator.comparing(c -> c.stateUpdated),
                "published_time", Comparator.comparing(c -> c.published, Comparator.nullsLast(Comparator.naturalOrder())));
        sort(matches, query.get("sort"), sortable);
        return ok(page("contracts", query, paging, matches.stream().map(c -> (Object) contract(c)).toList()));
    }

    private MockResponse events(FakeState.Contract c, Map<String, String> query) {
        Paging paging = paging(query);
        List<FakeState.Event> events = new ArrayList<>(c.events);
        sort(events, query.get("sort"), Map.of("created_time", Comparator.comparing(FakeState.Event::created),
                "id", Comparator.comparingLong(FakeState.Event::id), "type", Comparator.comparing(FakeState.Event::type)));
        return ok(page("contracts/" + c.id + "/events", query, paging,
                events.stream().map(e -> (Object) event(c, e)).toList()));
    }

    private MockResponse files(FakeState.Contract c, Map<String, String> query) {
        Paging paging = paging(query);
        return ok(page("contracts/" + c.id + "/files", query, paging,
                c.files.stream().map(f -> (Object) file(c, f)).toList()));
    }

    private MockResponse download(FakeState.Contract c, String fileId, Map<String, String> query) {
        FakeState.File file = c.file(Long.parseLong(fileId)).orElse(null);
        if (file == null) {
            return notFound();
        }
        if (!"true".equals(query.get("download"))) {
            return ok(file(c, file));
        }
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        String signature = HexFormat.of().formatHex(bytes);
        downloadSignatures.put(c.id + "/" + file.id(), signature);
        String host = downloadHost == null ? "127.0.0.1" : downloadHost;
        return new MockResponse.Builder().code(302)
                .setHeader("Location", "http://" + host + ":" + server.getPort() + "/__files/" + c.id + "/" + file.id()
                        + "?signature=" + signature)
                .setHeader("Content-Type", "application/json")
                .body("{}").build();
    }

    /** The redirect target: a signed URL, like a storage bucket's, that needs no Oneflow headers. */
    private MockResponse serveFile(String path, Map<String, String> query) {
        String[] parts = path.substring("/__files/".length()).split("/");
        String key = parts.length == 2 ? parts[0] + "/" + parts[1] : "";
        String expected = downloadSignatures.get(key);
        FakeState.Contract c = parts.length == 2 && parts[0].matches("[0-9]+")
                ? state.contracts.get(Long.parseLong(parts[0])) : null;
        if (fileHostStatus != null) {
            return new MockResponse.Builder().code(fileHostStatus).setHeader("Content-Type", "application/xml")
                    .body("<Error><Code>" + (fileHostStatus == 403 ? "AccessDenied</Code><Message>Request has expired"
                            : "ServiceUnavailable</Code><Message>Please reduce your request rate")
                            + "</Message></Error>").build();
        }
        if (expected == null || c == null || !expected.equals(query.get("signature"))) {
            return new MockResponse.Builder().code(403).setHeader("Content-Type", "application/xml")
                    .body("<Error><Code>AccessDenied</Code></Error>").build();
        }
        FakeState.File file = c.file(Long.parseLong(parts[1])).orElseThrow();
        String type = file.extension().equals("pdf") ? "application/pdf"
                : "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
        return new MockResponse.Builder().code(200).setHeader("Content-Type", type)
                .body(new Buffer().write(file.bytes())).build();
    }

    private MockResponse createContract(Actor actor, String body) {
        requireEmail(actor);
        Map<String, Object> input = parseBody(body);
        Map<String, List<String>> problems = new LinkedHashMap<>();
        Long workspaceId = number(input.get("workspace_id"));
        Long templateId = number(input.get("template_id"));
        if (workspaceId == null) {
            problems.put("workspace_id", List.of("Missing data for required field."));
        }
        if (templateId == null) {
            problems.put("template_id", List.of("Missing data for required field."));
        }
        if (input.get("name") instanceof String n && n.length() > 130) {
            problems.put("name", List.of("Longer than maximum length 130."));
        }
        if (!problems.isEmpty()) {
            return error(400, 4000000, "The request contains invalid parameters.", problems);
        }
        FakeState.Workspace workspace = state.workspaces.get(workspaceId);
        FakeState.Template template = state.templates.get(templateId);
        if (workspace == null || !actor.reaches(workspace) || template == null
                || !template.workspaceIds().contains(workspaceId)) {
            return notFound();
        }
        if (!actor.canCreate(workspace)) {
            return error(403, 4030000, "You do not have permission to create contracts in this workspace.", Map.of());
        }
        if (!template.active()) {
            return error(403, 4030000, "The template is not active.", Map.of());
        }
        List<?> fields = input.get("data_fields") instanceof List<?> l ? l : List.of();
        for (int i = 0; i < fields.size(); i++) {
            Object customId = fields.get(i) instanceof Map<?, ?> m ? m.get("custom_id") : null;
            if (template.fields().stream().noneMatch(f -> f.customId().equals(customId))) {
                problems.put("data_fields[" + i + "].custom_id", List.of("No data field with this custom_id in the template."));
            }
        }
        List<?> parties = input.get("parties") instanceof List<?> l ? l : List.of();
        Map<String, String> seenEmails = new HashMap<>();
        seenEmails.put(actor.user.email.toLowerCase(Locale.ROOT), "my_party");
        for (int i = 0; i < parties.size(); i++) {
            Map<?, ?> party = parties.get(i) instanceof Map<?, ?> m ? m : Map.of();
            if (!List.of("company", "individual").contains(party.get("type"))) {
                problems.put("parties[" + i + "].type", List.of("Must be one of: company, individual."));
            }
            boolean single = !(party.get("participants") instanceof List<?>);
            List<?> people = party.get("participants") instanceof List<?> l ? l
                    : party.get("participant") instanceof Map<?, ?> one ? List.of(one) : List.of();
            for (int j = 0; j < people.size(); j++) {
                Map<?, ?> person = people.get(j) instanceof Map<?, ?> p ? p : Map.of();
                participantProblems(person, "parties[" + i + "]." + (single ? "participant" : "participants[" + j + "]"),
                        problems);
                Object email = person.get("email");
                if (email instanceof String e && seenEmails.put(e.toLowerCase(Locale.ROOT), "x") != null) {
                    return error(400, 4000003, "You tried to add two identical participants to a contract. Check the "
                            + "documentation on how to avoid adding two participants to the same contract.",
                            Map.of("parties[" + i + "].participants[" + j + "].email",
                                    List.of("You tried to add a duplicate participant with the email address " + e + ".")));
                }
            }
        }
        if (!problems.isEmpty()) {
            return error(400, 4000000, "The request contains invalid parameters.", problems);
        }
        long id = state.id();
        String name = input.get("name") instanceof String n ? n : template.name();
        FakeState.Contract c = state.contract(id, workspaceId, templateId, name, "draft", Instant.now(), actor.user,
                actor.account);
        for (Object f : fields) {
            Map<?, ?> field = (Map<?, ?>) f;
            if (!field.containsKey("value")) {
                continue; // Datafield_for_create needs only custom_id: the template's value stays
            }
            c.dataFields.stream().filter(d -> d.spec.customId().equals(field.get("custom_id"))).findFirst()
                    .ifPresent(d -> d.value = field.get("value") == null ? "" : String.valueOf(field.get("value")));
        }
        for (Object p : parties) {
            Map<?, ?> party = (Map<?, ?>) p;
            FakeState.Party created = new FakeState.Party(state.id(), (String) party.get("type"),
                    party.get("name") instanceof String n ? n : null, false,
                    party.get("country_code") instanceof String cc ? cc : "SE",
                    party.get("identification_number") instanceof String nr ? nr : "");
            List<?> people = party.get("participants") instanceof List<?> l ? l
                    : party.get("participant") instanceof Map<?, ?> one ? List.of(one) : List.of();
            for (Object person : people) {
                Map<?, ?> attrs = (Map<?, ?>) person;
                FakeState.Participant participant = state.participant(String.valueOf(attrs.get("name")),
                        attrs.get("email") instanceof String e ? e : "", Boolean.TRUE.equals(attrs.get("signatory")),
                        false);
                for (String key : List.of("delivery_channel", "sign_method", "two_step_authentication_method",
                        "phone_number", "title")) {
                    if (attrs.get(key) instanceof String v) {
                        participant.attributes.put(key, v);
                    }
                }
                created.participants.add(participant);
            }
            c.parties.add(created);
        }
        return ok(contract(c));
    }

    /**
     * Oneflow's participant rules (its dynamic schema): an email for the email channel, a phone number for sms, and a
     * sign method and permissions for a signatory.
     */
    private static void participantProblems(Map<?, ?> person, String at, Map<String, List<String>> problems) {
        String channel = person.get("delivery_channel") instanceof String c ? c : "";
        if (List.of("email", "email_and_sms").contains(channel) && !(person.get("email") instanceof String e
                && !e.isBlank())) {
            problems.put(at + ".email", List.of("Missing data for required field."));
        }
        if ((List.of("sms", "email_and_sms").contains(channel) || "sms".equals(person.get("sign_method")))
                && !(person.get("phone_number") instanceof String phone && !phone.isBlank())) {
            problems.put(at + ".phone_number", List.of("Missing data for required field."));
        }
        if (Boolean.TRUE.equals(person.get("signatory"))) {
            if (!(person.get("sign_method") instanceof String)) {
                problems.put(at + ".sign_method", List.of("Missing data for required field."));
            }
            if (!(person.get("_permissions") instanceof Map<?, ?>)) {
                problems.put(at + "._permissions", List.of("Missing data for required field."));
            }
        }
    }

    private MockResponse publish(Actor actor, FakeState.Contract c, String body) {
        requireEmail(actor);
        Map<String, Object> input = parseBody(body);
        Map<String, List<String>> problems = new LinkedHashMap<>();
        for (String key : List.of("subject", "message")) {
            if (!(input.get(key) instanceof String v) || v.isBlank()) {
                problems.put(key, List.of("Missing data for required field."));
            }
        }
        if (!problems.isEmpty()) {
            return error(400, 4000000, "The request contains invalid parameters.", problems);
        }
        if (!actor.canCreate(state.workspaces.get(c.workspaceId))) {
            return error(403, 4030000, "You do not have permission to publish contracts in this workspace.", Map.of());
        }
        if (actor.account.freePlan) {
            return error(402, 4020000, "Publishing contracts is not available in the free plan.", Map.of());
        }
        if (!c.state.equals("draft")) {
            return error(409, 4090000, "Only a draft contract can be published; this one is " + c.state + ".", Map.of());
        }
        boolean signatory = c.parties.stream().filter(p -> !p.mine).flatMap(p -> p.participants.stream())
                .anyMatch(p -> Boolean.TRUE.equals(p.attributes.get("signatory")));
        if (!signatory) {
            return error(409, 4090000, "The contract has no counterparty signatory to send it to.", Map.of());
        }
        state.publish(c, Instant.now(), actor.user);
        return ok(contract(c));
    }

    private MockResponse updateDataField(Actor actor, FakeState.Contract c, String ref, String body) {
        requireEmail(actor);
        Optional<FakeState.DataField> found = ref.startsWith("c::")
                ? c.dataFields.stream().filter(d -> d.spec.customId().equals(ref.substring(3))).findFirst()
                : ref.matches("[0-9]+") ? c.dataFields.stream().filter(d -> d.id == Long.parseLong(ref)).findFirst()
                : Optional.empty();
        if (found.isEmpty()) {
            return notFound();
        }
        FakeState.DataField field = found.get();
        Map<String, Object> input = parseBody(body);
        Long bodyId = number(input.get("id"));
        if (bodyId != null && bodyId != field.id) {
            return error(400, 4000000, "The request contains invalid parameters.",
                    Map.of("id", List.of("Does not match the data field in the path.")));
        }
        if (input.get("_private_ownerside") instanceof Map<?, ?> o && o.get("custom_id") != null
                && !field.spec.customId().equals(o.get("custom_id"))) {
            return error(400, 4000000, "The request contains invalid parameters.",
                    Map.of("_private_ownerside.custom_id", List.of("Does not match the data field in the path.")));
        }
        if (List.of("signed", "declined").contains(c.state)) {
            return error(409, 4090000, "Data fields of a " + c.state + " contract cannot change.", Map.of());
        }
        if (input.containsKey("value")) {
            String from = field.value;
            field.value = input.get("value") == null ? "" : String.valueOf(input.get("value"));
            field.updated = Instant.now();
            c.updated = field.updated;
            c.events.add(new FakeState.Event(state.id(), "data_field:update", field.updated,
                    FakeState.actor(actor.user, c.parties.get(0)),
                    Map.of("changes", List.of(Map.of("attribute", "value", "from", from, "to", field.value)),
                            "subject", Map.of("id", field.id, "name", field.spec.name(),
                                    "custom_id", field.spec.customId(), "contract_id", c.id))));
        }
        return ok(dataField(c, field));
    }

    private MockResponse withContract(Actor actor, String id, java.util.function.Function<FakeState.Contract,
            MockResponse> then) {
        FakeState.Contract c = state.contracts.get(Long.parseLong(id));
        if (c == null || !actor.reaches(state.workspaces.get(c.workspaceId))) {
            return notFound();
        }
        return then.apply(c);
    }

    /** Oneflow needs the acting user on writes; this fake answers 400 without it. */
    private void requireEmail(Actor actor) {
        if (actor.user == null) {
            throw new BadRequest(error(400, 4000000, "This endpoint needs the user the request acts as.",
                    Map.of(EMAIL_HEADER, List.of("Missing required header."))));
        }
    }

    // ---- rendering ------------------------------------------------------------------------------------------

    private Map<String, Object> account(FakeState.Account a) {
        return obj("_links", Map.of("self", link("accounts/me")), "country_code", "SE",
                "created_time", FakeState.time(FakeState.EPOCH), "id", a.id, "name", a.name,
                "registration_number", "559012-3456",
                "token_info", Map.of("integration", obj("id", null, "key", "custom")),
                "updated_time", FakeState.time(FakeState.EPOCH));
    }

    private Map<String, Object> user(FakeState.User u) {
        return obj("_links", Map.of("self", link("users/" + u.id)), "active", u.active, "email", u.email,
                "id", u.id, "is_admin", u.admin, "name", u.name, "phone_number", "", "state", "registered",
                "title", u.title);
    }

    private Map<String, Object> workspace(Actor actor, FakeState.Workspace w) {
        return obj("_links", Map.of("self", link("workspaces/" + w.id())),
                "_permissions", Map.of("contract:create", actor.canCreate(w)),
                "company_name", "Acme Contracts AB", "country_code", "SE",
                "created_time", FakeState.time(FakeState.EPOCH), "date_format", "", "description", w.description(),
                "id", w.id(), "name", w.name(), "registration_number", "559012-3456", "updated_time", null);
    }

    private Map<String, Object> template(FakeState.Template t) {
        Map<String, Object> type = t.typeId() == null ? null : obj("created_time", FakeState.time(FakeState.EPOCH),
                "description", t.typeName() + " data fields", "extension_type", t.extensionType(), "id", t.typeId(),
                "name", t.typeName(), "updated_time", FakeState.time(FakeState.EPOCH));
        return obj("_links", obj("self", link("templates/" + t.id()),
                        "template_type", t.typeId() == null ? Map.of("href", "") : link("template_types/" + t.typeId())),
                "available_options", Map.of("can_receive_attachments", true, "can_receive_expanded_pdf", false),
                "created_time", FakeState.time(FakeState.EPOCH), "id", t.id(), "name", t.name(),
                "tags", List.of(), "template_active", t.active(), "template_type", type,
                "updated_time", FakeState.time(FakeState.EPOCH),
                "workspaces", t.workspaceIds().stream().map(w -> Map.of("id", w, "name", state.workspaces.get(w).name()))
                        .toList());
    }

    private Map<String, Object> contract(FakeState.Contract c) {
        FakeState.Template t = state.templates.get(c.templateId);
        return obj("_links", obj("data_fields", link("contracts/" + c.id + "/data_fields"),
                        "events", link("contracts/" + c.id + "/events"), "files", link("contracts/" + c.id + "/files"),
                        "parties", link("contracts/" + c.id + "/parties"), "self", link("contracts/" + c.id),
                        "template", link("templates/" + c.templateId), "workspace", link("workspaces/" + c.workspaceId)),
                "_permissions", Map.of("contract:delete", true, "contract:update", c.state.equals("draft")),
                "_private", obj("name", c.name, "value", obj("amount", "500.10", "currency", "SEK"),
                        "workspace_id", c.workspaceId),
                "_private_ownerside", obj("created_time", FakeState.time(c.created), "template_id", c.templateId,
                        "template_type_id", t.typeId()),
                "id", c.id,
                "lifecycle_settings", obj("duration", "12m", "end_date", null, "notice_period", "3m",
                        "start_date", null, "type", "recurring"),
                "lifecycle_state", obj("is_recurring", true, "lifecycle_state",
                        c.state.equals("signed") ? "active" : "awaiting", "period", 1),
                "parties", parties(c),
                "published_time", FakeState.time(c.published),
                "signing_period_expiry_time", c.published == null ? null
                        : FakeState.time(c.published.plus(Duration.ofDays(30))),
                "state", c.state, "state_updated_time", FakeState.time(c.stateUpdated),
                "tags", List.of(Map.of("id", 123_456, "name", "Sales")),
                "updated_time", FakeState.time(c.updated));
    }

    private List<Object> parties(FakeState.Contract c) {
        List<Object> out = new ArrayList<>();
        for (FakeState.Party p : c.parties) {
            List<Object> participants = new ArrayList<>();
            for (FakeState.Participant x : p.participants) {
                Map<String, Object> participant = obj("_permissions", Map.of("contract:update", p.mine),
                        "id", x.id, "identification_number", "", "my_participant", false);
                participant.putAll(x.attributes);
                participants.add(participant);
            }
            Map<String, Object> party = obj("_private_ownerside", obj("created_time", FakeState.time(c.created),
                            "updated_time", null),
                    "country_code", p.countryCode, "id", p.id, "identification_number", p.identificationNumber,
                    "my_party", p.mine, "name", p.name, "type", p.type);
            if (p.type.equals("individual") && participants.size() == 1) {
                party.put("participant", participants.get(0));
            } else {
                party.put("participants", participants);
            }
            out.add(party);
        }
        return out;
    }

    private Map<String, Object> dataField(FakeState.Contract c, FakeState.DataField d) {
        return obj("_links", obj("contract", link("contracts/" + c.id),
                        "self", link("contracts/" + c.id + "/data_fields/" + d.id)),
                "_private_ownerside", obj("custom_id", d.spec.customId(), "created_time", FakeState.time(c.created),
                        "updated_time", FakeState.time(d.updated)),
                "description", d.spec.description(), "id", d.id, "name", d.spec.name(),
                "placeholder", d.spec.placeholder(), "value", d.value);
    }

    private Map<String, Object> event(FakeState.Contract c, FakeState.Event e) {
        return obj("_links", obj("contract", link("contracts/" + c.id),
                        "self", link("contracts/" + c.id + "/events/" + e.id())),
                "actor", e.actor(), "created_time", FakeState.time(e.created()), "data", e.data(), "id", e.id(),
                "type", e.type());
    }

    private Map<String, Object> file(FakeState.Contract c, FakeState.File f) {
        return obj("_links", Map.of("self", link("contracts/" + c.id + "/files/" + f.id())),
                "extension", f.extension(), "id", f.id(), "name", f.name(), "type", f.type());
    }

    // ---- paging, sorting, filters ---------------------------------------------------------------------------

    private record Paging(int limit, int offset) {
    }

    private Paging paging(Map<String, String> query) {
        Map<String, List<String>> problems = new LinkedHashMap<>();
        int limit = bounded(query.get("limit"), 100, 1, 100, "limit", problems);
        int offset = bounded(query.get("offset"), 0, 0, 19_900, "offset", problems);
        if (!problems.isEmpty()) {
            throw new BadRequest(error(400, 4000000, "The request contains invalid parameters.", problems));
        }
        return new Paging(limit, offset);
    }

    private static int bounded(String value, int fallback, int min, int max, String name,
                               Map<String, List<String>> problems) {
        if (value == null) {
            return fallback;
        }
        if (!value.matches("-?[0-9]{1,9}") || Integer.parseInt(value) < min || Integer.parseInt(value) > max) {
            problems.put(name, List.of("Must be greater than or equal to " + min + " and less than or equal to "
                    + max + "."));
            return fallback;
        }
        return Integer.parseInt(value);
    }

    /** A contract's child list: a page as documented, or every item in a bare {@code data} envelope. */
    private Map<String, Object> childList(String path, Map<String, String> query, List<Object> all) {
        return unpagedChildLists ? obj("data", new ArrayList<>(all)) : page(path, query, paging(query), all);
    }

    private Map<String, Object> page(String path, Map<String, String> query, Paging paging, List<Object> all) {
        int from = Math.min(paging.offset(), all.size());
        int to = Math.min(from + paging.limit(), all.size());
        Object next = to < all.size() ? pageLink(path, query, paging.limit(), to) : Map.of("href", "");
        Object previous = paging.offset() > 0
                ? pageLink(path, query, paging.limit(), Math.max(0, paging.offset() - paging.limit()))
                : Map.of("href", "");
        Map<String, Object> links = obj("next", next, "previous", previous,
                "self", pageLink(path, query, paging.limit(), paging.offset()));
        // Oneflow writes {"href": null} at the ends; Map.of cannot hold null, so patch it in.
        links.replaceAll((k, v) -> v instanceof Map<?, ?> m && "".equals(m.get("href")) ? obj("href", null) : v);
        return obj("_links", links, "count", all.size(), "data", all.subList(from, to));
    }

    /** A read-only view that builds each answer item when its page is written: long lists stay cheap to page. */
    private static <T> List<Object> lazily(List<T> items, java.util.function.Function<T, Object> answer) {
        return new java.util.AbstractList<>() {
            @Override
            public Object get(int index) {
                return answer.apply(items.get(index));
            }

            @Override
            public int size() {
                return items.size();
            }
        };
    }

    private Map<String, Object> pageLink(String path, Map<String, String> query, int limit, int offset) {
        HttpUrl.Builder url = HttpUrl.get(baseUrl().toString()).newBuilder().addPathSegments(path);
        query.forEach((k, v) -> {
            if (!k.equals("limit") && !k.equals("offset")) {
                url.addQueryParameter(k, v);
            }
        });
        url.addQueryParameter("limit", Integer.toString(limit)).addQueryParameter("offset", Integer.toString(offset));
        return Map.of("href", url.build().toString());
    }

    private static <T> void sort(List<T> items, String sort, Map<String, Comparator<T>> sortable) {
        if (sort == null || sort.isEmpty()) {
            return;
        }
        Comparator<T> order = null;
        for (String key : sort.split(",")) {
            boolean descending = key.startsWith("-");
            Comparator<T> by = sortable.get(descending ? key.substring(1) : key);
            if (by == null) {
                throw badRequest("sort", "Valid columns are " + new java.util.TreeSet<>(sortable.keySet()) + ".");
            }
            by = descending ? by.reversed() : by;
            order = order == null ? by : order.thenComparing(by);
        }
        items.sort(order);
    }

    private static List<Long> idList(Map<String, String> query, String key) {
        String value = query.get(key);
        if (value == null) {
            return null;
        }
        if (!value.matches("[0-9]+(,[0-9]+)*")) {
            throw badRequest(key, "Must be a comma-separated list of ids.");
        }
        return java.util.Arrays.stream(value.split(",")).map(Long::parseLong).toList();
    }

    private static Instant[] range(Map<String, String> query, String key) {
        String value = query.get(key);
        if (value == null) {
            return null;
        }
        String[] ends = value.split("\\|", -1);
        if (ends.length != 2 || (ends[0].isEmpty() && ends[1].isEmpty())) {
            throw badRequest(key, "Use <from>|<to>, <from>| or |<to>.");
        }
        try {
            return new Instant[]{ends[0].isEmpty() ? null : OffsetDateTime.parse(ends[0]).toInstant(),
                    ends[1].isEmpty() ? null : OffsetDateTime.parse(ends[1]).toInstant()};
        } catch (java.time.format.DateTimeParseException e) {
            throw badRequest(key, "Not a valid datetime range.");
        }
    }

    private static String lower(String value) {
        return value == null ? null : value.toLowerCase(Locale.ROOT);
    }

    // ---- responses ------------------------------------------------------------------------------------------

    private static final class BadRequest extends RuntimeException {
        private final MockResponse response;

        BadRequest(MockResponse response) {
            super(null, null, false, false);
            this.response = response;
        }
    }

    private static BadRequest badRequest(String parameter, String problem) {
        return new BadRequest(errorResponse(400, 4000000, "The request contains invalid parameters.",
                Map.of(parameter, List.of(problem))));
    }

    private MockResponse ok(Object body) {
        return new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json")
                .body(json.toJson(body)).build();
    }

    private MockResponse notFound() {
        return error(404, 4040000, "An object referenced in the request was not found. It might have been deleted "
                + "or you might have lost access to it. Please check that the object still exists and you still "
                + "have permission to access it.", Map.of());
    }

    private MockResponse error(int status, long code, String detail, Map<String, List<String>> problems) {
        return errorResponse(status, code, detail, problems);
    }

    private static MockResponse errorResponse(int status, long code, String detail,
                                              Map<String, List<String>> problems) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("detail", detail);
        body.put("error_code", code);
        body.put("parameter_problems", problems);
        body.put("request_id", "fake-" + Long.toHexString(System.nanoTime()));
        body.put("status", status);
        body.put("title", title(status));
        body.put("type", "https://api.oneflow.com/v1/error_codes/" + code);
        return new MockResponse.Builder().code(status).setHeader("Content-Type", "application/json")
                .body(new Moshi.Builder().build().adapter(Object.class).toJson(body)).build();
    }

    /** Oneflow's 429 differs: {@code info} instead of {@code type}, no {@code request_id}, no Retry-After. */
    private MockResponse rateLimited(Integer retryAfterSeconds) {
        Map<String, Object> body = obj("detail",
                "You have reached the 5 minute rate limit for requests. Try again in a few minutes.",
                "error_code", 4290000, "parameter_problems", Map.of(), "status", 429, "title", "Too Many Requests",
                "info", "https://developer.oneflow.com/reference/api-rate-limit");
        MockResponse.Builder response = new MockResponse.Builder().code(429)
                .setHeader("Content-Type", "application/json").body(json.toJson(body));
        if (retryAfterSeconds != null) {
            response.setHeader("Retry-After", retryAfterSeconds.toString());
        }
        return response.build();
    }

    private static String title(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 402 -> "Payment Required";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 409 -> "Conflict";
            case 429 -> "Too Many Requests";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            default -> status >= 500 ? "Internal Server Error" : "Error";
        };
    }

    private Map<String, Object> parseBody(String body) {
        try {
            Map<String, Object> parsed = body.isBlank() ? Map.of() : jsonObject.fromJson(body);
            return parsed == null ? Map.of() : parsed;
        } catch (IOException | RuntimeException e) {
            throw new BadRequest(error(400, 4000000, "The request body is not valid JSON.", Map.of()));
        }
    }

    private static Long number(Object value) {
        if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
            return n.longValue();
        }
        return null;
    }

    private Map<String, Object> link(String path) {
        return Map.of("href", baseUrl() + "/" + path);
    }

    private static Map<String, Object> obj(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}
