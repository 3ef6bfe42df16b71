package io.patchbay.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.patchbay.connector.toggl.fake.FakeToggl;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An application's own page, on its own origin, links an account with a connect session token: the origins the
 * operator lists may call the API from the browser, and no other origin may.
 */
class CrossOriginTest {
    @TempDir
    static Path data;
    static FakeToggl toggl;
    /** The application's page (listed) and a page of some other site (not listed), both on 127.0.0.1. */
    static HttpServer app;
    static HttpServer elsewhere;
    static PatchbayServer server;
    static Api api;
    static String key;
    static HeadlessChromium chromium;

    @BeforeAll
    static void start() throws IOException {
        toggl = FakeToggl.start();
        app = page();
        elsewhere = page();
        server = PatchbayServer.start(TestServers.config(data, Map.of("toggl", toggl.baseUrl()),
                Map.of("PATCHBAY_CORS_ALLOWED_ORIGINS", origin(app) + ", https://other.example")));
        api = new Api(server.port());
        key = Tenants.key(api, server.firstAdminKey().orElseThrow(), "acme");
    }

    @AfterAll
    static void stop() {
        if (chromium != null) {
            chromium.close();
        }
        server.close();
        app.stop(0);
        elsewhere.stop(0);
        toggl.close();
    }

    @Test
    void aPreflightFromAListedOriginIsAnsweredForWhatASessionSends() {
        Api.Response preflight = preflight(origin(app), "POST", "authorization, content-type");
        assertThat(preflight.status()).as(preflight.toString()).isBetween(200, 204);
        assertThat(preflight.header("Access-Control-Allow-Origin")).hasValue(origin(app));
        assertThat(preflight.header("Access-Control-Allow-Methods").orElseThrow()).contains("POST").contains("PUT")
                .doesNotContain("DELETE").doesNotContain("PATCH");
        assertThat(preflight.header("Access-Control-Allow-Headers").orElseThrow().toLowerCase())
                .contains("authorization").contains("content-type").contains("if-match");
        assertThat(preflight.header("Access-Control-Max-Age")).hasValue("600");
        assertThat(preflight.header("Access-Control-Allow-Credentials")).as("bearer tokens, never cookies").isEmpty();
        assertThat(api.get("/metrics").send().body()).as("preflights are counted under a route of their own")
                .containsPattern("patchbay_http_requests_seconds_count\\{method=\"OPTIONS\",route=\"preflight\","
                        + "status=\"200\"} [1-9]");

        Api.Response answer = api.get("/v1/connectors").token(session()).header("Origin", origin(app)).send();
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.header("Access-Control-Allow-Origin")).hasValue(origin(app));
        assertThat(answer.header("Access-Control-Expose-Headers").orElseThrow()).contains("ETag").contains("Location");
        // Caches must keep answers apart by origin as by encoding.
        assertThat(answer.header("Vary").orElseThrow()).containsIgnoringCase("Origin")
                .containsIgnoringCase("Accept-Encoding");
    }

    @Test
    void otherOriginsGetNoCorsHeadersNorAnUnofferedMethodAndRequestsStillGetTheirOwnAnswer() {
        Api.Response foreign = preflight(origin(elsewhere), "POST", "authorization, content-type");
        assertThat(foreign.header("Access-Control-Allow-Origin")).as(foreign.toString()).isEmpty();
        Api.Response delete = preflight(origin(app), "DELETE", "authorization");
        assertThat(delete.header("Access-Control-Allow-Methods").orElseThrow()).as("so the browser sends no DELETE")
                .doesNotContain("DELETE");

        // Not a CORS refusal by the server: the request is served as any other, only the browser keeps the answer
        // from the foreign page. The server's own connect page sends its own Origin and is served the same way.
        Api.Response answer = api.get("/v1/connectors").token(session()).header("Origin", origin(elsewhere)).send();
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.header("Access-Control-Allow-Origin")).isEmpty();
        Api.Response unauthenticated = api.get("/v1/connectors").header("Origin", origin(app)).send();
        assertThat(unauthenticated.status()).isEqualTo(401);
        assertThat(unauthenticated.header("Access-Control-Allow-Origin")).as("so the page can read the problem")
                .hasValue(origin(app));
    }

    @Test
    void theListenersOwnRefusalsReachAListedPageToo() {
        String tooLarge = "{\"label\":\"" + "x".repeat(70 * 1024) + "\"}";
        Api.Response refused = api.post("/v1/accounts").token(session()).header("Origin", origin(app))
                .raw(tooLarge).send();
        assertThat(refused.status()).as(refused.toString()).isEqualTo(413);
        assertThat(refused.string("code")).isEqualTo("body_too_large");
        assertThat(refused.header("Access-Control-Allow-Origin")).hasValue(origin(app));
        assertThat(refused.header("Access-Control-Expose-Headers").orElseThrow()).contains("Retry-After");

        // The proxy is served by the listener, which refuses a session there itself.
        Api.Response proxy = api.get("/v1/accounts/acc_x/proxy/api/v9/me").token(session())
                .header("Origin", origin(app)).send();
        assertThat(proxy.status()).as(proxy.toString()).isEqualTo(403);
        assertThat(proxy.header("Access-Control-Allow-Origin")).hasValue(origin(app));

        Api.Response foreign = api.post("/v1/accounts").token(session()).header("Origin", origin(elsewhere))
                .raw(tooLarge).send();
        assertThat(foreign.status()).isEqualTo(413);
        assertThat(foreign.header("Access-Control-Allow-Origin")).isEmpty();
    }

    @Test
    void theApplicationsPageLinksAnAccountInTheBrowserAndAnotherSitesPageCannot() throws Exception {
        HeadlessChromium browser = browser();
        String fromElsewhere = linkFrom(browser, elsewhere, session());
        assertThat(fromElsewhere).as("the browser blocks the preflight").startsWith("blocked:");
        assertThat(accounts()).as("nothing reached the server's link").isEmpty();

        String fromApp = linkFrom(browser, app, session());
        assertThat(fromApp).as(fromApp).startsWith("201 /v1/accounts/").endsWith(" \"0\" Alice's studio");
        assertThat(accounts()).extracting(a -> a.get("owner_id")).containsExactly("page-user");
    }

    // ---- Helpers ---------------------------------------------------------------------------------------------

    /** Loads {@code page}'s blank page and runs the link a connect screen would, returning what the page saw. */
    private static String linkFrom(HeadlessChromium browser, HttpServer page, String token) throws Exception {
        browser.open(origin(page) + "/");
        browser.waitFor("location.href", (origin(page) + "/")::equals, Duration.ofSeconds(20));
        String body = "{\"connector_id\":\"toggl\",\"credentials\":{\"api_token\":\"" + FakeToggl.ALICE.apiToken()
                + "\"},\"workspace_id\":\"" + FakeToggl.WS_STUDIO + "\",\"label\":\"Alice's studio\"}";
        return (String) browser.eval("fetch('http://127.0.0.1:" + server.port() + "/v1/accounts', {method: 'POST',"
                + " headers: {'Authorization': 'Bearer " + token + "', 'Content-Type': 'application/json'},"
                + " body: JSON.stringify(" + body + ")})"
                + ".then(r => r.json().then(j => r.status + ' ' + r.headers.get('Location') + ' '"
                + " + r.headers.get('ETag') + ' ' + (j.account ? j.account.label : JSON.stringify(j))))"
                + ".catch(e => 'blocked: ' + e)");
    }

    private static Api.Response preflight(String origin, String method, String headers) {
        return api.method("OPTIONS", "/v1/accounts").header("Origin", origin)
                .header("Access-Control-Request-Method", method)
                .header("Access-Control-Request-Headers", headers).send();
    }

    private static String session() {
        Api.Response session = api.post("/v1/connect-sessions").token(key).json(Map.of("owner_id", "page-user",
                "allowed_connectors", List.of("toggl"))).send();
        assertThat(session.status()).as(session.toString()).isEqualTo(201);
        return session.string("token");
    }

    private static List<Map<String, Object>> accounts() {
        return api.get("/v1/accounts").token(key).send().list("data");
    }

    private static HttpServer page() throws IOException {
        HttpServer page = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        page.createContext("/", exchange -> {
            byte[] html = "<!doctype html><title>An application</title>".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, html.length);
            exchange.getResponseBody().write(html);
            exchange.close();
        });
        page.start();
        return page;
    }

    private static String origin(HttpServer page) {
        return "http://127.0.0.1:" + page.getAddress().getPort();
    }

    private static HeadlessChromium browser() throws Exception {
        if (chromium == null) {
            chromium = HeadlessChromium.startIn(data);
        }
        return chromium;
    }
}
