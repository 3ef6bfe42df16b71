package io.patchbay.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.connector.toggl.fake.Fault;
import io.patchbay.connector.toggl.fake.FakeToggl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The connect page: served with a strict policy, and a real (headless) browser links Toggl accounts with it. */
class ConnectPageTest {
    @TempDir
    static Path data;
    static FakeToggl toggl;
    static PatchbayServer server;
    static Api api;
    static String key;
    static HeadlessChromium chromium;
    static final Duration WAIT = Duration.ofSeconds(20);
    static final String START_AGAIN = "Go back to the application you came from and start again.";

    @BeforeAll
    static void start() {
        toggl = FakeToggl.start();
        server = TestServers.start(data, Map.of("toggl", toggl.baseUrl()));
        api = new Api(server.port());
        key = Tenants.key(api, server.firstAdminKey().orElseThrow(), "acme");
    }

    @AfterAll
    static void stop() {
        if (chromium != null) {
            chromium.close();
        }
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
        // Without JavaScript the page says so instead of "Loading…" forever.
        assertThat(page.body()).containsPattern("<noscript>[^<]*<p[^>]*>This page needs JavaScript");
        Api.Response script = api.get("/connect.js").send();
        assertThat(script.status()).isEqualTo(200);
        assertThat(script.body()).contains("textContent").doesNotContain("innerHTML").doesNotContain("insertAdjacentHTML");
    }

    @Test
    void aUserLinksTogglInTheBrowserPickingAWorkspace() throws Exception {
        HeadlessChromium browser = browser();
        open(browser, connectUrl(session("browser-user", "From the browser")));
        // The token is read once and leaves the address bar (and so history and copied links).
        assertThat((String) browser.eval("location.href")).doesNotContain("pb_cs_").doesNotContain("session");
        assertThat(browser.eval("document.getElementById('connector-name').textContent")).isEqualTo("Toggl Track");
        assertThat(browser.eval("[document.getElementById('status').getAttribute('role'),"
                + " document.getElementById('status').getAttribute('aria-live'), document.getElementById('status').hidden]"))
                .isEqualTo(List.of("status", "polite", false));
        assertThat(browser.eval("document.getElementById('field-api_token').type")).isEqualTo("password");
        assertThat(browser.eval("document.getElementById('field-api_token').getAttribute('aria-describedby')"))
                .isEqualTo("help-api_token error-api_token");
        assertThat((Double) browser.eval("document.querySelectorAll('#guide li').length")).isGreaterThan(0);
        // The sign-in choice is a named group.
        assertThat(browser.eval("document.getElementById('methods').hidden")).isEqualTo(false);
        assertThat(browser.eval("document.querySelector('#methods > legend').textContent")).isEqualTo("Sign in with");
        assertThat((Double) browser.eval("document.querySelectorAll('#methods input[type=radio][name=method]').length"))
                .isEqualTo(2.0);
        // The guide's address is a link that opens apart from this page; the sentence's full stop stays text.
        assertThat(browser.eval("(() => { const a = document.querySelector('#guide a');"
                + " return [a.href, a.textContent, a.target, a.rel, a.parentNode.textContent]; })()"))
                .isEqualTo(List.of("https://track.toggl.com/", "https://track.toggl.com", "_blank", "noopener noreferrer",
                        "Sign in to Toggl Track at https://track.toggl.com."));

        // A wrong token: a plain-words message lands beside the field, tied to it, and focus goes there.
        type(browser, "api_token", FakeToggl.UNKNOWN_TOKEN);
        browser.eval("document.getElementById('submit').click(); true");
        browser.waitFor("document.getElementById('error-api_token').textContent", v -> v instanceof String s
                && !s.isBlank(), WAIT);
        assertThat((String) browser.eval("document.getElementById('error-api_token').textContent"))
                .startsWith("Toggl Track did not accept these credentials. Check them and try again.Details: ");
        assertThat(browser.eval("document.querySelector('#error-api_token .detail') !== null")).isEqualTo(true);
        assertThat(browser.eval("document.getElementById('error-api_token').getAttribute('aria-live')"))
                .isEqualTo("polite");
        assertThat(browser.eval("document.getElementById('field-api_token').getAttribute('aria-invalid')"))
                .isEqualTo("true");
        assertThat(browser.eval("document.activeElement.id")).isEqualTo("field-api_token");

        // While the answer is awaited the button says so and cannot be pressed twice.
        type(browser, "api_token", FakeToggl.ALICE.apiToken());
        assertThat(browser.eval("document.getElementById('submit').click(); [document.getElementById('submit').disabled,"
                + " document.getElementById('submit').textContent,"
                + " document.getElementById('form').getAttribute('aria-busy')]"))
                .isEqualTo(List.of(true, "Connecting…", "true"));
        browser.waitFor("document.querySelectorAll('input[name=workspace]').length", v -> v instanceof Number n
                && n.intValue() == 3, WAIT);
        assertThat(browser.eval("[document.getElementById('submit').disabled, document.getElementById('submit')"
                + ".textContent, document.getElementById('form').hasAttribute('aria-busy')]"))
                .isEqualTo(List.of(false, "Connect", false));
        // The workspaces are a named radio group, marked invalid until one is chosen, and focus is on it.
        assertThat(browser.eval("document.querySelector('#workspaces > legend').textContent"))
                .isEqualTo("Choose the workspace to connect");
        assertThat((Double) browser.eval("document.querySelectorAll('#workspaces input[type=radio]"
                + "[aria-invalid=true][aria-describedby=error-workspace_id]').length")).isEqualTo(3.0);
        assertThat(browser.eval("document.getElementById('error-workspace_id').textContent"))
                .isEqualTo("These credentials reach several workspaces: choose one.");
        assertThat(browser.eval("document.activeElement.name")).isEqualTo("workspace");

        browser.eval("document.querySelector('input[name=workspace][value=\"" + FakeToggl.WS_STUDIO + "\"]').click();"
                + "document.getElementById('submit').click(); true");
        Object label = browser.waitFor(doneLabel(), Objects::nonNull, WAIT);
        assertThat((String) label).startsWith("From the browser").endsWith("(…" + FakeToggl.ALICE.apiToken()
                .substring(28) + ")");
        assertThat(browser.eval("document.activeElement.id")).isEqualTo("done-title");
        assertThat(browser.eval("location.search")).isEqualTo("");

        assertThat(accounts("browser-user")).singleElement().satisfies(a -> {
            assertThat(a.get("workspace_id")).isEqualTo(Long.toString(FakeToggl.WS_STUDIO));
            assertThat(a.get("label")).isEqualTo("From the browser");
        });
    }

