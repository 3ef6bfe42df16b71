package io.patchbay.connector.toggl;

import static io.patchbay.connector.toggl.fake.FakeToggl.ALICE;
import static io.patchbay.connector.toggl.fake.FakeToggl.BOB;
import static io.patchbay.connector.toggl.fake.FakeToggl.CAROL;
import static io.patchbay.connector.toggl.fake.FakeToggl.DAVE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patchbay.connector.toggl.fake.FakeRequest;
import io.patchbay.connector.toggl.fake.FakeToggl;
import io.patchbay.spi.Connector;
import io.patchbay.spi.CredentialFormatException;
import io.patchbay.spi.InvalidCredentials;
import io.patchbay.spi.Notice;
import io.patchbay.spi.Verification;
import io.patchbay.spi.Workspace;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The live check: two requests, identity, workspaces with roles, and precise answers for bad credentials. */
class TogglVerifyTest {
    @RegisterExtension
    static final TogglOnFake TOGGL = new TogglOnFake();
    private static final FakeToggl FAKE = TOGGL.fake();
    private static final Connector CONNECTOR = TOGGL.connector();

    @Test
    void aTokenWithSeveralWorkspacesYieldsTheIdentityAndEachRole() {
        Verification verification = CONNECTOR.verify(TestContexts.token(ALICE));

        assertThat(verification.identity().id()).isEqualTo("1001");
        assertThat(verification.identity().email()).contains("alice@example.com");
        assertThat(verification.identity().displayName()).isEqualTo("Alice Admin");
        assertThat(verification.identity().accountId()).as("organization of the default workspace").contains("3001");
        assertThat(verification.identity().attributes())
                .containsEntry("timezone", "Europe/Berlin").containsEntry("default_workspace_id", "2001");
        assertThat(verification.workspaces()).extracting(Workspace::id, Workspace::name, Workspace::role,
                        Workspace::admin)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("2001", "Acme Studio", "admin", true),
                        org.assertj.core.groups.Tuple.tuple("2002", "Acme Labs", "admin", true),
                        org.assertj.core.groups.Tuple.tuple("2003", "Globex Consulting", "user", false));
        assertThat(verification.workspace("2001").orElseThrow().notices()).isEmpty();
        assertThat(verification.workspace("2003").orElseThrow().notices())
                .extracting(Notice::severity, Notice::code)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Notice.Severity.WARNING, "not_workspace_admin"));
        assertThat(verification.workspace("2003").orElseThrow().blocked()).isFalse();
        assertThat(verification.notices()).isEmpty();
    }

    @Test
    void verificationCostsExactlyOneMeAndOneWorkspacesCallWithTheTokenAsBasicUser() {
        CONNECTOR.verify(TestContexts.token(ALICE));

        List<FakeRequest> requests = FAKE.requests();
        assertThat(requests).extracting(FakeRequest::method, FakeRequest::path).containsExactly(
                org.assertj.core.groups.Tuple.tuple("GET", "/api/v9/me"),
                org.assertj.core.groups.Tuple.tuple("GET", "/api/v9/me/workspaces"));
        for (FakeRequest request : requests) {
            assertThat(request.basicAuth()).contains(List.of(ALICE.apiToken(), "api_token"));
            assertThat(request.query()).as("no with_related_data, no extras").isEmpty();
            assertThat(request.header("User-Agent")).startsWith("Patchbay-Toggl/");
        }
    }

    @Test
    void aMemberWhoIsNotAdminGetsAWarningThatStillAllowsTheLink() {
        Verification verification = CONNECTOR.verify(TestContexts.token(BOB));

        Workspace studio = verification.workspace("2001").orElseThrow();
        assertThat(studio.role()).isEqualTo("user");
        assertThat(studio.admin()).isFalse();
        assertThat(studio.notices()).singleElement().satisfies(notice -> {
            assertThat(notice.severity()).isEqualTo(Notice.Severity.WARNING);
            assertThat(notice.code()).isEqualTo("not_workspace_admin");
            assertThat(notice.message()).contains("Acme Studio").contains("own time entries");
        });
        assertThat(studio.blocked()).isFalse();
    }

    @Test
    void anOrganizationOwnerIsAdminOfHerWorkspace() {
        Verification verification = CONNECTOR.verify(TestContexts.token(CAROL));

        assertThat(verification.workspaces()).singleElement().satisfies(w -> {
            assertThat(w.id()).isEqualTo("2003");
            assertThat(w.admin()).isTrue();
            assertThat(w.notices()).isEmpty();
        });
        assertThat(verification.identity().accountId()).contains("3002");
    }

    @Test
    void aUserWithoutWorkspacesIsWarned() {
        Verification verification = CONNECTOR.verify(TestContexts.token(DAVE));

        assertThat(verification.workspaces()).isEmpty();
        assertThat(verification.identity().accountId()).isEmpty();
        assertThat(verification.notices()).extracting(Notice::code).containsExactly("no_workspaces");
    }

    @Test
    void emailAndPasswordAreSentAsBasicCredentials() {
        Verification verification = CONNECTOR.verify(TestContexts.password(ALICE.email(), ALICE.password()));

        assertThat(verification.identity().id()).isEqualTo("1001");
        assertThat(FAKE.lastRequest().basicAuth()).contains(List.of(ALICE.email(), ALICE.password()));
    }

    @Test
    void aWrongTokenIsInvalidCredentialsNamingTheTokenField() {
        assertThatThrownBy(() -> CONNECTOR.verify(TestContexts.token(FakeToggl.UNKNOWN_TOKEN)))
                .isInstanceOfSatisfying(InvalidCredentials.class, e -> {
                    assertThat(e.field()).contains("api_token");
                    assertThat(e.code()).isEqualTo("invalid_credentials");
                    assertThat(e.getMessage()).contains("API token").contains("403")
                            .doesNotContain(FakeToggl.UNKNOWN_TOKEN);
                });
        assertThat(FAKE.requests()).as("no second call after a rejected /me").hasSize(1);
    }

    @Test
    void aPasswordWithSpacesAtItsEndsIsSentAsTyped() {
        String typed = " " + ALICE.password() + " ";
        assertThat(CONNECTOR.checkFormat(TestContexts.password(ALICE.email(), typed))).isEmpty();

        // Toggl is asked with exactly what was typed; for this user that is not the password, so Toggl refuses it.
        assertThatThrownBy(() -> CONNECTOR.verify(TestContexts.password(ALICE.email(), typed)))
                .isInstanceOfSatisfying(InvalidCredentials.class, e -> assertThat(e.field()).contains("password"));
        assertThat(FAKE.lastRequest().basicAuth()).contains(List.of(ALICE.email(), typed));
    }

    @Test
    void aWrongPasswordIsInvalidCredentialsNamingThePasswordField() {
        assertThatThrownBy(() -> CONNECTOR.verify(TestContexts.password(ALICE.email(), "not-her-password")))
                .isInstanceOfSatisfying(InvalidCredentials.class, e -> {
                    assertThat(e.field()).contains("password");
                    assertThat(e.getMessage()).contains("email or password").doesNotContain("not-her-password");
                });
    }

    @Test
    void anAnswerOf401IsInvalidCredentialsToo() {
        FAKE.enqueue(new io.patchbay.connector.toggl.fake.Fault(401, Map.of("X-Authorization-Missing", "true"), "",
                java.time.Duration.ZERO, "/"));

        assertThatThrownBy(() -> CONNECTOR.verify(TestContexts.token(ALICE)))
                .isInstanceOfSatisfying(InvalidCredentials.class, e -> assertThat(e.field()).contains("api_token"));
    }

    @Test
    void malformedCredentialsNeverReachToggl() {
        assertThatThrownBy(() -> CONNECTOR.verify(TestContexts.token("not-a-token")))
                .isInstanceOfSatisfying(CredentialFormatException.class,
                        e -> assertThat(e.errors()).extracting(f -> f.field()).containsExactly("api_token"));
        assertThat(FAKE.requests()).isEmpty();
    }

    @Test
    void aTokenLosesItsValidityWhenReset() {
        FAKE.reset();
        CONNECTOR.capability(io.patchbay.spi.ProviderTokenReset.class).orElseThrow()
                .resetToken(TestContexts.token(BOB));

        assertThatThrownBy(() -> CONNECTOR.verify(TestContexts.token(BOB))).isInstanceOf(InvalidCredentials.class);
        assertThat(CONNECTOR.verify(TestContexts.token(FAKE.apiToken(BOB))).identity().id()).isEqualTo("1002");
    }
}
