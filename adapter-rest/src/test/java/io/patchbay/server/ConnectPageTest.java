package io.patchbay.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.patchbay.connector.toggl.fake.FakeToggl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The connect page: served with a strict policy, and a real (headless) browser links a Toggl account with it. */
class ConnectPageTest {
    @TempDir
    static Path data;
    static FakeToggl toggl;
    static PatchbayServer server;
    static Api api;
    static String key;
    static final Duration WAIT = Duration.ofSeconds(20);

    @BeforeAll
    static void start() {
        toggl = FakeToggl.start();
        server = TestServers.start(data, Map.of("toggl", toggl.baseUrl()));
        api = new Api(server.port());
        key = Tenants.key(api, server.firstAdminKey().orElseThrow(), "acme");
    }

    @AfterAll
    static void stop() {
        server.close();
        toggl.close();
    }

    @Test
    void thePageAndItsScriptAreServedWithAStrictPolicy() {
        Api.Response page = api.get("/connect").send();
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(page.header("Content-Security-Policy")).hasValueSatisfying(p -> assertThat(p)
                .contains("script-src 'self'").contains("frame-ancestors 'none'"));
        assertThat(page.header("Referrer-Policy")).hasValue("no-referrer");
        assertThat(page.body()).contains("<script src=\"/connect.js\"></script>").doesNotContain("innerHTML");
        Api.Response script = api.get("/connect.js").send();
        assertThat(script.status()).isEqualTo(200);
        assertThat(script.body()).contains("textContent").doesNotContain("innerHTML");
    }

    @Test
    void aUserLinksTogglInTheBrowserPickingAWorkspace() throws Exception {
        assumeTrue(HeadlessChromium.binary().isPresent(), "no Chromium on this machine (apt-get install chromium)");
        Api.Response session = api.post("/v1/connect-sessions").token(key).json(Map.of("owner_id", "browser-user",
                "allowed_connectors", List.of("toggl"), "label", "From the browser")).send();
        String url = "http://127.0.0.1:" + server.port() + session.string("connect_url");

        Path profile = Files.createDirectories(data.resolve("chromium-profile"));
        try (HeadlessChromium browser = new HeadlessChromium(HeadlessChromium.binary().get(), profile)) {
            browser.open(url);
            browser.waitFor("document.getElementById('field-api_token') !== null", Boolean.TRUE::equals, WAIT);
            assertThat(browser.eval("document.getElementById('connector-name').textContent")).isEqualTo("Toggl Track");
            assertThat(browser.eval("document.getElementById('field-api_token').type")).isEqualTo("password");
            assertThat((Double) browser.eval("document.querySelectorAll('#guide li').length")).isGreaterThan(0);

            // A wrong token: the message lands beside the field.
            browser.eval("document.getElementById('field-api_token').value = '" + FakeToggl.UNKNOWN_TOKEN + "';"
                    + "document.getElementById('submit').click(); true");
            browser.waitFor("document.getElementById('error-api_token').textContent", v -> v instanceof String s
                    && !s.isBlank(), WAIT);

            browser.eval("document.getElementById('field-api_token').value = '" + FakeToggl.ALICE.apiToken() + "';"
                    + "document.getElementById('submit').click(); true");
            browser.waitFor("document.querySelectorAll('input[name=workspace]').length", v -> v instanceof Number n
                    && n.intValue() == 3, WAIT);
            browser.eval("document.querySelector('input[name=workspace][value=\"" + FakeToggl.WS_STUDIO + "\"]').click();"
                    + "document.getElementById('submit').click(); true");
            Object label = browser.waitFor("document.getElementById('done').hidden ? null : "
                    + "document.getElementById('done-label').textContent", Objects::nonNull, WAIT);
            assertThat((String) label).startsWith("From the browser").endsWith("(…" + FakeToggl.ALICE.apiToken()
                    .substring(28) + ")");
            assertThat(browser.eval("location.search")).isEqualTo("");
        }

        Api.Response accounts = api.get("/v1/accounts?owner_id=browser-user").token(key).send();
        assertThat(accounts.list("data")).singleElement().satisfies(a -> {
            assertThat(a.get("workspace_id")).isEqualTo(Long.toString(FakeToggl.WS_STUDIO));
            assertThat(a.get("label")).isEqualTo("From the browser");
        });
    }
}