    @Test
    void changingTheTokenAfterPickingAWorkspaceStartsTheWorkspaceChoiceAgain() throws Exception {
        HeadlessChromium browser = browser();
        open(browser, connectUrl(session("token-change-user", "Changed my mind")));
        type(browser, "api_token", FakeToggl.ALICE.apiToken());
        browser.eval("document.getElementById('submit').click(); true");
        browser.waitFor("document.querySelectorAll('input[name=workspace]').length", v -> v instanceof Number n
                && n.intValue() == 3, WAIT);
        browser.eval("document.querySelector('input[name=workspace][value=\"" + FakeToggl.WS_LABS + "\"]').click(); true");

        // Carol's token does not reach Acme Labs: the old choice is dropped as soon as the token changes.
        type(browser, "api_token", FakeToggl.CAROL.apiToken());
        assertThat(browser.eval("[document.getElementById('workspaces').hidden,"
                + " document.querySelectorAll('input[name=workspace]:checked').length]")).isEqualTo(List.of(true, 0.0));
        browser.eval("document.getElementById('submit').click(); true");
        assertThat(browser.waitFor(doneLabel(), Objects::nonNull, WAIT)).isNotNull();

        assertThat(accounts("token-change-user")).singleElement().satisfies(a ->
                assertThat(a.get("workspace_id")).isEqualTo(Long.toString(FakeToggl.WS_GLOBEX)));
    }

