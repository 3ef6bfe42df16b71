package io.patchbay.core.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patchbay.core.error.InvalidInputException;
import io.patchbay.core.error.ProxyRouteBlockedException;
import io.patchbay.spi.ProxyTarget;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The proxy's URL rules and answer masking, shared by the server's listener and the embedders' proxy. */
class ProxyRulesTest {
    static final URI TOGGL = URI.create("https://api.track.toggl.com");
    static final URI ONEFLOW = URI.create("https://api.oneflow.com/v1");

    @ParameterizedTest
    @ValueSource(strings = {"..", "../etc/passwd", "api/../../x", "%2e%2e/x", "api/%2E%2e/x", ".", "a/./b",
            "..%2fx", "a%2Fb", "a%5cb", "a\\b", "//evil.example/x", "a//b", "/etc", "http://evil.example/",
            "https:%2F%2Fevil.example", "HTTPS://evil", "mailto:x", "javascript:alert(1)", "a%00b", "%ZZ",
            "a%0d%0aHost:evil", "..;/internal", "x/..;/users/5", ".;/x", "%2e%2e;x/y", "api/..;jsessionid=1/x", "me/reset_token#x",
            "desktop_login#", "a#/../../x", "a?b"})
    void escapesAreRefused(String relative) {
        assertThatThrownBy(() -> ProxyRules.target(ONEFLOW, ProxyRules.checkRelative(relative), null))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                    assertThat(e.errors()).singleElement().satisfies(f -> {
                        assertThat(f.field()).isEqualTo("path");
                        assertThat(f.code()).isEqualTo("invalid_proxy_path");
                    });
                });
    }

    @Test
    void plainPathsStayBelowTheBaseUrl() {
        assertThat(ProxyRules.target(TOGGL, ProxyRules.checkRelative("api/v9/me"), null))
                .isEqualTo(URI.create("https://api.track.toggl.com/api/v9/me"));
        assertThat(ProxyRules.target(ONEFLOW, ProxyRules.checkRelative("contracts/51874"), "include=parties&x=%20y"))
                .isEqualTo(URI.create("https://api.oneflow.com/v1/contracts/51874?include=parties&x=%20y"));
        assertThat(ProxyRules.target(ONEFLOW, ProxyRules.checkRelative("data_fields/c::name%20x"), null).getRawPath())
                .isEqualTo("/v1/data_fields/c::name%20x");
        assertThat(ProxyRules.target(ONEFLOW, ProxyRules.checkRelative(""), null))
                .isEqualTo(URI.create("https://api.oneflow.com/v1/"));
        assertThat(ProxyRules.target(ONEFLOW, ProxyRules.checkRelative("a..b/...") , null).getPath())
                .isEqualTo("/v1/a..b/...");
    }

    @Test
    void queryCharactersAUriCannotHoldAreEncodedAndEscapesKept() {
        assertThat(ProxyRules.encodedQuery("limit=1&filter[name]=a%20b")).isEqualTo("limit=1&filter[name]=a%20b");
        assertThat(ProxyRules.encodedQuery("a=x|y&b=\"{}^`<>\\ #&c=\u00c3\u00a9"))
                .isEqualTo("a=x%7Cy&b=%22%7B%7D%5E%60%3C%3E%5C%20%23&c=%C3%A9");
        assertThat(ProxyRules.target(ONEFLOW, "contracts", "filter[states]=signed|draft").getRawQuery())
                .isEqualTo("filter[states]=signed%7Cdraft");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a=\r\nHost: evil", "a=\u0000", "a=\tb", "a=%zz", "a=\u0100"})
    void queriesThatCannotBeMadeSafeAreRefusedNamingTheQuery(String query) {
        assertThatThrownBy(() -> ProxyRules.target(ONEFLOW, "contracts", query))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                    assertThat(e.errors()).singleElement().satisfies(f -> {
                        assertThat(f.field()).isEqualTo("query");
                        assertThat(f.code()).isEqualTo("invalid_proxy_query");
                    });
                });
    }

    @Test
    void aBlockedRouteIsRefusedHoweverItIsSpelledAndOnlyForItsMethod() {
        ProxyTarget target = new ProxyTarget(TOGGL, Map.of(), Set.of(), Set.of(), Set.of(),
                List.of(new ProxyTarget.BlockedRoute("post", "/api/v9/me/reset_token/", "use rotation")));
        for (String spelling : List.of("api/v9/me/reset_token", "api/v9/me/reset_token//", "API/V9/me/Reset_Token",
                "api/v9/me/reset%5Ftoken", "api/v9/%6De/reset_token")) {
            assertThatThrownBy(() -> ProxyRules.refuseBlocked(target, "POST", spelling)).as(spelling)
                    .isInstanceOfSatisfying(ProxyRouteBlockedException.class, e -> {
                        assertThat(e.code()).isEqualTo("proxy_route_blocked");
                        assertThat(e.route()).isEqualTo("api/v9/me/reset_token");
                        assertThat(e.getMessage()).isEqualTo("POST api/v9/me/reset_token is not available through "
                                + "the proxy: use rotation");
                    });
        }
        ProxyRules.refuseBlocked(target, "GET", "api/v9/me/reset_token");
        ProxyRules.refuseBlocked(target, "POST", "api/v9/me/reset_token_x");
        // Servlet containers, among others, drop a segment's ";" parameters before routing: so does the check.
        for (String spelling : List.of("api/v9/me/reset_token;x=1", "api/v9/me;v=2/reset_token",
                "api/v9/me/reset_token;/", "api/v9/me/reset_token%3Bjsessionid=1")) {
            assertThatThrownBy(() -> ProxyRules.refuseBlocked(target, "POST", spelling)).as(spelling)
                    .isInstanceOf(ProxyRouteBlockedException.class);
        }
        ProxyRules.refuseBlocked(target, "POST", "api/v9/me");
    }

    @Test
    void aTemplateSegmentOfABlockedRouteStandsForAnyOneSegment() {
        ProxyTarget target = new ProxyTarget(TOGGL, Map.of(), Set.of(), Set.of(), Set.of(),
                List.of(new ProxyTarget.BlockedRoute("POST", "api/v9/workspaces/{workspace_id}/ical/reset",
                        "it mints a feed URL")));
        for (String spelling : List.of("api/v9/workspaces/2001/ical/reset", "api/v9/workspaces/2001/ical/reset/",
                "API/v9/Workspaces/42/ICAL/reset", "api/v9/workspaces/%32001/ical/%72eset",
                "api/v9/workspaces/{workspace_id}/ical/reset")) {
            assertThatThrownBy(() -> ProxyRules.refuseBlocked(target, "POST", spelling)).as(spelling)
                    .isInstanceOfSatisfying(ProxyRouteBlockedException.class, e -> {
                        assertThat(e.getMessage()).isEqualTo("POST api/v9/workspaces/{workspace_id}/ical/reset is "
                                + "not available through the proxy: it mints a feed URL");
                    });
        }
        for (String other : List.of("api/v9/workspaces/ical/reset", "api/v9/workspaces/2001/7/ical/reset",
                "api/v9/workspaces/2001/ical/toggle", "api/v9/workspaces/2001/ical/reset/x")) {
            ProxyRules.refuseBlocked(target, "POST", other);
        }
        ProxyRules.refuseBlocked(target, "GET", "api/v9/workspaces/2001/ical/reset");
        for (String bad : List.of("api/{id", "api/x{id}", "api/{}", "api/{a}{b}", "api//x")) {
            assertThatThrownBy(() -> new ProxyTarget.BlockedRoute("POST", bad, "why")).as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aSecretJsonMembersStringValueIsMaskedWhereverItStandsAndNothingElse() {
        String field = "\"api_token\"";
        assertThat(SecretMasking.maskJsonField("{\"id\":1,\"api_token\":\"t1\",\"x\":[{\"api_token\" :\r\n \"a\\\\\\\"b\"}]}",
                field)).isEqualTo("{\"id\":1,\"api_token\":\"[REDACTED]\",\"x\":[{\"api_token\" :\r\n \"[REDACTED]\"}]}");
        assertThat(SecretMasking.maskJsonField("{\"api_token\":\"cut sh", field)).isEqualTo("{\"api_token\":\"[REDACTED]");
        assertThat(SecretMasking.maskJsonField("{\"api_token\":\"\"}", field)).isEqualTo("{\"api_token\":\"[REDACTED]\"}");
        for (String untouched : List.of("{\"api_token\":null}", "{\"api_token\":42}", "[\"api_token\",\"x\"]",
                "{\"my_api_token\":1,\"api_tokens\":\"x\"}", "{\"api_token\"", "{\"api_token\":", "")) {
            assertThat(SecretMasking.maskJsonField(untouched, field)).as(untouched).isSameAs(untouched);
        }
    }

    @Test
    void everyOccurrenceOfASecretIsMasked() {
        byte[] body = "{\"api_token\":\"abcdefgh12\",\"again\":\"xabcdefgh12abcdefgh12\"}"
                .getBytes(StandardCharsets.UTF_8);
        byte[] masked = SecretMasking.mask(body, values(SecretMasking.latin1View("abcdefgh12")));
        assertThat(new String(masked, StandardCharsets.UTF_8))
                .isEqualTo("{\"api_token\":\"[REDACTED]\",\"again\":\"x[REDACTED][REDACTED]\"}");
        assertThat(SecretMasking.mask(body, new SecretMasking.Secrets(List.of(), List.of()))).isSameAs(body);
    }

    private static SecretMasking.Secrets values(String... values) {
        return new SecretMasking.Secrets(List.of(values), List.of());
    }

    @Test
    void anAnswerWithoutSecretsIsPassedOnAsItIsAndOneWithSecretsIsCopiedMasked() {
        SecretMasking.Secrets secrets = new SecretMasking.Secrets(List.of(SecretMasking.latin1View("s3cr3t-välue")),
                List.of("\"api_token\""));
        byte[] clean = "{\"name\":\"välue\",\"api_token\":null}".getBytes(StandardCharsets.UTF_8);
        assertThat(SecretMasking.mask(clean, secrets)).isSameAs(clean);

        byte[] leaky = "{\"t\":\"s3cr3t-välue\",\"ü\":1,\"api_token\":\"zz\"}".getBytes(StandardCharsets.UTF_8);
        assertThat(new String(SecretMasking.mask(leaky, secrets), StandardCharsets.UTF_8))
                .isEqualTo("{\"t\":\"[REDACTED]\",\"ü\":1,\"api_token\":\"[REDACTED]\"}");
    }

    @Test
    void embeddersTextIsSentAsUtf8PercentEncoded() {
        assertThat(ProxyRules.encodedPath("api/v9/me")).isEqualTo("api/v9/me");
        assertThat(ProxyRules.encodedPath("tags/Zoë")).isEqualTo("tags/Zo%C3%AB");
        // Off the wire, one char per byte: the bytes are encoded as they are, not taken for text again.
        assertThat(ProxyRules.encodedWirePath("tags/Zo\u00c3\u00ab")).isEqualTo("tags/Zo%C3%AB");
        String plain = "api/v9/me";
        assertThat(ProxyRules.encodedWirePath(plain)).isSameAs(plain);
        assertThat(ProxyRules.encodedQuery(ProxyRules.wireForm("name=Zoë&x=€|y")))
                .isEqualTo("name=Zo%C3%AB&x=%E2%82%AC%7Cy");
    }

    @Test
    void aMethodParameterIsRefusedInTheQueryAndInFormsOnly() {
        for (String query : List.of("_method=DELETE", "a=1&_METHOD=put", "%5Fmethod=DELETE", "_method",
                " _method=x", ".method=DELETE", "+%20_method=x")) {
            assertThatThrownBy(() -> ProxyRules.refuseMethodParameter(query, null, () -> ""))
                    .as(query).isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.errors())
                            .singleElement().satisfies(f -> assertThat(f.field()).isEqualTo("query")));
        }
        assertThatThrownBy(() -> ProxyRules.refuseMethodParameter(null, "Application/X-WWW-Form-Urlencoded; charset=x",
                () -> "name=a&_method=DELETE")).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> ProxyRules.refuseMethodParameter(null, "multipart/form-data; boundary=b",
                () -> "--b\r\nContent-Disposition: form-data; name=_method\r\n\r\nDELETE\r\n--b--"))
                .isInstanceOf(InvalidInputException.class);

        ProxyRules.refuseMethodParameter("my_method=x&_methods=1&q=_method", "application/json",
                () -> "{\"_method\":\"DELETE\"}");
        ProxyRules.refuseMethodParameter(null, "multipart/form-data; boundary=b",
                () -> "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"_method\"\r\n\r\nx\r\n--b--");
        ProxyRules.refuseMethodParameter("%ZZ=1", null, () -> {
            throw new AssertionError("a body that is not a form is not read");
        });
    }
}
