package io.patchbay.connector.oneflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.patchbay.connector.oneflow.fake.FakeOneflow;
import io.patchbay.spi.ProviderUnavailable;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Answers no API request should get: interim 1xx answers (read past by OkHttp to the real one), an unasked
 * {@code 101 Switching Protocols}, a redirect. The caller learns what happened, and a read is not sent again.
 */
class InvalidAnswersTest extends FakeServerTest {

    @ParameterizedTest
    @ValueSource(ints = {100, 103})
    void anInterimAnswerBeforeTheRealOneIsReadPast(int interim) {
        fake.interimNext(interim);

        Map<String, Object> contract = map(invokeUnlinked(ADMIN, "create_contract", Map.of(
                "workspace_id", FakeOneflow.WORKSPACE_HR, "template_id", FakeOneflow.TEMPLATE_EMPLOYMENT)));

        assertThat(contract).containsKey("id");
        assertThat(fake.requests("POST", "/contracts/create")).hasSize(1);
    }

    @Test
    void anUnaskedSwitchingProtocolsOnAWriteSaysTheAnswerWasInvalidAndTheOutcomeUnknown() {
        fake.switchProtocolsNext();
        int before = fake.contractCount();

        ProviderUnavailable failure = catchThrowableOfType(ProviderUnavailable.class, () -> invokeUnlinked(ADMIN,
                "create_contract", Map.of("workspace_id", FakeOneflow.WORKSPACE_HR,
                        "template_id", FakeOneflow.TEMPLATE_EMPLOYMENT)));

        assertThat(failure.code()).isEqualTo("unexpected_response");
        assertThat(failure.getMessage()).contains("HTTP 101 (Switching Protocols)").contains("not a valid answer")
                .contains("may have applied it");
        assertThat(fake.requests("POST", "/contracts/create")).hasSize(1);
        assertThat(fake.contractCount()).isEqualTo(before);
    }

    @Test
    void anUnaskedSwitchingProtocolsOnAReadIsNotReadAgain() {
        fake.switchProtocolsNext();

        ProviderUnavailable failure = catchThrowableOfType(ProviderUnavailable.class,
                () -> invoke(ADMIN, "list_users", Map.of()));

        assertThat(failure.code()).isEqualTo("unexpected_response");
        assertThat(failure.getMessage()).contains("HTTP 101").doesNotContain("may have applied");
        assertThat(fake.requests("GET", "/users")).hasSize(1);
    }

    @Test
    void aRedirectOfAnApiRequestIsReportedWithItsHostAndNotFollowed() {
        fake.redirectNext("https://elsewhere.example/sso/login?token=x");

        ProviderUnavailable failure = catchThrowableOfType(ProviderUnavailable.class,
                () -> invoke(ADMIN, "list_users", Map.of()));

        assertThat(failure.code()).isEqualTo("unexpected_response");
        assertThat(failure.getMessage()).contains("redirect (HTTP 302 to elsewhere.example)").doesNotContain("sso");
        assertThat(fake.requests()).hasSize(1);
    }

    @Test
    void anEmptySuccessBodyOnAWriteSaysSoAndThatItWasProbablyApplied() {
        fake.emptyBodyNext();
        int before = fake.contractCount();

        ProviderUnavailable failure = catchThrowableOfType(ProviderUnavailable.class, () -> invokeUnlinked(ADMIN,
                "create_contract", Map.of("workspace_id", FakeOneflow.WORKSPACE_HR,
                        "template_id", FakeOneflow.TEMPLATE_EMPLOYMENT)));

        assertThat(failure.code()).isEqualTo("unreadable_response");
        assertThat(failure.getMessage()).contains("empty body").contains("probably applied")
                .doesNotContain("connection");
        assertThat(fake.contractCount()).isEqualTo(before + 1);
    }
}