    @Test
    void aNewSessionInTheSameTabStartsOverWithThatSession() throws Exception {
        HeadlessChromium browser = browser();
        open(browser, connectUrl(session("first-tab-user", "First link")));
        type(browser, "api_token", FakeToggl.DAVE.apiToken());
        browser.eval("document.getElementById('field-api_token').focus(); true");

        // The application reuses the tab for another user's session: the page forgets the first one.
        String second = session("second-tab-user", "Second link");
        browser.eval("location.hash = 'session=" + second + "'; true");
        browser.waitFor("document.getElementById('field-api_token') !== null"
                + " && document.getElementById('field-api_token').value === ''", Boolean.TRUE::equals, WAIT);
        assertThat((String) browser.eval("location.href")).doesNotContain("pb_cs_");
        // The field that had focus is gone: focus goes to the form's heading and the live region says what is new.
        assertThat(browser.eval("[document.activeElement.id, document.getElementById('status').textContent]"))
                .isEqualTo(List.of("connector-name", "Ready: connect your Toggl Track account."));

        type(browser, "api_token", FakeToggl.DAVE.apiToken());
        browser.eval("document.getElementById('submit').click(); true");
        assertThat((String) browser.waitFor(doneLabel(), Objects::nonNull, WAIT)).startsWith("Second link");
        assertThat(accounts("second-tab-user")).singleElement().satisfies(a ->
                assertThat(a.get("label")).isEqualTo("Second link"));
        assertThat(accounts("first-tab-user")).isEmpty();
    }

    @Test
    void editModeNamesTheAccountAndShowsAnErrorWithoutAFieldAsAGeneralError() throws Exception {
        Api.Response linked = api.post("/v1/accounts").token(key).json(Map.of("connector_id", "toggl",
                "owner_id", "edit-user", "auth_method", "api_token", "label", "Bob's Toggl",
                "credentials", Map.of("api_token", FakeToggl.BOB.apiToken()))).send();
        assertThat(linked.status()).as(linked.toString()).isEqualTo(201);
        String accountId = linked.string("account.id");
        Api.Response session = api.post("/v1/connect-sessions").token(key)
                .json(Map.of("owner_id", "edit-user", "account_id", accountId)).send();
        assertThat(session.status()).as(session.toString()).isEqualTo(201);

        HeadlessChromium browser = browser();
        open(browser, "http://127.0.0.1:" + server.port() + session.string("connect_url"));
        assertThat(browser.eval("document.getElementById('editing').hidden")).isEqualTo(false);
        assertThat((String) browser.eval("document.getElementById('editing').textContent"))
                .contains("Toggl Track").contains("“Bob's Toggl”").contains(accountId);
        assertThat(browser.eval("document.getElementById('submit').textContent")).isEqualTo("Replace credentials");

        // Alice's token is another Toggl user: the error names no field of the form, so it is the general one.
        type(browser, "api_token", FakeToggl.ALICE.apiToken());
        browser.eval("document.getElementById('submit').click(); true");
        browser.waitFor("document.getElementById('form-error').textContent", v -> v instanceof String s
                && !s.isBlank(), WAIT);
        assertThat(browser.eval("document.getElementById('error-api_token').textContent")).isEqualTo("");
        assertThat(browser.eval("document.getElementById('form-error').getAttribute('role')")).isEqualTo("alert");
        assertThat(browser.eval("document.activeElement.id")).isEqualTo("form-error");
        // In words the end user can act on; the server's text is only the detail, without the internal id.
        assertThat(browser.eval("document.getElementById('form-error').firstChild.firstChild.textContent"))
                .isEqualTo("These credentials belong to a different Toggl Track user than the account you are updating."
                        + " Enter the credentials of that account's own Toggl Track user. To connect this other user"
                        + " instead, go back to the application you came from and start again.");
        assertThat((String) browser.eval("document.querySelector('#form-error .detail').textContent"))
                .startsWith("Details: The new credentials belong to another provider user than this account");
        assertThat((String) browser.eval("document.getElementById('form-error').textContent")).doesNotContain(accountId);

        type(browser, "api_token", FakeToggl.BOB.apiToken());
        browser.eval("document.getElementById('submit').click(); true");
        assertThat((String) browser.waitFor(doneLabel(), Objects::nonNull, WAIT)).startsWith("Bob's Toggl");
        assertThat(browser.eval("document.getElementById('done-title').textContent")).isEqualTo("Credentials updated");
    }

