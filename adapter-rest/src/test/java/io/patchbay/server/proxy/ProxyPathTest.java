package io.patchbay.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.patchbay.server.http.ApiException;
import io.patchbay.spi.ProxyTarget;
import io.netty.buffer.Unpooled;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
    void queryCharactersAUriCannotHoldAreEncodedAndEscapesKept() {
        assertThat(ProxyPaths.encodedQuery("limit=1&filter[name]=a%20b")).isEqualTo("limit=1&filter[name]=a%20b");
        assertThat(ProxyPaths.encodedQuery("a=x|y&b=\"{}^`<>\\ #&c=\u00c3\u00a9"))
                .isEqualTo("a=x%7Cy&b=%22%7B%7D%5E%60%3C%3E%5C%20%23&c=%C3%A9");
        assertThat(ProxyPaths.target(ONEFLOW, "contracts", "filter[states]=signed|draft").getRawQuery())
                .isEqualTo("filter[states]=signed%7Cdraft");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a=\r\nHost: evil", "a=\u0000", "a=\tb", "a=%zz", "a=\u0100"})
    void queriesThatCannotBeMadeSafeAreRefusedNamingTheQuery(String query) {
        assertThatThrownBy(() -> ProxyPaths.target(ONEFLOW, "contracts", query))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.errors()).singleElement().satisfies(f -> assertThat(f.field()).isEqualTo("query"));
                });
    }

    @Test
    void aBlockedRouteIsRefusedHoweverItIsSpelledAndOnlyForItsMethod() {
        ProxyTarget target = new ProxyTarget(TOGGL, Map.of(), Set.of(), Set.of(), Set.of(),
                List.of(new ProxyTarget.BlockedRoute("post", "/api/v9/me/reset_token/", "use rotation")));
        for (String spelling : List.of("api/v9/me/reset_token", "api/v9/me/reset_token//", "API/V9/me/Reset_Token",
                "api/v9/me/reset%5Ftoken", "api/v9/%6De/reset_token")) {
            assertThatThrownBy(() -> ProxyPaths.refuseBlocked(target, "POST", spelling)).as(spelling)
                    .isInstanceOfSatisfying(ApiException.class, e -> {
                        assertThat(e.status()).isEqualTo(403);
                        assertThat(e.code()).isEqualTo("proxy_route_blocked");
                        assertThat(e.getMessage()).isEqualTo("POST api/v9/me/reset_token is not available through "
                                + "the proxy: use rotation");
                    });
        }
        ProxyPaths.refuseBlocked(target, "GET", "api/v9/me/reset_token");
        ProxyPaths.refuseBlocked(target, "POST", "api/v9/me/reset_token_x");
        ProxyPaths.refuseBlocked(target, "POST", "api/v9/me");
    }

    @Test
    void aTemplateSegmentOfABlockedRouteStandsForAnyOneSegment() {
        ProxyTarget target = new ProxyTarget(TOGGL, Map.of(), Set.of(), Set.of(), Set.of(),
                List.of(new ProxyTarget.BlockedRoute("POST", "api/v9/workspaces/{workspace_id}/ical/reset",
                        "it mints a feed URL")));
        for (String spelling : List.of("api/v9/workspaces/2001/ical/reset", "api/v9/workspaces/2001/ical/reset/",
                "API/v9/Workspaces/42/ICAL/reset", "api/v9/workspaces/%32001/ical/%72eset",
                "api/v9/workspaces/{workspace_id}/ical/reset")) {
            assertThatThrownBy(() -> ProxyPaths.refuseBlocked(target, "POST", spelling)).as(spelling)
                    .isInstanceOfSatisfying(ApiException.class, e -> {
                        assertThat(e.status()).isEqualTo(403);
                        assertThat(e.getMessage()).isEqualTo("POST api/v9/workspaces/{workspace_id}/ical/reset is "
                                + "not available through the proxy: it mints a feed URL");
                    });
        }
        for (String other : List.of("api/v9/workspaces/ical/reset", "api/v9/workspaces/2001/7/ical/reset",
                "api/v9/workspaces/2001/ical/toggle", "api/v9/workspaces/2001/ical/reset/x")) {
            ProxyPaths.refuseBlocked(target, "POST", other);
        }
        ProxyPaths.refuseBlocked(target, "GET", "api/v9/workspaces/2001/ical/reset");
        for (String bad : List.of("api/{id", "api/x{id}", "api/{}", "api/{a}{b}", "api//x")) {
            assertThatThrownBy(() -> new ProxyTarget.BlockedRoute("POST", bad, "why")).as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aSecretJsonMembersStringValueIsMaskedWhereverItStandsAndNothingElse() {
        String field = "\"api_token\"";
        assertThat(Masking.maskJsonField("{\"id\":1,\"api_token\":\"t1\",\"x\":[{\"api_token\" :\r\n \"a\\\\\\\"b\"}]}",
                field)).isEqualTo("{\"id\":1,\"api_token\":\"[REDACTED]\",\"x\":[{\"api_token\" :\r\n \"[REDACTED]\"}]}");
        assertThat(Masking.maskJsonField("{\"api_token\":\"cut sh", field)).isEqualTo("{\"api_token\":\"[REDACTED]");
        assertThat(Masking.maskJsonField("{\"api_token\":\"\"}", field)).isEqualTo("{\"api_token\":\"[REDACTED]\"}");
        for (String untouched : List.of("{\"api_token\":null}", "{\"api_token\":42}", "[\"api_token\",\"x\"]",
                "{\"my_api_token\":1,\"api_tokens\":\"x\"}", "{\"api_token\"", "{\"api_token\":", "")) {
            assertThat(Masking.maskJsonField(untouched, field)).as(untouched).isSameAs(untouched);
        }
    }

    @Test
    void everyOccurrenceOfASecretIsMasked() {
        ByteBuf body = Unpooled.copiedBuffer("{\"api_token\":\"abcdefgh12\",\"again\":\"xabcdefgh12abcdefgh12\"}",
                StandardCharsets.UTF_8);
        ByteBuf masked = Masking.mask(body, values(Masking.latin1View("abcdefgh12")));
        assertThat(masked.toString(StandardCharsets.UTF_8))
                .isEqualTo("{\"api_token\":\"[REDACTED]\",\"again\":\"x[REDACTED][REDACTED]\"}");
        assertThat(Masking.mask(body, new Masking.Secrets(List.of(), List.of()))).isSameAs(body);
    }

    private static Masking.Secrets values(String... values) {
        return new Masking.Secrets(List.of(values), List.of());
    }

    @Test
    void anAnswerWithoutSecretsIsPassedOnAsItIsAndOneWithSecretsIsCopiedMasked() {
        Masking.Secrets secrets = values(Masking.latin1View("s3cr3t-välue"));
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
