package io.patchbay.connector.oneflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patchbay.connector.oneflow.fake.FakeOneflow;
import io.patchbay.connector.oneflow.fake.RecordedCall;
import io.patchbay.spi.ActionCall;
import io.patchbay.spi.Connector;
import io.patchbay.spi.Credentials;
import io.patchbay.spi.CredentialFormatException;
import io.patchbay.spi.FieldError;
import io.patchbay.spi.InvalidCredentials;
import io.patchbay.spi.Notice;
import io.patchbay.spi.ProviderUnavailable;
import io.patchbay.spi.RateLimited;
import io.patchbay.spi.Verification;
import io.patchbay.spi.Workspace;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class VerifyTest extends FakeServerTest {

    @Test
    void adminVerifiesToUserAccountAndEveryWorkspace() {
        Verification v = connector.verify(ADMIN);

        assertThat(v.identity().id()).isEqualTo(Long.toString(FakeOneflow.ADMIN_USER_ID));
        assertThat(v.identity().email()).contains(FakeOneflow.ADMIN_EMAIL);
        assertThat(v.identity().displayName()).isEqualTo("Ada Admin");
        assertThat(v.identity().accountId()).contains(Long.toString(FakeOneflow.ACCOUNT_ID));
        assertThat(v.identity().attributes()).containsEntry("account_name", "Acme Contracts AB")
                .containsEntry("is_admin", "true");
        assertThat(v.workspaces()).extracting(Workspace::id).containsExactly(
                Long.toString(FakeOneflow.WORKSPACE_SALES), Long.toString(FakeOneflow.WORKSPACE_HR),
                Long.toString(FakeOneflow.WORKSPACE_LEGAL));
        assertThat(v.workspaces()).allSatisfy(w -> {
            assertThat(w.role()).isEqualTo("admin");
            assertThat(w.admin()).isTrue();
            assertThat(w.notices()).isEmpty();
        });
        assertThat(v.notices()).isEmpty();
    }

    @Test
    void pingAndUserLookupUseTheTokenAloneAndWorkspacesAreAskedAsTheUser() {
        connector.verify(ADMIN);

        List<RecordedCall> calls = fake.requests();
        assertThat(calls).extracting(RecordedCall::apiPath).containsExactly("/ping", "/accounts/me", "/users",
                "/workspaces");
        for (RecordedCall call : calls.subList(0, 3)) {
            assertThat(call.header("x-oneflow-api-token")).isEqualTo(FakeOneflow.TOKEN);
            assertThat(call.header("x-oneflow-user-email")).as(call.apiPath()).isNull();
        }
        RecordedCall workspaces = calls.get(3);
        assertThat(workspaces.header("x-oneflow-api-token")).isEqualTo(FakeOneflow.TOKEN);
        assertThat(workspaces.header("x-oneflow-user-email")).isEqualTo(FakeOneflow.ADMIN_EMAIL);
        assertThat(workspaces.query()).containsEntry("limit", "100").containsEntry("offset", "0");
        assertThat(calls.get(0).header("accept")).isEqualTo("application/json");
    }

    @Test
    void emailIsFoundOnALaterPageOfUsers() {
        Verification v = connector.verify(MEMBER);

        assertThat(v.identity().id()).isEqualTo(Long.toString(FakeOneflow.MEMBER_USER_ID));
        assertThat(v.identity().email()).contains("Max.Member@Acme.example");
        assertThat(fake.requests("GET", "/users")).extracting(c -> c.query("offset")).containsExactly("0", "100");
        assertThat(fake.requests("GET", "/users")).extracting(c -> c.query("limit")).containsOnly("100");
    }

    @Test
    void workspacesAreAskedWithTheEmailAsEnteredWhichIsWhatActionsSend() {
        fake.emailsIgnoreCase(true); // a lenient Oneflow: the other spelling is accepted everywhere
        Credentials typed = TestContexts.credentials(FakeOneflow.TOKEN, "max.member@acme.example");

        Verification v = connector.verify(typed);
        connector.invoke(new ActionCall("list_workspaces", typed, Optional.empty(), Map.of()));

        // The identity names Oneflow's spelling; the live check sent the header every later call sends.
        assertThat(v.identity().email()).contains("Max.Member@Acme.example");
        List<RecordedCall> asked = fake.requests("GET", "/workspaces");
        assertThat(asked).hasSize(2).extracting(c -> c.header("x-oneflow-user-email"))
                .containsOnly("max.member@acme.example");
    }

    @Test
    void anEmailOneflowComparesExactlyFailsTheLiveCheckAsItWouldFailEveryAction() {
        Credentials typed = TestContexts.credentials(FakeOneflow.TOKEN, "max.member@acme.example");

        assertThatThrownBy(() -> connector.verify(typed))
                .isInstanceOfSatisfying(InvalidCredentials.class, e -> {
                    assertThat(e.code()).isEqualTo("user_rejected");
                    assertThat(e.field()).contains("user_email");
                    assertThat(e.getMessage()).isEqualTo("Oneflow refused to act as this user with the email as "
                            + "entered; Oneflow spells it Max.Member@Acme.example: enter it exactly so, letter case "
                            + "included.");
                });
        assertThat(fake.requests("GET", "/workspaces")).extracting(c -> c.header("x-oneflow-user-email"))
                .containsExactly("max.member@acme.example");
        assertThatThrownBy(() -> connector.invoke(new ActionCall("list_workspaces", typed, Optional.empty(),
                Map.of()))).isInstanceOf(InvalidCredentials.class);
    }

    @Test
    void memberSeesOnlyTheirWorkspacesAsMemberWithAWarningWhereTheyCannotCreate() {
        Verification v = connector.verify(MEMBER);

        assertThat(v.workspaces()).extracting(Workspace::name).containsExactly("Sales", "HR");
        assertThat(v.workspaces()).allSatisfy(w -> {
            assertThat(w.role()).isEqualTo("member");
            assertThat(w.admin()).isFalse();
        });
        assertThat(v.workspace(Long.toString(FakeOneflow.WORKSPACE_SALES)).orElseThrow().notices()).isEmpty();
        Workspace hr = v.workspace(Long.toString(FakeOneflow.WORKSPACE_HR)).orElseThrow();
        assertThat(hr.notices()).extracting(Notice::code).containsExactly("cannot_create_contracts");
        assertThat(hr.notices()).extracting(Notice::severity).containsExactly(Notice.Severity.WARNING);
        assertThat(hr.blocked()).isFalse();
        assertThat(fake.requests("GET", "/workspaces").get(0).header("x-oneflow-user-email"))
                .isEqualTo("Max.Member@Acme.example");
    }

    @Test
    void badTokenIsInvalidTokenOnTheTokenField() {
        assertThatThrownBy(() -> connector.verify(TestContexts.credentials(FakeOneflow.REVOKED_TOKEN,
                FakeOneflow.ADMIN_EMAIL)))
                .isInstanceOfSatisfying(InvalidCredentials.class, e -> {
                    assertThat(e.code()).isEqualTo("invalid_token");
                    assertThat(e.field()).contains("api_token");
                    assertThat(e.getMessage()).doesNotContain(FakeOneflow.REVOKED_TOKEN);
                });
        assertThat(fake.requests()).extracting(RecordedCall::apiPath).containsExactly("/ping");
    }

    @Test
    void unknownEmailIsUserNotFoundOnTheEmailField() {
        assertThatThrownBy(() -> connector.verify(TestContexts.credentials(FakeOneflow.TOKEN, "nobody@acme.example")))
                .isInstanceOfSatisfying(InvalidCredentials.class, e -> {
                    assertThat(e.code()).isEqualTo("user_not_found");
                    assertThat(e.field()).contains("user_email");
                });
        assertThat(fake.requests("GET", "/users")).hasSize(2);
        assertThat(fake.requests("GET", "/workspaces")).isEmpty();
    }

    @Test
    void userOfAnotherAccountIsNotFoundInThisOne() {
        assertThatThrownBy(() -> connector.verify(TestContexts.credentials(FakeOneflow.TOKEN,
                FakeOneflow.OTHER_ACCOUNT_EMAIL)))
                .isInstanceOfSatisfying(InvalidCredentials.class, e -> assertThat(e.code()).isEqualTo("user_not_found"));
    }

    @Test
    void inactiveUserIsUserInactiveOnTheEmailField() {
        assertThatThrownBy(() -> connector.verify(TestContexts.credentials(FakeOneflow.TOKEN,
                FakeOneflow.INACTIVE_EMAIL)))
                .isInstanceOfSatisfying(InvalidCredentials.class, e -> {
                    assertThat(e.code()).isEqualTo("user_inactive");
                    assertThat(e.field()).contains("user_email");
                });
        assertThat(fake.requests("GET", "/workspaces")).isEmpty();
    }

    @Test
    void malformedCredentialsFailBeforeAnyRequest() {
        assertThatThrownBy(() -> connector.verify(TestContexts.credentials(FakeOneflow.TOKEN.substring(1),
                "not-an-email")))
                .isInstanceOfSatisfying(CredentialFormatException.class, e ->
                        assertThat(e.errors()).extracting(FieldError::field).containsExactly("api_token", "user_email"));
        assertThat(fake.requests()).isEmpty();
    }

    @Test
    void providerDownIsProviderUnavailableAfterRetries() {
        fake.failNext(503, 10);

        assertThatThrownBy(() -> connector.verify(ADMIN))
                .isInstanceOfSatisfying(ProviderUnavailable.class, e -> assertThat(e.code()).isEqualTo("provider_error"));
        assertThat(fake.requests("GET", "/ping")).hasSize(3);
    }

    @Test
    void rateLimitIsRateLimitedWithOneflowsDefaultWaitWhenNoRetryAfterIsSent() {
        fake.rateLimitNext(1, null);

        assertThatThrownBy(() -> connector.verify(ADMIN))
                .isInstanceOfSatisfying(RateLimited.class, e -> {
                    assertThat(e.code()).isEqualTo("rate_limited");
                    assertThat(e.retryAfter()).isEqualTo(Duration.ofMinutes(5));
                    assertThat(e.quotaExhausted()).isFalse();
                    assertThat(e.getMessage()).contains("5 minute rate limit");
                });
        assertThat(fake.requests("GET", "/ping")).as("a 429 is not retried").hasSize(1);
    }

    @Test
    void rateLimitHonoursRetryAfter() {
        fake.rateLimitNext(1, 17);

        assertThatThrownBy(() -> connector.verify(ADMIN))
                .isInstanceOfSatisfying(RateLimited.class, e -> assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(17)));
    }

    @Test
    void slowAnswerIsATimeoutWithinTheCallTimeoutRetriesIncluded() {
        fake.delayNext(Duration.ofSeconds(2), 10);
        try (Connector impatient = new OneflowConnectorFactory().create(TestContexts.fast(fake.baseUrl())
                .withTimeouts(Duration.ofMillis(500), Duration.ofMillis(600)))) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> impatient.verify(ADMIN))
                    .isInstanceOfSatisfying(ProviderUnavailable.class,
                            e -> assertThat(e.code()).isEqualTo(ProviderUnavailable.TIMEOUT));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("not one full timeout per attempt")
                    .isLessThan(Duration.ofMillis(1100));
        }
        assertThat(fake.requests("GET", "/ping")).as("no retry once the time is spent").hasSize(1);
    }

    @Test
    void aFailedReadIsRetriedWithWhatIsLeftOfTheCallTimeout() {
        // Each answer takes 350 ms: the 503 leaves about 250 ms of the 600, too little for the retried ping.
        fake.failNext(503, 1);
        fake.delayNext(Duration.ofMillis(350), 10);
        try (Connector impatient = new OneflowConnectorFactory().create(TestContexts.fast(fake.baseUrl())
                .withTimeouts(Duration.ofMillis(500), Duration.ofMillis(600)))) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> impatient.verify(ADMIN))
                    .isInstanceOfSatisfying(ProviderUnavailable.class,
                            e -> assertThat(e.code()).isEqualTo(ProviderUnavailable.TIMEOUT));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1100));
        }
        assertThat(fake.requests("GET", "/ping")).hasSize(2);
    }

    @Test
    void droppedConnectionIsProviderUnavailable() {
        fake.dropNext(10);

        assertThatThrownBy(() -> connector.verify(ADMIN)).isInstanceOf(ProviderUnavailable.class);
        assertThat(fake.requests("GET", "/ping")).hasSize(3);
    }

    @Test
    void refusedConnectionIsUnreachable() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (Connector nowhere = new OneflowConnectorFactory().create(
                TestContexts.fast(URI.create("http://127.0.0.1:" + closedPort + "/v1")))) {
            assertThatThrownBy(() -> nowhere.verify(ADMIN))
                    .isInstanceOfSatisfying(ProviderUnavailable.class, e -> {
                        assertThat(e.code()).isEqualTo("provider_unreachable");
                        assertThat(e.getMessage()).doesNotContain(FakeOneflow.TOKEN);
                    });
        }
    }

    @Test
    void userWithoutWorkspacesGetsAWarning() {
        Verification v = connector.verify(TestContexts.credentials(FakeOneflow.TOKEN, FakeOneflow.NO_WORKSPACE_EMAIL));

        assertThat(v.workspaces()).isEmpty();
        assertThat(v.notices()).extracting(Notice::code).containsExactly("no_workspaces");
    }

    @Test
    void anotherAccountsTokenVerifiesToThatAccount() {
        Verification other = connector.verify(TestContexts.credentials(FakeOneflow.OTHER_ACCOUNT_TOKEN,
                FakeOneflow.OTHER_ACCOUNT_EMAIL));
        assertThat(other.identity().accountId()).contains(Long.toString(FakeOneflow.OTHER_ACCOUNT_ID));
        assertThat(other.workspaces()).extracting(Workspace::name).containsExactly("Other main");
    }
}