    @Test
    void aUsedLinkSaysSoInPlainWordsAndLocksTheForm() throws Exception {
        Api.Response linked = api.post("/v1/accounts").token(key).json(Map.of("connector_id", "toggl",
                "owner_id", "used-link-user", "auth_method", "api_token", "workspace_id",
                Long.toString(FakeToggl.WS_LABS), "credentials", Map.of("api_token", FakeToggl.ALICE.apiToken()))).send();
        assertThat(linked.status()).as(linked.toString()).isEqualTo(201);
        String accountId = linked.string("account.id");
        Api.Response session = api.post("/v1/connect-sessions").token(key)
                .json(Map.of("owner_id", "used-link-user", "account_id", accountId)).send();
        assertThat(session.status()).as(session.toString()).isEqualTo(201);
        String url = "http://127.0.0.1:" + server.port() + session.string("connect_url");
        HeadlessChromium browser = browser();
        open(browser, url);

        // Another tab used the link meanwhile; an edit link allows one change.
        Api.Response other = api.put("/v1/accounts/" + accountId + "/credentials").token(session.string("token"))
                .json(Map.of("auth_method", "api_token", "credentials", Map.of("api_token",
                        FakeToggl.ALICE.apiToken()))).send();
        assertThat(other.status()).as(other.toString()).isEqualTo(200);

        type(browser, "api_token", FakeToggl.ALICE.apiToken());
        browser.eval("document.getElementById('submit').click(); true");
        browser.waitFor("document.getElementById('form-error').textContent", v -> v instanceof String s
                && !s.isBlank(), WAIT);
        assertThat(browser.eval("document.getElementById('form-error').textContent"))
                .isEqualTo("This link has already been used. " + START_AGAIN);
        assertThat(browser.eval("[document.getElementById('field-api_token').disabled,"
                + " document.getElementById('submit').disabled, document.activeElement.id]"))
                .isEqualTo(List.of(true, true, "form-error"));

        // Opening it again: the same words, and no form.
        open(browser, url, "!['', 'Loading…'].includes(document.getElementById('status').textContent)");
        assertThat(browser.eval("[document.getElementById('status').textContent, document.getElementById('form').hidden]"))
                .isEqualTo(List.of("This link has already been used. " + START_AGAIN, true));
    }

    @Test
    void aTokenInTheQueryIsNotReadSinceEveryProxyOnTheWayWouldLogIt() throws Exception {
        String token = session("query-user", "Query");
        HeadlessChromium browser = browser();

        open(browser, "http://127.0.0.1:" + server.port() + "/connect?session=" + token,
                "!['', 'Loading…'].includes(document.getElementById('status').textContent)");

        assertThat(browser.eval("[document.getElementById('status').textContent, document.getElementById('form').hidden]"))
                .isEqualTo(List.of("This link is incomplete. " + START_AGAIN, true));
    }

    @Test
    void aLinkBusyWithAnotherAttemptSaysToWaitAndKeepsTheFormOpen() throws Exception {
        HeadlessChromium browser = browser();
        // A tenant of its own: Alice's workspace links once per tenant.
        String key = Tenants.key(api, server.firstAdminKey().orElseThrow(), "busy-link");
        Api.Response linked = api.post("/v1/accounts").token(key).json(Map.of("connector_id", "toggl",
                "owner_id", "busy-link-user", "auth_method", "api_token", "workspace_id",
                Long.toString(FakeToggl.WS_LABS), "credentials", Map.of("api_token", FakeToggl.ALICE.apiToken()))).send();
        assertThat(linked.status()).as(linked.toString()).isEqualTo(201);
        String accountId = linked.string("account.id");
        Api.Response session = api.post("/v1/connect-sessions").token(key)
                .json(Map.of("owner_id", "busy-link-user", "account_id", accountId)).send();
        open(browser, "http://127.0.0.1:" + server.port() + session.string("connect_url"));

        // Another tab's attempt, with a token Toggl rejects, is still being checked.
        CompletableFuture<Api.Response> other;
        try {
            toggl.clearRequests();
            toggl.enqueue(Fault.slow(Duration.ofSeconds(3)));
            other = CompletableFuture.supplyAsync(() -> api.put("/v1/accounts/" + accountId + "/credentials")
                    .token(session.string("token")).json(Map.of("auth_method", "api_token", "credentials",
                            Map.of("api_token", FakeToggl.UNKNOWN_TOKEN))).send());
            long asked = System.nanoTime() + WAIT.toNanos();
            while (toggl.requests().isEmpty() && System.nanoTime() < asked) {
                Thread.sleep(10);
            }
            type(browser, "api_token", FakeToggl.ALICE.apiToken());
            browser.eval("document.getElementById('submit').click(); true");
            browser.waitFor("document.getElementById('form-error').textContent", v -> v instanceof String s
                    && !s.isBlank(), WAIT);
            assertThat(browser.eval("document.getElementById('form-error').firstChild.firstChild.textContent"))
                    .isEqualTo("An earlier attempt with this link is still being checked by Toggl Track. Wait 2 "
                            + "seconds and try again.");
            assertThat(browser.eval("[document.getElementById('field-api_token').disabled,"
                    + " document.getElementById('submit').disabled]")).isEqualTo(List.of(false, false));
            assertThat(other.get(30, TimeUnit.SECONDS).status()).as("the other attempt failed").isEqualTo(422);
        } finally {
            toggl.reset();
        }

        browser.eval("document.getElementById('submit').click(); true");
        browser.waitFor(doneLabel(), v -> v instanceof String s && !s.isBlank(), WAIT);
        assertThat(browser.eval("document.getElementById('done-title').textContent")).isEqualTo("Credentials updated");
        assertThat(api.get("/v1/accounts/" + accountId).token(key).send().at("version")).isEqualTo(1.0);
    }

