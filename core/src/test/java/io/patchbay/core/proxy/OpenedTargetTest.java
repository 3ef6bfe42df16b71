package io.patchbay.core.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What an answer through the proxy must not show, from a connector's credentials and proxy headers. */
class OpenedTargetTest {
    @Test
    void secretFieldsTheirHeadersAndTheHeadersCredentialsAloneAreMasked() {
        assertThat(OpenedTarget.secretValues(List.of("0123456789abcdef"),
                Map.of("Authorization", "Bearer 0123456789abcdef", "X-Api-Key", "Token k3y-0f-the-account",
                        "X-User-Email", "ada@acme.example"), Set.of("x-user-email")))
                .containsExactlyInAnyOrder("0123456789abcdef", "Bearer 0123456789abcdef",
                        "Token k3y-0f-the-account", "k3y-0f-the-account");
    }

    @Test
    void aSecretWithASlashIsAlsoMaskedAsJsonWritersThatEscapeItEchoIt() {
        assertThat(OpenedTarget.secretValues(List.of("ab/cd+ef/0123"), Map.of("X-Token", "ab/cd+ef/0123"),
                Set.of())).containsExactlyInAnyOrder("ab/cd+ef/0123", "ab\\/cd+ef\\/0123");
    }

    @Test
    void valuesTooShortToTellFromOrdinaryWordsAreLeft() {
        assertThat(OpenedTarget.secretValues(List.of("short"), Map.of("Authorization", "Basic abc"), Set.of()))
                .containsExactly("Basic abc");
    }
}
