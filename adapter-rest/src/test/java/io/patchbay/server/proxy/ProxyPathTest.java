package io.patchbay.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patchbay.server.http.ApiException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ProxyPathTest {
    static final URI TOGGL = URI.create("https://api.track.toggl.com");
    static final URI ONEFLOW = URI.create("https://api.oneflow.com/v1");

    @ParameterizedTest
    @ValueSource(strings = {"..", "../etc/passwd", "api/../../x", "%2e%2e/x", "api/%2E%2e/x", ".", "a/./b",
            "..%2fx", "a%2Fb", "a%5cb", "a\\b", "//evil.example/x", "a//b", "/etc", "http://evil.example/",
            "https:%2F%2Fevil.example", "HTTPS://evil", "mailto:x", "javascript:alert(1)", "a%00b", "%ZZ",
            "a%0d%0aHost:evil"})
    void escapesAreRefused(String relative) {
        assertThatThrownBy(() -> ProxyPaths.target(ONEFLOW, ProxyPaths.checkRelative(relative), null))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.errors()).singleElement().satisfies(f -> assertThat(f.field()).isEqualTo("path"));
                });
    }

    @Test
    void plainPathsStayBelowTheBaseUrl() {
        assertThat(ProxyPaths.target(TOGGL, ProxyPaths.checkRelative("api/v9/me"), null))
                .isEqualTo(URI.create("https://api.track.toggl.com/api/v9/me"));
        assertThat(ProxyPaths.target(ONEFLOW, ProxyPaths.checkRelative("contracts/51874"), "include=parties&x=%20y"))
                .isEqualTo(URI.create("https://api.oneflow.com/v1/contracts/51874?include=parties&x=%20y"));
        assertThat(ProxyPaths.target(ONEFLOW, ProxyPaths.checkRelative("data_fields/c::name%20x"), null).getRawPath())
                .isEqualTo("/v1/data_fields/c::name%20x");
        assertThat(ProxyPaths.target(ONEFLOW, ProxyPaths.checkRelative(""), null))
                .isEqualTo(URI.create("https://api.oneflow.com/v1/"));
        assertThat(ProxyPaths.target(ONEFLOW, ProxyPaths.checkRelative("a..b/...") , null).getPath())
                .isEqualTo("/v1/a..b/...");
    }

    @Test
    void everyOccurrenceOfASecretIsMasked() {
        ByteBuf body = Unpooled.copiedBuffer("{\"api_token\":\"abcdefgh12\",\"again\":\"xabcdefgh12abcdefgh12\"}",
                StandardCharsets.UTF_8);
        ByteBuf masked = Masking.mask(body, List.of(Masking.latin1View("abcdefgh12")));
        assertThat(masked.toString(StandardCharsets.UTF_8))
                .isEqualTo("{\"api_token\":\"[REDACTED]\",\"again\":\"x[REDACTED][REDACTED]\"}");
        assertThat(Masking.mask(body, List.of())).isSameAs(body);
    }

    @Test
    void anAnswerWithoutSecretsIsPassedOnAsItIsAndOneWithSecretsIsCopiedMasked() {
        List<String> secrets = List.of(Masking.latin1View("s3cr3t-välue"));
        ByteBuf clean = Unpooled.copiedBuffer("{\"name\":\"välue\"}", StandardCharsets.UTF_8);
        ByteBuf passed = Masking.mask(clean, secrets);
        assertThat(passed).isSameAs(clean);
        assertThat(clean.refCnt()).isEqualTo(2);

        ByteBuf leaky = Unpooled.copiedBuffer("{\"t\":\"s3cr3t-välue\",\"ü\":1}", StandardCharsets.UTF_8);
        ByteBuf masked = Masking.mask(leaky, secrets);
        assertThat(masked.toString(StandardCharsets.UTF_8)).isEqualTo("{\"t\":\"[REDACTED]\",\"ü\":1}");
        assertThat(leaky.refCnt()).isEqualTo(1);
    }
}