    @Test
    void providerTroubleIsExplainedWithTheProvidersDetailSecond() throws Exception {
        HeadlessChromium browser = browser();
        open(browser, connectUrl(session("trouble-user", "Trouble")));
        type(browser, "api_token", FakeToggl.BOB.apiToken());
        try {
            toggl.enqueue(Fault.quotaExhausted(Duration.ofMinutes(20)), 10);
            browser.eval("document.getElementById('submit').click(); true");
            browser.waitFor("document.getElementById('form-error').textContent", v -> v instanceof String s
                    && !s.isBlank(), WAIT);
            assertThat(browser.eval("document.getElementById('form-error').firstChild.firstChild.textContent"))
                    .isEqualTo("Toggl Track is limiting how often it can be asked right now. Try again in about 20 "
                            + "minutes.");
            assertThat((String) browser.eval("document.querySelector('#form-error .detail').textContent"))
                    .startsWith("Details: ");

            toggl.reset();
            toggl.enqueue(Fault.unavailable(), 20);
            browser.eval("document.getElementById('form-error').replaceChildren();"
                    + "document.getElementById('submit').click(); true");
            browser.waitFor("document.getElementById('form-error').textContent", v -> v instanceof String s
                    && !s.isBlank(), WAIT);
            assertThat(browser.eval("document.getElementById('form-error').firstChild.firstChild.textContent"))
                    .isEqualTo("Toggl Track cannot be reached right now. Try again in a few minutes.");
            assertThat(browser.eval("document.activeElement.id")).isEqualTo("form-error");
        } finally {
            toggl.reset();
        }
        assertThat(accounts("trouble-user")).isEmpty();
    }

    @Test
    void onANarrowPhoneThePageFitsAndALostServerIsReported() throws Exception {
        FakeToggl other = FakeToggl.start();
        PatchbayServer second = TestServers.start(Files.createDirectories(data.resolve("second")),
                Map.of("toggl", other.baseUrl()));
        HeadlessChromium browser = browser();
        try {
            Api secondApi = new Api(second.port());
            String secondKey = Tenants.key(secondApi, second.firstAdminKey().orElseThrow(), "narrow");
            // Labels, addresses and provider messages may hold long words with no place to break.
            Api.Response session = secondApi.post("/v1/connect-sessions").token(secondKey).json(Map.of("owner_id",
                    "narrow-user", "allowed_connectors", List.of("toggl"),
                    "label", "bob.member.of.the.studio.team@acme-studio-example.com")).send();
            browser.command("Emulation.setDeviceMetricsOverride", Map.of("width", 320, "height", 640,
                    "deviceScaleFactor", 1, "mobile", true));
            open(browser, "http://127.0.0.1:" + second.port() + session.string("connect_url"));
            browser.eval("document.getElementById('guide-box').open = true; true");
            type(browser, "api_token", FakeToggl.UNKNOWN_TOKEN);
            browser.eval("document.getElementById('submit').click(); true");
            browser.waitFor("document.getElementById('error-api_token').textContent", v -> v instanceof String s
                    && !s.isBlank(), WAIT);
            assertThat((Double) browser.eval("document.documentElement.scrollWidth")).isLessThanOrEqualTo(320.0);
            type(browser, "api_token", FakeToggl.BOB.apiToken());
            browser.eval("document.getElementById('submit').click(); true");
            assertThat((String) browser.waitFor(doneLabel(), Objects::nonNull, WAIT)).startsWith("bob.member");
            assertThat((Double) browser.eval("document.documentElement.scrollWidth")).isLessThanOrEqualTo(320.0);

            // The server goes away; a new session in the tab cannot load and the page says so.
            second.close();
            browser.eval("location.hash = 'session=pb_cs_gone'; true");
            Object status = browser.waitFor("document.getElementById('status').textContent", v -> v instanceof String s
                    && !s.isBlank() && !s.equals("Loading…"), WAIT);
            assertThat(status).isEqualTo("This page cannot reach the server. Check your connection and try again.");
            assertThat(browser.eval("[document.getElementById('form').hidden, document.getElementById('retry').hidden]"))
                    .isEqualTo(List.of(true, false));
        } finally {
            browser.command("Emulation.clearDeviceMetricsOverride", Map.of());
            second.close();
            other.close();
        }
    }

