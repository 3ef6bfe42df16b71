package io.patchbay.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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
}
