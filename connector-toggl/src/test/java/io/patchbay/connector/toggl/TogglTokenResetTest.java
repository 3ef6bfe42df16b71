package io.patchbay.connector.toggl;

import static io.patchbay.connector.toggl.fake.FakeToggl.ALICE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patchbay.connector.toggl.fake.Fault;
import io.patchbay.connector.toggl.fake.FakeToggl;
import io.patchbay.spi.Connector;
import io.patchbay.spi.Credentials;
import io.patchbay.spi.InvalidCredentials;
import io.patchbay.spi.ProviderTokenReset;
import io.patchbay.spi.ProviderUnavailable;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code POST /me/reset_token} through the {@link ProviderTokenReset} capability. */
class TogglTokenResetTest {
    @RegisterExtension
    static final TogglOnFake TOGGL = new TogglOnFake();
    private static final FakeToggl FAKE = TOGGL.fake();
    private static final Connector CONNECTOR = TOGGL.connector();
    private static final ProviderTokenReset RESET = CONNECTOR.capability(ProviderTokenReset.class).orElseThrow();

    @Test
    void theNewTokenWorksAndTheOldOneStops() {
        Credentials fresh = RESET.resetToken(TestContexts.token(ALICE));

        assertThat(FAKE.requests("POST", "/api/v9/me/reset_token")).singleElement()
                .satisfies(r -> assertThat(r.basicAuth()).contains(List.of(ALICE.apiToken(), "api_token")));
        assertThat(fresh.authMethod()).isEqualTo("api_token");
        assertThat(fresh.require("api_token")).isEqualTo(FAKE.apiToken(ALICE)).isNotEqualTo(ALICE.apiToken())
                .matches("[0-9a-f]{32}");
        assertThat(fresh.toString()).doesNotContain(fresh.require("api_token"));
        assertThat(CONNECTOR.checkFormat(fresh)).isEmpty();
        assertThat(CONNECTOR.verify(fresh).identity().id()).isEqualTo("1001");
        assertThatThrownBy(() -> CONNECTOR.verify(TestContexts.token(ALICE))).isInstanceOf(InvalidCredentials.class);
    }

    @Test
    void anAccountLinkedByPasswordGetsTokenCredentials() {
        Credentials fresh = RESET.resetToken(TestContexts.password(ALICE.email(), ALICE.password()));

        assertThat(fresh.authMethod()).isEqualTo("api_token");
        assertThat(fresh.require("api_token")).isEqualTo(FAKE.apiToken(ALICE));
    }

    @Test
    void aTokenAnsweredAsPlainTextIsReadToo() {
        FAKE.resetTokenAnswersPlainText(true);

        Credentials fresh = RESET.resetToken(TestContexts.token(ALICE));

        assertThat(fresh.require("api_token")).isEqualTo(FAKE.apiToken(ALICE)).isNotEqualTo(ALICE.apiToken());
        assertThat(CONNECTOR.verify(fresh).identity().id()).isEqualTo("1001");
    }

    @Test
    void anUnreadableAnswerSaysTheOldTokenMayBeDeadAndWhereToFindTheNewOne() {
        FAKE.enqueue(new Fault(200, Map.of("Content-Type", "application/json; charset=utf-8"), "{\"ok\":true}",
                java.time.Duration.ZERO, "/api/v9/me/reset_token"));

        assertThatThrownBy(() -> RESET.resetToken(TestContexts.token(ALICE)))
                .isInstanceOfSatisfying(ProviderUnavailable.class, e -> {
                    assertThat(e.code()).isEqualTo("unreadable_response");
                    assertThat(e.getMessage()).contains("may no longer work").contains("Profile");
                });
    }

    @Test
    void aFailedResetIsNeverRetried() {
        FAKE.enqueue(Fault.serverError());

        assertThatThrownBy(() -> RESET.resetToken(TestContexts.token(ALICE))).isInstanceOf(ProviderUnavailable.class);
        assertThat(FAKE.requests("POST", "/api/v9/me/reset_token")).hasSize(1);
        assertThat(FAKE.apiToken(ALICE)).isEqualTo(ALICE.apiToken());
    }

    @Test
    void aRejectedTokenCannotBeReset() {
        assertThatThrownBy(() -> RESET.resetToken(TestContexts.token(FakeToggl.UNKNOWN_TOKEN)))
                .isInstanceOf(InvalidCredentials.class);
    }

    @Test
    void capabilitiesTheConnectorDoesNotHaveAreEmpty() {
        assertThat(CONNECTOR.capability(Runnable.class)).isEmpty();
    }
}
