package io.patchbay.connector.toggl;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.connector.toggl.fake.FakeToggl;
import io.patchbay.spi.Connector;
import io.patchbay.spi.ProxyTarget;
import java.io.IOException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the connector's {@link ProxyTarget} keeps from a pass-through caller, checked against the answers of the fake
 * Toggl: a credential in a named member is masked, one in a bare answer is blocked by route.
 */
class TogglProxyTargetTest {
    @RegisterExtension
    static final TogglOnFake TOGGL = new TogglOnFake();
    private static final FakeToggl FAKE = TOGGL.fake();
    private static final Connector CONNECTOR = TOGGL.connector();
    private static final OkHttpClient HTTP = new OkHttpClient();
    private static final Pattern FEED_TOKEN = Pattern.compile("/ical/workspace_user/([0-9a-f]{32})");

    @AfterAll
    static void stop() {
        HTTP.dispatcher().executorService().shutdown();
        HTTP.connectionPool().evictAll();
    }

    /** The answer of {@code method path} sent as the proxy would, with the target's headers. */
    private static String send(ProxyTarget target, String method, String path) throws IOException {
        Request.Builder request = new Request.Builder().url(target.baseUrl().resolve("/" + path).toString())
                .method(method, method.equals("GET") ? null : RequestBody.create(new byte[0]));
        target.headers().forEach(request::header);
        try (Response response = HTTP.newCall(request.build()).execute()) {
            assertThat(response.code()).as(method + " " + path).isEqualTo(200);
            return response.body().string();
        }
    }

    /** A route as {@link ProxyTarget.BlockedRoute} documents the match: case-insensitive, {@code {name}} = one segment. */
    private static boolean blocked(ProxyTarget target, String method, String path) {
        String[] segments = path.toLowerCase(Locale.ROOT).split("/");
        return target.blockedRoutes().stream().anyMatch(route -> {
            String[] pattern = route.path().toLowerCase(Locale.ROOT).split("/");
            if (!route.method().equals(method) || pattern.length != segments.length) {
                return false;
            }
            for (int i = 0; i < pattern.length; i++) {
                if (!ProxyTarget.BlockedRoute.isTemplate(pattern[i]) && !pattern[i].equals(segments[i])) {
                    return false;
                }
            }
            return true;
        });
    }

    @Test
    void theICalToggleAnswersTheFeedCredentialAsABareStringSoTheRouteIsBlocked() throws IOException {
        ProxyTarget target = CONNECTOR.proxyTarget(TestContexts.token(FakeToggl.ALICE));
        String toggle = "api/v9/workspaces/" + FakeToggl.WS_STUDIO + "/ical/toggle";

        String workspaces = send(target, "GET", "api/v9/me/workspaces");
        Matcher listed = FEED_TOKEN.matcher(workspaces);
        assertThat(listed.find()).as("the workspace lists its feed").isTrue();
        String answer = send(target, "POST", toggle);

        assertThat(answer).as("no member a mask could name").startsWith("\"").endsWith("\"")
                .contains(listed.group(1));
        assertThat(target.secretJsonFields()).as("the listing's feed link is masked by name").contains("ical_url");
        assertThat(blocked(target, "POST", toggle)).as("the toggle is refused").isTrue();
        assertThat(blocked(target, "POST", "API/v9/workspaces/" + FakeToggl.WS_LABS + "/iCal/Toggle")).isTrue();
        assertThat(blocked(target, "GET", "api/v9/me/workspaces")).as("reading stays open").isFalse();
    }

    @Test
    void theICalResetAnswersANewFeedCredentialSoItIsBlockedToo() throws IOException {
        ProxyTarget target = CONNECTOR.proxyTarget(TestContexts.token(FakeToggl.ALICE));
        String reset = "api/v9/workspaces/" + FakeToggl.WS_STUDIO + "/ical/reset";

        String answer = send(target, "POST", reset);

        assertThat(FEED_TOKEN.matcher(answer).find()).isTrue();
        assertThat(send(target, "GET", "api/v9/me/workspaces")).as("the listing shows the new link")
                .contains(FEED_TOKEN.matcher(answer).results().findFirst().orElseThrow().group(1));
        assertThat(blocked(target, "POST", reset)).isTrue();
    }

    @Test
    void membersNamedTokenAreMasked() {
        ProxyTarget target = CONNECTOR.proxyTarget(TestContexts.token(FakeToggl.ALICE));

        // A saved report's share token, an SSO invitation's token and a data export's token are all "token"; the
        // host masks by exact name, so a page cursor such as next_page_token stays readable.
        assertThat(target.secretJsonFields()).contains("token", "api_token", "login_token");
    }
}
