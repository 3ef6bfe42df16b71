package io.patchbay.connector.oneflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patchbay.connector.oneflow.fake.FakeOneflow;
import io.patchbay.spi.ActionCall;
import io.patchbay.spi.AuthMethod;
import io.patchbay.spi.CredentialField;
import io.patchbay.spi.CredentialFormatException;
import io.patchbay.spi.Credentials;
import io.patchbay.spi.FieldError;
import io.patchbay.spi.FieldType;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CredentialFormatTest extends FakeServerTest {
    private static final String TOKEN_39 = FakeOneflow.TOKEN.substring(1);

    @Test
    void specHasOneMethodWithASecretTokenAndAnEmail() {
        List<AuthMethod> methods = connector.credentialSpec().authMethods();
        assertThat(methods).extracting(AuthMethod::id).containsExactly("api_token");
        AuthMethod method = methods.get(0);
        assertThat(method.fields()).extracting(CredentialField::key).containsExactly("api_token", "user_email");
        assertThat(method.field("api_token").orElseThrow().type()).isEqualTo(FieldType.SECRET);
        assertThat(method.field("user_email").orElseThrow().type()).isEqualTo(FieldType.EMAIL);
        assertThat(method.field("api_token").orElseThrow().help()).contains("Custom Integration").contains("only once");
        assertThat(String.join("\n", method.setupGuide())).contains("Marketplace").contains("API Tokens")
                .contains("Admin → Integrations → Custom Integration").contains("only once").contains("active user");
        assertThat(connector.credentialSpec().secretKeys("api_token")).containsExactly("api_token");
    }

    @Test
    void aNonAsciiEmailIsAFormatErrorAndNothingIsSent() {
        String email = "åsa@exämple.se";
        Credentials typed = TestContexts.credentials(FakeOneflow.TOKEN, email);

        List<FieldError> errors = connector.checkFormat(typed);
        assertThat(errors).extracting(FieldError::field, FieldError::code)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("user_email", "ascii"));
        assertThat(errors.get(0).message()).contains("xn--").doesNotContain(email);
        assertThatThrownBy(() -> connector.invoke(new ActionCall("list_users", typed, Optional.empty(), Map.of())))
                .isInstanceOfSatisfying(CredentialFormatException.class, e -> assertThat(e.errors()).isEqualTo(errors));
        assertThatThrownBy(() -> connector.verify(typed)).isInstanceOf(CredentialFormatException.class);
        assertThatThrownBy(() -> connector.verify(TestContexts.credentials(FakeOneflow.TOKEN, "ada\u0007@acme.example")))
                .as("a control character").isInstanceOf(CredentialFormatException.class);
        assertThat(fake.requests()).isEmpty();
    }

    @Test
    void tokenOf39CharactersIsALengthErrorOnTheTokenAlone() {
        List<FieldError> errors = connector.checkFormat(TestContexts.credentials(TOKEN_39, FakeOneflow.ADMIN_EMAIL));

        assertThat(errors).containsExactly(new FieldError("api_token", "length",
                "API token must be exactly 40 characters long, but has 39; copy the whole token from Oneflow"));
        assertThat(fake.requests()).isEmpty();
    }

    @Test
    void tokenOf41CharactersIsALengthErrorToo() {
        assertThat(connector.checkFormat(TestContexts.credentials(FakeOneflow.TOKEN + "a", FakeOneflow.ADMIN_EMAIL)))
                .extracting(FieldError::field, FieldError::code).containsExactly(
                        org.assertj.core.groups.Tuple.tuple("api_token", "length"));
    }

    @Test
    void tokenWithOtherCharactersIsAPatternError() {
        String withUnderscore = "_" + TOKEN_39;
        List<FieldError> errors = connector.checkFormat(TestContexts.credentials(withUnderscore, FakeOneflow.ADMIN_EMAIL));

        assertThat(errors).extracting(FieldError::field, FieldError::code)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("api_token", "pattern"));
        assertThat(errors.get(0).message()).contains("letters, digits and hyphens").doesNotContain(withUnderscore);
    }

    @Test
    void hyphenatedTokenIsWellFormed() {
        assertThat(connector.checkFormat(TestContexts.credentials(FakeOneflow.REVOKED_TOKEN, FakeOneflow.ADMIN_EMAIL)))
                .isEmpty();
    }

    @Test
    void malformedEmailIsAnErrorOnTheEmailAlone() {
        List<FieldError> errors = connector.checkFormat(TestContexts.credentials(FakeOneflow.TOKEN, "ada@acme"));

        assertThat(errors).extracting(FieldError::field, FieldError::code)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("user_email", "email"));
        assertThat(fake.requests()).isEmpty();
    }

    @Test
    void bothWrongGiveTwoErrors() {
        List<FieldError> errors = connector.checkFormat(TestContexts.credentials(TOKEN_39, "not an email"));

        assertThat(errors).extracting(FieldError::field).containsExactly("api_token", "user_email");
        assertThat(errors).extracting(FieldError::message).noneMatch(m -> m.contains(TOKEN_39));
    }

    @Test
    void missingFieldsAreRequiredErrors() {
        assertThat(connector.checkFormat(new Credentials("api_token", Map.of("api_token", "  "))))
                .extracting(FieldError::field, FieldError::code).containsExactly(
                        org.assertj.core.groups.Tuple.tuple("api_token", "required"),
                        org.assertj.core.groups.Tuple.tuple("user_email", "required"));
    }

    @Test
    void pastedTokenWithTrailingSpaceIsNamed() {
        assertThat(connector.checkFormat(TestContexts.credentials(FakeOneflow.TOKEN + " ", FakeOneflow.ADMIN_EMAIL)))
                .extracting(FieldError::code).containsExactly("whitespace");
    }

    @Test
    void actionsAndProxyRefuseMalformedCredentialsWithoutARequest() {
        Credentials bad = TestContexts.credentials(TOKEN_39, FakeOneflow.ADMIN_EMAIL);

        assertThatThrownBy(() -> connector.invoke(new ActionCall("list_users", bad, Optional.empty(), Map.of())))
                .isInstanceOfSatisfying(CredentialFormatException.class, e ->
                        assertThat(e.errors()).extracting(FieldError::field).containsExactly("api_token"));
        assertThatThrownBy(() -> connector.proxyTarget(bad)).isInstanceOf(CredentialFormatException.class);
        assertThat(fake.requests()).isEmpty();
    }
}
