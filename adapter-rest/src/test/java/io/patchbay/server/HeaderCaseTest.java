package io.patchbay.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Headers reach the API exactly as sent. The API server's parser remembers header lines it saw on a connection, and
 * the listener relays every client's requests over a few shared connections: matched without regard to case, a
 * key in capitals made the next requests with the real key fail, or was taken for it.
 */
class HeaderCaseTest extends ServerWithFakeTogglTest {
    @Override
    String tenantPrefix() {
        return "header-case-";
    }

    @Test
    void aKeyIsReadAsSentWhateverOtherClientsSentBeforeIt() {
        String capitals = key.toUpperCase(Locale.ROOT);
        for (int round = 0; round < 6; round++) {
            Api.Response wrong = api.get("/v1/accounts").token(capitals).send();
            assertThat(wrong.status()).as("round %d: %s", round, wrong).isEqualTo(401);
            Api.Response right = api.get("/v1/accounts").token(key).send();
            assertThat(right.status()).as("round %d: %s", round, right).isEqualTo(200);
        }
    }
}