    @Test
    void aLoadThatFailsOnTheWayCanBeTriedAgainWithTheLinkItWasOpenedWith() throws Exception {
        HeadlessChromium browser = browser();
        // A network blip on the first call: the token has already left the address bar, so a reload cannot work.
        browser.command("Network.enable", Map.of());
        browser.command("Network.setBlockedURLs", Map.of("urls", List.of("*/v1/connectors*")));
        try {
            open(browser, connectUrl(session("retry-user", "Retried")),
                    "!['', 'Loading…'].includes(document.getElementById('status').textContent)");
            assertThat(browser.eval("[document.getElementById('status').textContent,"
                    + " document.getElementById('retry').hidden, document.getElementById('retry').textContent]"))
                    .isEqualTo(List.of("This page cannot reach the server. Check your connection and try again.",
                            false, "Try again"));
            assertThat((String) browser.eval("location.href")).doesNotContain("pb_cs_");
        } finally {
            browser.command("Network.setBlockedURLs", Map.of("urls", List.of()));
            browser.command("Network.disable", Map.of());
        }

        browser.eval("document.getElementById('retry').click(); true");
        browser.waitFor("document.getElementById('field-api_token') !== null", Boolean.TRUE::equals, WAIT);
        // The form only shows once the server took the token: the retry used the one the page was opened with.
        assertThat(browser.eval("[document.getElementById('retry').hidden, document.getElementById('status').className,"
                + " document.activeElement.id]")).isEqualTo(List.of(true, "", "connector-name"));
    }

    @Test
    void onlyADuplicateIsCalledAlreadyConnected() throws Exception {
        HeadlessChromium browser = browser();
        open(browser, connectUrl(session("conflict-user", "Conflict")));
        type(browser, "api_token", FakeToggl.BOB.apiToken());
        try {
            // Toggl answers 409 itself: no account exists, so the page must not say one does.
            toggl.enqueue(Fault.status(409, "conflict"), 10);
            browser.eval("document.getElementById('submit').click(); true");
            browser.waitFor("document.getElementById('form-error').textContent", v -> v instanceof String s
                    && !s.isBlank(), WAIT);
        } finally {
            toggl.reset();
        }
        assertThat(browser.eval("document.getElementById('form-error').firstChild.firstChild.textContent"))
                .isEqualTo("This could not be saved right now. Try again, or " + START_AGAIN.substring(0, 1)
                        .toLowerCase() + START_AGAIN.substring(1));
        assertThat((String) browser.eval("document.querySelector('#form-error .detail').textContent"))
                .startsWith("Details: ").contains("409");
        assertThat(accounts("conflict-user")).isEmpty();

        // A real duplicate (its own tenant, so no other test's links count): that one is "already connected".
        String dupKey = Tenants.key(api, server.firstAdminKey().orElseThrow(), "duplicates");
        Api.Response linked = api.post("/v1/accounts").token(dupKey).json(Map.of("connector_id", "toggl",
                "owner_id", "dup-user", "auth_method", "api_token",
                "credentials", Map.of("api_token", FakeToggl.BOB.apiToken()))).send();
        assertThat(linked.status()).as(linked.toString()).isEqualTo(201);
        open(browser, connectUrl(session(dupKey, "dup-user", "Again")));
        type(browser, "api_token", FakeToggl.BOB.apiToken());
        browser.eval("document.getElementById('submit').click(); true");
        browser.waitFor("document.getElementById('form-error').textContent", v -> v instanceof String s
                && !s.isBlank(), WAIT);
        assertThat(browser.eval("document.getElementById('form-error').firstChild.firstChild.textContent"))
                .isEqualTo("This account is already connected.");
    }

