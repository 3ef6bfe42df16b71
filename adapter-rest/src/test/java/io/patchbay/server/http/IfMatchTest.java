package io.patchbay.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The If-Match grammar of RFC 9110 and the strict decoding of request targets. */
class IfMatchTest {
    @Test
    void starListsAndStrongComparison() {
        assertThat(IfMatch.parse("*")).contains(new IfMatch(true, List.of(), List.of()));
        assertThat(IfMatch.parse(" * ").orElseThrow().matches("\"9\"")).isTrue();
        IfMatch listed = IfMatch.parse("\"1\", W/\"2\",,\t\"3\" ").orElseThrow();
        assertThat(listed.strongTags()).containsExactly("\"1\"", "\"3\"");
        assertThat(listed.matches("\"3\"")).isTrue();
        assertThat(listed.matches("\"2\"")).as("a weak tag never matches").isFalse();
        assertThat(IfMatch.parse("W/\"2\"").orElseThrow().matches("\"2\"")).isFalse();
        assertThat(IfMatch.parse("\"\"")).contains(new IfMatch(false, List.of("\"\""), List.of("\"\"")));
        assertThat(listed.matchesWeakly("\"2\"")).as("If-None-Match compares weakly").isTrue();
    }

    @Test
    void malformedValuesAreRefused() {
        for (String bad : List.of("", " ", ",", "3", "\"3", "W/3", "w/\"3\"", "\"3\" \"4\"", "*, \"3\"", "\"a b\"",
                "\"3\"x")) {
            assertThat(IfMatch.parse(bad)).as(bad).isEmpty();
        }
    }

    @Test
    void queriesDecodeStrictlyAsFormData() {
        assertThat(RequestShape.decodeQuery("label=caf%C3%A9+x&limit=5&flag"))
                .isEqualTo(Map.of("label", List.of("café x"), "limit", List.of("5"), "flag", List.of("")));
        assertThat(RequestShape.decode("%zz", true)).isEmpty();
        assertThat(RequestShape.decode("%E9", true)).isEmpty();
        assertThat(RequestShape.decode("%C3", false)).isEmpty();
        assertThat(RequestShape.decode("a%2", false)).isEmpty();
        assertThat(RequestShape.decode("a+b", false)).contains("a+b");
    }
}
