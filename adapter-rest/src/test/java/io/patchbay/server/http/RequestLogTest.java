package io.patchbay.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class RequestLogTest {
    @Test
    void anAccessLineNeverShowsAnApiKeyOrSessionTokenSentInThePath() {
        Logger logger = (Logger) LoggerFactory.getLogger("io.patchbay.server.access-log");
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        logger.addAppender(lines);
        try {
            RequestLog log = new RequestLog(new SimpleMeterRegistry(), true);
            log.record("GET", "/v1/accounts/{account_id}", "/v1/accounts/pb_sk_4f9q2xz7k1m3n5p8r0t2v4w6y8", 401,
                    1_000_000, "-");
            log.record("GET", "unmatched", "/v1/x/pb_cs_abc123/y\u001b[2J/pb_sk_", 404, 1_000_000, "-");
            log.record("GET", "/v1/accounts/{account_id}", "/v1/accounts/acc_01", 200, 1_000_000, "key_01");

            assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly(
                    "GET /v1/accounts/pb_sk_**** 401 1.0ms caller=-",
                    "GET /v1/x/pb_cs_****/y?[2J/pb_sk_ 404 1.0ms caller=-",
                    "GET /v1/accounts/acc_01 200 1.0ms caller=key_01");
        } finally {
            logger.detachAppender(lines);
        }
    }

    @Test
    void aTokenIsMaskedInEveryPercentEncodingOfItsCharacters() {
        assertThat(RequestLog.printable("/v1/accounts/pb%5Fsk%5F4f9q2xz7k1m3n5p8r0t2v4w6y8"))
                .isEqualTo("/v1/accounts/pb_sk_****");
        assertThat(RequestLog.printable("/v1/accounts/%70%62_%73k%5f4f9q%32xz7k1m3n5p8r0t2v4w6%79%38/x"))
                .isEqualTo("/v1/accounts/pb_sk_****/x");
        assertThat(RequestLog.printable("/v1/x/pb%255Fcs%25255Fabc%2531")).isEqualTo("/v1/x/pb_cs_****");
        assertThat(RequestLog.printable("/v1/accounts/acc_01%5Fpb")).isEqualTo("/v1/accounts/acc_01%5Fpb");
    }

    @Test
    void otherLogLinesNameTheRequestAsPrintablyAndWithoutTokens() {
        assertThat(RequestLog.where("GET", "/v1/accounts/pb_sk_4f9q2xz7k1m3n5p8r0t2v4w6y8\n2026-12-07 INFO forged"))
                .isEqualTo("GET /v1/accounts/pb_sk_****?2026-12-07?INFO?forged");
    }

    @Test
    void aProxyPathShowsWhatLooksLikeAProviderTokenAsRedacted() {
        String proxy = "/v1/accounts/acc_01m991g0z4fxjfr90qj4erxndm/proxy/";
        String token = "3f9a1c0b7d2e4f6a8b9c0d1e2f3a4b5c";
        assertThat(RequestLog.printable(proxy + "reports/api/v3/shared/" + token))
                .isEqualTo(proxy + "reports/api/v3/shared/[REDACTED]");
        assertThat(RequestLog.printable(proxy + "api/v9/ical/workspace_user/" + token + ".ics;x=" + token))
                .isEqualTo(proxy + "api/v9/ical/workspace_user/[REDACTED].ics;x=[REDACTED]");
        assertThat(RequestLog.printable(proxy + "x/".repeat(100) + token))
                .as("masked before the line's length limit cuts it").doesNotContain(token.substring(0, 4));
        String readable = proxy + "api/v9/projects/12345678901234567890123/someverylongresourcenamewords/"
                + "123e4567-e89b-12d3-a456-426614174000/abc123def456ghi789j";
        assertThat(RequestLog.printable(readable)).as("digits alone, words, UUIDs, 19 characters").isEqualTo(readable);
        assertThat(RequestLog.printable("/v1/accounts/" + token)).as("not a proxy path")
                .isEqualTo("/v1/accounts/" + token);
    }

    @Test
    void aProxyPathShowsTheAccountsSecretsAsRedactedWholeWhicheverFormHoldsAnother() {
        String proxy = "/v1/accounts/acc_01/proxy/";
        assertThat(ProxyPathMasking.mask(proxy + "echo/Basic+c2VjcmV0%3D/x", List.of("c2VjcmV0%3D",
                "Basic+c2VjcmV0%3D"))).isEqualTo(proxy + "echo/[REDACTED]/x");
        assertThat(ProxyPathMasking.mask(proxy + "echo/x", List.of("c2VjcmV0%3D"))).isEqualTo(proxy + "echo/x");
    }
}
