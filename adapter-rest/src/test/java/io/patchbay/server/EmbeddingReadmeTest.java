package io.patchbay.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.connector.toggl.fake.FakeToggl;
import io.patchbay.core.Hub;
import io.patchbay.core.account.LinkRequest;
import io.patchbay.core.account.LinkResult;
import io.patchbay.core.account.Viewer;
import io.patchbay.core.account.Visibility;
import io.patchbay.core.plugin.ConnectorRegistry;
import io.patchbay.core.proxy.ProxyRequest;
import io.patchbay.core.proxy.ProxyResponse;
import io.patchbay.spi.ActionResult;
import io.patchbay.spi.ConnectorContext;
import io.patchbay.spi.Credentials;
import io.patchbay.spi.RateLimited;
import io.patchbay.storage.PatchbayStorage;
import io.patchbay.storage.StorageConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the README's embedding example as written, against the fake Toggl, and keeps the two identical. */
class EmbeddingReadmeTest {
    private static final Path SOURCE = Path.of("src/test/java/io/patchbay/server/EmbeddingReadmeTest.java");

    @TempDir
    Path dataDir;

    @Test
    void theReadmeExampleLinksAnAccountAndRunsAnAction() throws InterruptedException {
        try (FakeToggl toggl = FakeToggl.start()) {
            Path connectorsDir = dataDir.resolve("connectors");
            URI togglBaseUrl = toggl.baseUrl();
            String apiToken = FakeToggl.CAROL.apiToken();
            // README:BEGIN
            // Storage: SQLite in dataDir with a generated keyset (zero setup); production uses PostgreSQL (docs/storage.md).
            PatchbayStorage storage = PatchbayStorage.open(StorageConfig.embeddedDefault(dataDir));
            // Connectors on the class path and in connectorsDir; each is created with its own context: a base-URL override
            // (a regional host, a proxy, a test fake), timeouts and settings. Without an override a connector uses its
            // provider's public URL.
            ConnectorRegistry registry = ConnectorRegistry.load(getClass().getClassLoader(), Optional.of(connectorsDir),
                    id -> id.equals("toggl") ? ConnectorContext.defaults(id).withBaseUrl(togglBaseUrl)
                            : ConnectorContext.defaults(id));
            Hub hub = Hub.builder()
                    .connectors(registry.connectors())          // what end users can link
                    .store(storage.accounts())                  // linked accounts and their sealed credentials
                    .accountChanges(storage.accountChanges())   // other instances' changes reach this one's account cache
                    .cipher(storage.cipher())                   // seals credentials before they are stored
                    .auditLog(storage.auditLog())               // an event per link, change and disconnect
                    .callTimeout(Duration.ofSeconds(31))        // a connector call still running then is cut off (504-like)
                    .build();
            LinkResult linked = hub.links().link(Viewer.endUser("acme", "user-42", null),
                    new LinkRequest("toggl", new Credentials("api_token", Map.of("api_token", apiToken)), Optional.empty(),
                            Optional.empty(), "user-42", Optional.empty(), Visibility.PRIVATE));
            ActionResult workspaces = hub.actions().invoke(Viewer.endUser("acme", "user-42", null), linked.account().id(),
                    "list_workspaces", Map.of());
            // The authenticated proxy: any route below the connector's base URL, with the account's credentials added and
            // its secrets masked in the answer; blocked routes (a token reset, say) and other users' accounts are refused.
            // It keeps to the connector's pace of the provider's rate limit (Toggl: one request a second per user) and
            // never queues: a request whose turn has not come is refused at once with the wait.
            ProxyRequest request = ProxyRequest.of("GET", "api/v9/me").withQuery("with_related_data=false");
            ProxyResponse me;
            try {
                me = hub.proxy().send(Viewer.endUser("acme", "user-42", null), linked.account().id(), request);
            } catch (RateLimited e) {
                Thread.sleep(e.retryAfter().toMillis());
                me = hub.proxy().send(Viewer.endUser("acme", "user-42", null), linked.account().id(), request);
            }
            // On shutdown: the hub first (it interrupts connector calls and abandons proxy requests in flight; their callers
            // get HubClosedException at once), then storage, then the connectors.
            hub.close();
            storage.close();
            registry.close();
            // README:END

            assertThat(linked.account().ownerId()).isEqualTo("user-42");
            assertThat(linked.account().workspaceId()).contains(Long.toString(FakeToggl.WS_GLOBEX));
            assertThat(linked.account().secretHint()).isEqualTo(apiToken.substring(apiToken.length() - 4));
            assertThat(workspaces.output().toString()).contains(Long.toString(FakeToggl.WS_GLOBEX));
            assertThat(me.status()).isEqualTo(200);
            assertThat(me.bodyText()).contains("\"api_token\":\"[REDACTED]\"").doesNotContain(apiToken);
            Assertions.assertThatThrownBy(() -> hub.accounts().get(Viewer.tenantWide("acme"), linked.account().id()))
                    .isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void theReadmeShowsExactlyTheCodeThisTestRuns() throws IOException {
        Matcher tested = Pattern.compile("// README:BEGIN\\n(.*?)\\n\\s*// README:END", Pattern.DOTALL)
                .matcher(Files.readString(SOURCE));
        assertThat(tested.find()).isTrue();
        String readme = Files.readString(Path.of("../README.md"));
        Matcher shown = Pattern.compile("## Embedding.*?```java\\n(.*?)\\n```", Pattern.DOTALL).matcher(readme);
        assertThat(shown.find()).as("README has an embedding example").isTrue();
        assertThat(normalize(shown.group(1))).isEqualTo(normalize(tested.group(1)));
    }

    /** Lines without their indentation: the test's code sits two levels deeper than the README's. */
    private static String normalize(String code) {
        return code.lines().map(String::strip).reduce((a, b) -> a + "\n" + b).orElse("");
    }
}
