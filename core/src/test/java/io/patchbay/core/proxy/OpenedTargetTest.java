package io.patchbay.core.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patchbay.core.error.ConnectorFaultException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What an answer through the proxy must not show, from a connector's credentials and proxy headers. */
class OpenedTargetTest {
    @Test
    void secretFieldsTheirHeadersAndTheHeadersCredentialsAloneAreMasked() {
        List<String> values = OpenedTarget.secretValues(List.of("0123456789abcdef"),
                Map.of("Authorization", "Bearer 0123456789abcdef", "X-Api-Key", "Token k3y-0f-the-account",
                        "X-User-Email", "ada@acme.example"), Set.of("x-user-email"));
        assertThat(values).contains("0123456789abcdef", "Bearer 0123456789abcdef", "Token k3y-0f-the-account",
                "k3y-0f-the-account");
        assertThat(values).noneMatch(value -> value.contains("acme"));
    }

    @Test
    void aSecretIsMaskedInTheFormsJsonWritersAndUrlsEchoItIn() {
        String token = "tok/en+é=\\\"x";
        SecretMasking.Secrets secrets = new SecretMasking.Secrets(
                OpenedTarget.secretValues(List.of(token), Map.of(), Set.of()), List.of());
        for (String echoed : List.of(
                "{\"t\":\"tok/en+é=\\\\\\\"x\"}", // Moshi, Jackson: quote and backslash escaped
                "{\"t\":\"tok\\/en+\\u00e9=\\\\\\\"x\"}", // PHP: slash and non-ASCII too
                "{\"t\":\"tok/en+é\\u003d\\\\\\\"x\"}", // Gson: HTML-safe
                "{\"t\":\"tok/en+\\u00E9=\\\\\\\"x\"}", // Jackson, ASCII only
                "{\"next\":\"https://p.example/x?t=tok%2Fen%2B%C3%A9%3D%5C%22x&page=2\"}")) {
            byte[] body = echoed.getBytes(StandardCharsets.UTF_8);
            assertThat(new String(SecretMasking.mask(body, secrets), StandardCharsets.UTF_8))
                    .as(echoed).contains(SecretMasking.MASK).doesNotContain("tok").doesNotContain("en+");
        }
    }

    @Test
    void valuesTooShortToTellFromOrdinaryWordsAreLeft() {
        assertThat(OpenedTarget.secretValues(List.of("short"), Map.of("Authorization", "Basic abc"), Set.of()))
                .contains("Basic abc").doesNotContain("short", "abc");
    }

    @Test
    void aTargetOnTheBaseUrlsOriginPassesWhateverItsPathAndAnotherSchemeHostOrPortIsRefused() {
        URI base = URI.create("https://API.example.com/v1/");
        OpenedTarget.refuseOtherOrigin("acme", URI.create("https://api.example.com:443/v2"), base);
        for (String elsewhere : List.of("http://api.example.com/v1/", "https://api.example.com:8443/v1/",
                "https://evil.example.com/v1/", "https://api.example.com.evil.test/v1/")) {
            assertThatThrownBy(() -> OpenedTarget.refuseOtherOrigin("acme", URI.create(elsewhere), base))
                    .as(elsewhere).isInstanceOfSatisfying(ConnectorFaultException.class, e -> {
                        assertThat(e.code()).isEqualTo("connector_proxy_target_invalid");
                        assertThat(e.connectorId()).isEqualTo("acme");
                    });
        }
    }
}
