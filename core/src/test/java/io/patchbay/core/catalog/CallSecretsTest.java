package io.patchbay.core.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.core.LinesLogger;
import io.patchbay.spi.ProviderUnavailable;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CallSecretsTest {
    private static final String TOKEN = "1971800d4d82861d8f2c1651fea4d212";
    private final LinesLogger recorded = new LinesLogger();
    private final System.Logger logger = CallSecrets.masking(recorded);

    @BeforeEach
    void forgetEndedCalls() {
        CallSecrets.purge(System.nanoTime() + CallSecrets.AFTER_CALL.toNanos());
    }

    @Test
    void whatAConnectorLogsDuringACallHasTheCallsSecretsMasked() {
        try (ConnectorCalls calls = new ConnectorCalls(Duration.ofSeconds(5), 2)) {
            calls.call("probe", "verify", List.of(TOKEN, "short"), () -> {
                logger.log(System.Logger.Level.DEBUG, "GET /me?api_token=" + TOKEN);
                logger.log(System.Logger.Level.INFO, "Retrying with {0} (short)", TOKEN);
                logger.log(System.Logger.Level.WARNING, "failed", new ProviderUnavailable("refused " + TOKEN,
                        new IllegalStateException("cause names " + TOKEN)));
                return null;
            });
        }

        assertThat(recorded.lines).hasSize(3).noneMatch(line -> line.contains(TOKEN))
                .anyMatch(line -> line.equals("GET /me?api_token=[REDACTED]"))
                .anyMatch(line -> line.equals("Retrying with [REDACTED] (short)"))
                .anyMatch(line -> line.contains("refused [REDACTED]") && line.contains("cause names [REDACTED]"));
        assertThat(recorded.lines).as("values shorter than 8 characters would mask ordinary words")
                .anyMatch(line -> line.contains("(short)"));
    }

    @Test
    void aPasswordIsMaskedAlsoAsAJsonBodyOrAUrlALibraryLogsShowsIt() {
        String password = "pa\"ss/wörd=1";
        try (ConnectorCalls calls = new ConnectorCalls(Duration.ofSeconds(5), 2)) {
            calls.call("probe", "verify", List.of(password), () -> {
                logger.log(System.Logger.Level.DEBUG, "--> POST /login {\"password\":\"pa\\\"ss/w\\u00f6rd=1\"}");
                logger.log(System.Logger.Level.DEBUG, "--> GET /login?password=pa%22ss%2Fw%C3%B6rd%3D1");
                return null;
            });
        }

        assertThat(recorded.lines).containsExactly("--> POST /login {\"password\":\"[REDACTED]\"}",
                "--> GET /login?password=[REDACTED]");
    }

    @Test
    void whatAConnectorsOwnThreadLogsWhileTheCallRunsIsMaskedToo() throws Exception {
        String longer = TOKEN + "-and-more";
        try (ConnectorCalls calls = new ConnectorCalls(Duration.ofSeconds(5), 2)) {
            calls.call("probe", "verify", List.of(TOKEN, longer), () -> {
                // As an HTTP client's callback thread would: it knows nothing of the call it works for.
                Thread callback = new Thread(() -> {
                    logger.log(System.Logger.Level.DEBUG, "callback for /me?api_token=" + TOKEN);
                    logger.log(System.Logger.Level.DEBUG, "longer " + longer);
                });
                callback.start();
                try {
                    callback.join();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return null;
            });
        }
        assertThat(recorded.lines).containsExactly("callback for /me?api_token=[REDACTED]", "longer [REDACTED]");
    }

    @Test
    void aLateLineOfAnEndedCallIsMaskedForAMinuteThenTheSecretIsForgotten() throws Exception {
        try (ConnectorCalls calls = new ConnectorCalls(Duration.ofSeconds(5), 2)) {
            calls.call("probe", "verify", List.of(TOKEN), () -> null);
        }
        // As an HTTP client's interceptor logging the answer to a call given up on, when it arrives.
        Thread late = new Thread(() -> logger.log(System.Logger.Level.DEBUG, "late answer {\"api_token\":\"" + TOKEN
                + "\"}"));
        late.start();
        late.join();
        assertThat(CallSecrets.active()).isTrue();

        CallSecrets.purge(System.nanoTime() + CallSecrets.AFTER_CALL.toNanos() - 1_000_000_000L);
        logger.log(System.Logger.Level.DEBUG, "still within the minute " + TOKEN);
        CallSecrets.purge(System.nanoTime() + CallSecrets.AFTER_CALL.toNanos());
        logger.log(System.Logger.Level.DEBUG, "a minute on " + TOKEN);

        assertThat(recorded.lines).containsExactly("late answer {\"api_token\":\"[REDACTED]\"}",
                "still within the minute [REDACTED]", "a minute on " + TOKEN);
        assertThat(CallSecrets.active()).as("nothing held a minute after the call ended").isFalse();
    }

    @Test
    void onlyTheMostRecentlyEndedCallsSecretsAreKept() {
        List<String> tokens = IntStream.range(0, CallSecrets.MAX_ENDED + 20)
                .mapToObj(i -> "token-%08d-abcdef".formatted(i)).toList();
        tokens.forEach(token -> CallSecrets.during(List.of(token), () -> null));

        assertThat(CallSecrets.mask(tokens.get(19) + " " + tokens.get(20) + " " + tokens.get(tokens.size() - 1)))
                .as("each log line is searched for every secret kept, so their number is bounded")
                .isEqualTo(tokens.get(19) + " [REDACTED] [REDACTED]");
        CallSecrets.during(List.of(tokens.get(0)), () -> {
            assertThat(CallSecrets.mask(tokens.get(0))).as("a call in flight always").isEqualTo("[REDACTED]");
            return null;
        });
    }

    @Test
    void outsideACallNothingIsChangedAndAThrowableStaysAThrowable() {
        IllegalStateException failure = new IllegalStateException("boom");
        logger.log(System.Logger.Level.INFO, "plain " + TOKEN);
        logger.log(System.Logger.Level.WARNING, "failed", failure);

        assertThat(recorded.lines).containsExactly("plain " + TOKEN, "failed");
        assertThat(recorded.thrown).containsExactly(failure);
        assertThat(CallSecrets.masking(logger)).as("not wrapped twice").isSameAs(logger);
    }
    @Test
    void whileAnotherCallIsInFlightALineWithoutItsSecretsIsPassedOnAsItIs() {
        IllegalStateException failure = new IllegalStateException("boom");
        CallSecrets.during(List.of(TOKEN), () -> {
            // Another call's line, on a thread of its own: nothing to mask, so the host's logging gets it unchanged.
            logger.log(System.Logger.Level.WARNING, "failed", failure);
            logger.log(System.Logger.Level.INFO, "Fetched {0} items", 3);
            return null;
        });

        assertThat(recorded.lines).containsExactly("failed", "Fetched 3 items");
        assertThat(recorded.thrown).as("a throwable stays a throwable").containsExactly(failure);
    }

    @Test
    void twoSecretsThatOverlapInALineAreBothMaskedWhole() {
        String first = "AAAAAAAA11112222";
        String second = "11112222BBBBBBBB";
        CallSecrets.during(List.of(first), () -> CallSecrets.during(List.of(second), () -> {
            logger.log(System.Logger.Level.INFO, "joined " + "AAAAAAAA11112222BBBBBBBB" + " end");
            logger.log(System.Logger.Level.INFO, "apart " + first + " and " + second);
            return null;
        }));

        assertThat(recorded.lines).containsExactly("joined [REDACTED] end",
                "apart [REDACTED] and [REDACTED]");
        assertThat(recorded.lines).noneMatch(line -> line.contains("BBBB") || line.contains("AAAA"));
    }
}