    @Test
    void switchingTheSignInMethodKeepsWhatWasTypedAndDropsTheOldError() throws Exception {
        HeadlessChromium browser = browser();
        open(browser, connectUrl(session("switch-user", "Switch")));
        type(browser, "api_token", FakeToggl.BOB.apiToken());
        try {
            toggl.enqueue(Fault.unavailable(), 20);
            browser.eval("document.getElementById('submit').click(); true");
            browser.waitFor("document.getElementById('form-error').textContent", v -> v instanceof String s
                    && !s.isBlank(), WAIT);
        } finally {
            toggl.reset();
        }

        // The error was about the token attempt: it goes with the switch.
        browser.eval("document.getElementById('method-email_password').click(); true");
        assertThat(browser.eval("[document.getElementById('form-error').textContent,"
                + " document.getElementById('field-email') !== null]")).isEqualTo(List.of("", true));
        type(browser, "email", FakeToggl.BOB.email());

        // Each method keeps what was typed for it while the page is open.
        browser.eval("document.getElementById('method-api_token').click(); true");
        assertThat(browser.eval("document.getElementById('field-api_token').value")).isEqualTo(FakeToggl.BOB.apiToken());
        browser.eval("document.getElementById('method-email_password').click(); true");
        assertThat(browser.eval("[document.getElementById('field-email').value,"
                + " document.getElementById('field-password').value]")).isEqualTo(List.of(FakeToggl.BOB.email(), ""));
        // Nothing typed is written anywhere the browser keeps.
        assertThat(browser.eval("[localStorage.length, sessionStorage.length]")).isEqualTo(List.of(0.0, 0.0));
    }

    @Test
    void aTokenTypedForOneServiceNeverFillsInAnothersForm() throws Exception {
        Api.Response session = api.post("/v1/connect-sessions").token(key).json(Map.of("owner_id", "two-services-user",
                "allowed_connectors", List.of("toggl", "oneflow"))).send();
        assertThat(session.status()).as(session.toString()).isEqualTo(201);
        HeadlessChromium browser = browser();
        open(browser, connectUrl(session.string("token")), "document.getElementById('connector').options.length === 2");
        browser.eval("(() => { const c = document.getElementById('connector'); c.value = 'toggl';"
                + " c.dispatchEvent(new Event('change')); return true; })()");
        type(browser, "api_token", FakeToggl.BOB.apiToken());

        // Both services call their method and its field api_token: the other service's form starts empty.
        browser.eval("(() => { const c = document.getElementById('connector'); c.value = 'oneflow';"
                + " c.dispatchEvent(new Event('change')); return true; })()");
        assertThat(browser.eval("[document.getElementById('field-api_token').value,"
                + " document.getElementById('field-user_email') !== null]")).isEqualTo(List.of("", true));
        browser.eval("(() => { const c = document.getElementById('connector'); c.value = 'toggl';"
                + " c.dispatchEvent(new Event('change')); return true; })()");
        assertThat(browser.eval("document.getElementById('field-api_token').value")).isEqualTo(FakeToggl.BOB.apiToken());
    }

