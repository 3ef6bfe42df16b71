package io.patchbay.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CredentialSpecTest {
    private static final CredentialSpec SPEC = CredentialSpec.of(
            new AuthMethod("token", "Token", true, List.of(CredentialField.secret("token", "Token", "help")),
                    List.of(), List.of()),
            new AuthMethod("login", "Login", false, List.of(CredentialField.email("email", "Email", "help"),
                    CredentialField.password("password", "Password", "help"),
                    CredentialField.text("tenant", "Tenant", "help")), List.of(), List.of()));

    private static List<FieldError> check(String method, Map<String, String> values) {
        return SPEC.check(new Credentials(method, values));
    }

    @Test
    void aPasswordIsTakenAsTypedSpacesAtItsEndsIncluded() {
        for (String password : List.of(" leading", "trailing ", "  both  ", "\tinner and tab\t", "   ")) {
            assertThat(check("login", Map.of("email", "a@example.com", "password", password, "tenant", "acme")))
                    .as("password %s", password.replace(' ', '_')).isEmpty();
        }
    }

    @Test
    void onlyAnEmptyPasswordIsMissing() {
        assertThat(check("login", Map.of("email", "a@example.com", "password", "", "tenant", "acme")))
                .extracting(FieldError::field, FieldError::code).containsExactly(tuple("password", "required"));
    }

    @Test
    void tokensEmailsAndTextStillRefuseSpacesAtTheirEnds() {
        assertThat(check("token", Map.of("token", "abc ")))
                .extracting(FieldError::field, FieldError::code).containsExactly(tuple("token", "whitespace"));
        assertThat(check("login", Map.of("email", " a@example.com", "password", " pw ", "tenant", "acme ")))
                .extracting(FieldError::field, FieldError::code)
                .containsExactly(tuple("email", "whitespace"), tuple("tenant", "whitespace"));
        assertThat(check("token", Map.of("token", "   ")))
                .extracting(FieldError::field, FieldError::code).containsExactly(tuple("token", "required"));
    }
}
