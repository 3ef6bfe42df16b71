package io.patchbay.core.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patchbay.spi.ConnectorException;
import io.patchbay.spi.CredentialFormatException;
import io.patchbay.spi.FieldError;
import io.patchbay.spi.InputRejected;
import io.patchbay.spi.InsufficientPermissions;
import io.patchbay.spi.InvalidCredentials;
import io.patchbay.spi.ProviderRejected;
import io.patchbay.spi.ProviderUnavailable;
import io.patchbay.spi.RateLimited;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A call's secrets, in the forms a provider echoes them, are taken out of what the call gives back. */
class SecretScrubberTest {
    private static final String PASSWORD = "Sup3r\"Secret/é";
    private static final String URL_ECHO = "Sup3r%22Secret%2F%C3%A9";
    private static final String JSON_ECHO = "Sup3r\\\"Secret\\/\\u00e9";
    private final SecretScrubber scrubber = SecretScrubber.of(List.of(PASSWORD, "short"));

    @Test
    void everyFailureTypeKeepsWhatCallersReadOfItWithTheSecretsMaskedInItsWords() {
        String said = "Toggl says \"Incorrect password " + URL_ECHO + "\" {\"token\":\"" + JSON_ECHO + "\"} short";
        String masked = "Toggl says \"Incorrect password [REDACTED]\" {\"token\":\"[REDACTED]\"} short";
        IOException cause = new IOException("socket");
        List<FieldError> errors = List.of(new FieldError("email", "taken", "in use by " + PASSWORD));
        List<FieldError> maskedErrors = List.of(new FieldError("email", "taken", "in use by [REDACTED]"));

        InvalidCredentials invalid = scrub(new InvalidCredentials("wrong_password", "password", said));
        assertThat(invalid.getMessage()).isEqualTo(masked);
        assertThat(invalid.code()).isEqualTo("wrong_password");
        assertThat(invalid.field()).contains("password");
        InsufficientPermissions refused = scrub(new InsufficientPermissions("plan_required", said, 402));
        assertThat(refused.getMessage()).isEqualTo(masked);
        assertThat(refused.providerStatus()).hasValue(402);
        assertThat(scrub(new InsufficientPermissions("not_admin", said)).providerStatus()).isEmpty();
        ProviderUnavailable down = scrub(new ProviderUnavailable("provider_error", said, cause));
        assertThat(down.getMessage()).isEqualTo(masked);
        assertThat(down.getCause()).isSameAs(cause);
        RateLimited limited = scrub(new RateLimited("quota_exhausted", said, Duration.ofSeconds(42), true));
        assertThat(limited.getMessage()).isEqualTo(masked);
        assertThat(limited.retryAfter()).isEqualTo(Duration.ofSeconds(42));
        assertThat(limited.quotaExhausted()).isTrue();
        ProviderRejected rejected = scrub(new ProviderRejected(409, "conflict", said, errors));
        assertThat(rejected.getMessage()).isEqualTo(masked);
        assertThat(rejected.status()).isEqualTo(409);
        assertThat(rejected.fieldErrors()).isEqualTo(maskedErrors);
        InputRejected input = scrub(new InputRejected("bad_input", said, errors));
        assertThat(input.getMessage()).isEqualTo(masked);
        assertThat(input.fieldErrors()).isEqualTo(maskedErrors);
        assertThat(scrub(new CredentialFormatException(errors)).errors()).isEqualTo(maskedErrors);
    }

    @Test
    void aFailureWithoutSecretsIsPassedOnItself() {
        RateLimited limited = new RateLimited("rate_limited", "Slow down", Duration.ofSeconds(1), false);
        assertThat(scrubber.failure(limited)).isSameAs(limited);
    }

    @Test
    void anActionsOutputHasTheSecretsMaskedInEveryStringNamesIncluded() {
        Map<String, Object> output = Map.of("tags", List.of(Map.of("id", 1, "name", "tag " + PASSWORD),
                Map.of("id", 2, "name", "plain")), "next", "https://x.example/?t=" + URL_ECHO, "count", 2,
                PASSWORD, true);

        assertThat(scrubber.output(output)).isEqualTo(Map.of("tags", List.of(Map.of("id", 1, "name",
                "tag [REDACTED]"), Map.of("id", 2, "name", "plain")), "next", "https://x.example/?t=[REDACTED]",
                "count", 2, "[REDACTED]", true));
        Map<String, Object> clean = Map.of("tags", List.of("a", "b"), "n", 1);
        assertThat(scrubber.output(clean)).isSameAs(clean);
        assertThat(SecretScrubber.of(List.of("short")).output(output)).isSameAs(output);
    }

    @Test
    void aConnectorCallThrowsItsFailureWithTheCallsSecretsMasked() {
        try (ConnectorCalls calls = new ConnectorCalls(Duration.ofSeconds(5), 2)) {
            assertThatThrownBy(() -> calls.call("probe", "verify", List.of(PASSWORD), () -> {
                throw new InvalidCredentials("Toggl says \"Incorrect password " + URL_ECHO + "\"");
            })).isInstanceOf(InvalidCredentials.class)
                    .hasMessage("Toggl says \"Incorrect password [REDACTED]\"");
        }
    }

    @SuppressWarnings("unchecked")
    private <T extends ConnectorException> T scrub(T failure) {
        ConnectorException scrubbed = scrubber.failure(failure);
        assertThat(scrubbed).isInstanceOf(failure.getClass()).isNotSameAs(failure);
        assertThat(scrubbed.code()).isEqualTo(failure.code());
        return (T) scrubbed;
    }

    @Test
    void aSecretInAnExceptionSuppressedAlongTheChainOrBeyondItsReadableDepthIsNeverLoggedAsIs() {
        IllegalStateException failure = new IllegalStateException("action failed");
        IOException closing = new IOException("close failed for Authorization: Basic " + PASSWORD);
        failure.addSuppressed(closing);

        Throwable logged = scrubber.throwable(failure);
        assertThat(logged).isNotSameAs(failure);
        assertThat(logged.getMessage()).isEqualTo("java.lang.IllegalStateException: action failed");
        assertThat(logged.getSuppressed()).singleElement().satisfies(s -> assertThat(s.getMessage())
                .isEqualTo("java.io.IOException: close failed for Authorization: Basic [REDACTED]"));
        assertThat(logged.getSuppressed()[0].getStackTrace()).isEqualTo(closing.getStackTrace());

        Throwable deep = new IOException("the bottom holds " + PASSWORD);
        for (int i = 0; i < 30; i++) {
            deep = new IllegalStateException("level " + i, deep);
        }
        Throwable cut = scrubber.throwable(deep);
        assertThat(cut).isNotSameAs(deep);
        for (Throwable t = cut; t != null; t = t.getCause()) {
            assertThat(t.getMessage()).doesNotContain(PASSWORD);
        }

        IllegalStateException clean = new IllegalStateException("no secret");
        clean.addSuppressed(new IOException("nothing either"));
        assertThat(scrubber.throwable(clean)).isSameAs(clean);
    }
}