    @Test
    void anEditWhoseAnswerWasLostIsNotCalledAFailureWhenTheLinkIsFoundUsed() throws Exception {
        // A tenant of its own: Alice's workspaces are linked in the main one by other tests.
        String tenantKey = Tenants.key(api, server.firstAdminKey().orElseThrow(), "lost-answer");
        Api.Response linked = api.post("/v1/accounts").token(tenantKey).json(Map.of("connector_id", "toggl",
                "owner_id", "lost-answer-user", "auth_method", "api_token", "workspace_id",
                Long.toString(FakeToggl.WS_LABS), "credentials", Map.of("api_token", FakeToggl.ALICE.apiToken()))).send();
        assertThat(linked.status()).as(linked.toString()).isEqualTo(201);
        String accountId = linked.string("account.id");
        Api.Response session = api.post("/v1/connect-sessions").token(tenantKey)
                .json(Map.of("owner_id", "lost-answer-user", "account_id", accountId)).send();
        assertThat(session.status()).as(session.toString()).isEqualTo(201);
        HeadlessChromium browser = browser();
        open(browser, "http://127.0.0.1:" + server.port() + session.string("connect_url"));
        // The first replacement reaches the server and is made; its answer is lost on the way back.
        browser.eval("(() => { const real = window.fetch; let lost = false; window.fetch = async (url, init) => {"
                + " const answer = await real(url, init);"
                + " if (!lost && init && init.method === 'PUT') { lost = true; throw new TypeError('Failed to fetch'); }"
                + " return answer; }; return true; })()");
        type(browser, "api_token", FakeToggl.ALICE.apiToken());
        browser.eval("document.getElementById('submit').click(); true");
        browser.waitFor("document.getElementById('form-error').textContent", v -> v instanceof String s
                && s.startsWith("This page cannot reach the server"), WAIT);

        browser.eval("document.getElementById('submit').click(); true");
        browser.waitFor("document.getElementById('form-error').textContent", v -> v instanceof String s
                && s.startsWith("This link"), WAIT);
        assertThat(browser.eval("document.getElementById('form-error').textContent")).isEqualTo("This link has been "
                + "used: your earlier attempt probably updated the account, but its answer was lost on the way. Check "
                + "the account in the application you came from.");
    }

    @Test
    void withoutJavaScriptOnlyTheNoscriptMessageShows() throws Exception {
        HeadlessChromium browser = browser();
        browser.command("Emulation.setScriptExecutionDisabled", Map.of("value", true));
        try {
            open(browser, connectUrl(session("no-script-user", "No script")), "document.readyState === 'complete'");
            String shown = (String) browser.eval("document.body.innerText");
            assertThat(shown).contains("This page needs JavaScript").doesNotContain("Loading");
        } finally {
            browser.command("Emulation.setScriptExecutionDisabled", Map.of("value", false));
        }
    }

    // ---- Helpers ---------------------------------------------------------------------------------------------

    /** One browser for the class: starting Chromium is the slow part. */
    private static HeadlessChromium browser() throws Exception {
        if (chromium == null) {
            chromium = HeadlessChromium.startIn(data);
        }
        return chromium;
    }

    private static String session(String owner, String label) {
        return session(key, owner, label);
    }

    private static String session(String tenantKey, String owner, String label) {
        Api.Response session = api.post("/v1/connect-sessions").token(tenantKey).json(Map.of("owner_id", owner,
                "allowed_connectors", List.of("toggl"), "label", label)).send();
        assertThat(session.status()).as(session.toString()).isEqualTo(201);
        return session.string("token");
    }

    private static String connectUrl(String token) {
        return "http://127.0.0.1:" + server.port() + "/connect#session=" + token;
    }

    /** A fresh page load (a fragment-only change would not reload), waiting until the form is there. */
    private static void open(HeadlessChromium browser, String url) throws InterruptedException {
        open(browser, url, "document.getElementById('field-api_token') !== null");
    }

    private static void open(HeadlessChromium browser, String url, String ready) throws InterruptedException {
        browser.command("Page.navigate", Map.of("url", "about:blank"));
        browser.waitFor("location.href", "about:blank"::equals, WAIT);
        browser.open(url);
        browser.waitFor("location.pathname === '/connect' && document.getElementById('status') !== null && (" + ready
                + ")", Boolean.TRUE::equals, WAIT);
    }

    /** Types as a user does: the value changes and the page hears an input event. */
    private static void type(HeadlessChromium browser, String field, String value) {
        browser.eval("(() => { const f = document.getElementById('field-" + field + "'); f.value = '" + value + "';"
                + " f.dispatchEvent(new Event('input', { bubbles: true })); return true; })()");
    }

    private static String doneLabel() {
        return "document.getElementById('done').hidden ? null : document.getElementById('done-label').textContent";
    }

    private static List<Map<String, Object>> accounts(String owner) {
        Api.Response accounts = api.get("/v1/accounts?owner_id=" + owner).token(key).send();
        assertThat(accounts.status()).as(accounts.toString()).isEqualTo(200);
        return accounts.list("data");
    }
}
