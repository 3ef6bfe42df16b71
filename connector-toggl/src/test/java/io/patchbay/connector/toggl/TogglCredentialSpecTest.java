package io.patchbay.connector.toggl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patchbay.connector.toggl.fake.FakeToggl;
import io.patchbay.spi.AuthMethod;
import io.patchbay.spi.Connector;
import io.patchbay.spi.ConnectorContext;
import io.patchbay.spi.CredentialField;
import io.patchbay.spi.CredentialFormatException;
import io.patchbay.spi.FieldError;
import io.patchbay.spi.FieldType;
import io.patchbay.spi.ProxyTarget;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** What the connect page shows, the offline check, and the pass-through target. */
class TogglCredentialSpecTest {
    private static final Connector CONNECTOR = new TogglConnectorFactory().create(
            TestContexts.fast(URI.create("http://127.0.0.1:9")));

    @AfterAll
    static void close() {
        CONNECTOR.close();
    }

    @Test
    void theApiTokenIsTheRecommendedMethodWithASecretHexField() {
        AuthMethod token = CONNECTOR.credentialSpec().defaultMethod();

        assertThat(token.id()).isEqualTo("api_token");
        assertThat(token.recommended()).isTrue();
        CredentialField field = token.field("api_token").orElseThrow();
        assertThat(field.type()).isEqualTo(FieldType.SECRET);
        assertThat(field.pattern()).contains("[0-9a-f]{32}");
        assertThat(field.help()).contains("Profile Settings").contains("Click to reveal");
        assertThat(String.join(" ", token.setupGuide())).contains("Profile Settings").contains("API Token section")
                .contains("bottom").contains("Click to reveal");
        assertThat(String.join(" ", token.permissionNotes())).contains("admin of the workspace")
                .contains("owner of its organization");
    }

    @Test
    void emailAndPasswordIsTheAlternative() {
        AuthMethod password = CONNECTOR.credentialSpec().method("email_password").orElseThrow();

        assertThat(password.recommended()).isFalse();
        assertThat(password.fields()).extracting(CredentialField::key, CredentialField::type).containsExactly(
                org.assertj.core.groups.Tuple.tuple("email", FieldType.EMAIL),
                org.assertj.core.groups.Tuple.tuple("password", FieldType.PASSWORD));
        assertThat(CONNECTOR.credentialSpec().secretKeys("email_password")).containsExactly("password");
        assertThat(CONNECTOR.credentialSpec().hintedKeys("email_password")).as("a password is never hinted").isEmpty();
        assertThat(password.permissionNotes()).isNotEmpty();
    }

    @Test
    void theFormatCheckNamesTheFieldAndTheRule() {
        assertThat(CONNECTOR.checkFormat(TestContexts.token("1971800d4d82861d8f2c1651fea4d212"))).isEmpty();
        assertThat(CONNECTOR.checkFormat(TestContexts.token("1971800D4D82861D8F2C1651FEA4D212")))
                .extracting(FieldError::field, FieldError::code)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("api_token", "pattern"));
        assertThat(CONNECTOR.checkFormat(TestContexts.token(" 1971800d4d82861d8f2c1651fea4d212")))
                .extracting(FieldError::code).containsExactly("whitespace");
        assertThat(CONNECTOR.checkFormat(TestContexts.password("alice@", "pw")))
                .extracting(FieldError::field, FieldError::code)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("email", "email"));
    }

    @Test
    void theProxyTargetAuthenticatesWithBasicAndStripsCookies() {
        ProxyTarget target = CONNECTOR.proxyTarget(TestContexts.token(FakeToggl.ALICE));

        assertThat(target.baseUrl()).isEqualTo(URI.create("http://127.0.0.1:9"));
        String expected = "Basic " + Base64.getEncoder().encodeToString(
                (FakeToggl.ALICE.apiToken() + ":api_token").getBytes(StandardCharsets.UTF_8));
        assertThat(target.headers()).containsExactly(Map.entry("Authorization", expected));
        assertThat(target.strippedResponseHeaders()).containsExactly("set-cookie");
        assertThat(target.toString()).doesNotContain(FakeToggl.ALICE.apiToken(), expected.substring(6));
        assertThat(target.secretJsonFields()).as("the token, the webhook signing secret, sign-in and feed links")
                .containsExactlyInAnyOrder("api_token", "secret", "login_token", "ical_url", "invite_url",
                        "invitation_code", "token");
        assertThat(target.blockedRoutes()).extracting(r -> r.method() + " " + r.path()).containsExactlyInAnyOrder(
                "POST api/v9/me/reset_token", "POST api/v9/desktop_login_tokens", "GET api/v9/desktop_login",
                "POST api/v9/workspaces/{workspace_id}/ical/reset", "POST api/v9/workspaces/{workspace_id}/ical/toggle");
        assertThat(target.blockedRoutes()).extracting(r -> r.method() + " " + r.path()).as("managing subscriptions "
                + "stays open").noneMatch(route -> route.contains("webhooks"));
        assertThat(target.blockedRoutes()).allSatisfy(r -> assertThat(r.reason()).contains("it "));

        ProxyTarget byPassword = CONNECTOR.proxyTarget(TestContexts.password("a@example.com", "pa:ss"));
        assertThat(new String(Base64.getDecoder().decode(byPassword.headers().get("Authorization").substring(6)),
                StandardCharsets.UTF_8)).isEqualTo("a@example.com:pa:ss");
        assertThatThrownBy(() -> CONNECTOR.proxyTarget(TestContexts.token("nope")))
                .isInstanceOf(CredentialFormatException.class);
    }

    @Test
    void theDefaultBaseUrlIsTogglsAndTheInfoCarriesTheBuildVersion() {
        try (Connector standard = new TogglConnectorFactory().create(ConnectorContext.defaults("toggl"))) {
            assertThat(standard.baseUrl()).isEqualTo(URI.create("https://api.track.toggl.com"));
            assertThat(standard.info().version()).isNotBlank().doesNotContain("${").isNotEqualTo("unknown");
            assertThat(standard.info().displayName()).isEqualTo("Toggl Track");
        }
    }

    @Test
    void everyActionDeclaresItsSchemasAndTheReadOnlyOnesAreReads() {
        assertThat(CONNECTOR.actions()).extracting(a -> a.name()).contains("list_workspaces", "list_time_entries",
                "get_time_entry", "create_time_entry", "update_time_entry", "delete_time_entry",
                "get_current_time_entry", "start_timer", "stop_timer", "list_projects", "list_clients", "list_tags",
                "list_tasks", "list_workspace_users", "create_project", "create_client", "create_tag",
                "search_time_entries_report");
        assertThat(CONNECTOR.actions()).filteredOn(a -> a.readOnly()).extracting(a -> a.name())
                .allMatch(n -> n.startsWith("list_") || n.startsWith("get_") || n.startsWith("search_"));
        assertThat(CONNECTOR.actions()).allSatisfy(a -> {
            assertThat(a.inputSchema()).contains("\"additionalProperties\":false");
            assertThat(a.outputSchema()).startsWith("{\"type\":\"object\"");
        });
    }

    @Test
    void aNullableEnumListsNullAmongItsValues() {
        String report = CONNECTOR.actions().stream().filter(a -> a.name().equals("search_time_entries_report"))
                .findFirst().orElseThrow().outputSchema();

        assertThat(report).contains("\"type\":[\"string\",\"null\"],\"enum\":[\"page_cap\",\"quota\",null]");
    }
}
