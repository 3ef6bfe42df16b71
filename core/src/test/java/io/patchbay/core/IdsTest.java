package io.patchbay.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class IdsTest {

    @Test
    void idsAreUniqueAndSortInCreationOrderEvenWithinOneMillisecond() {
        Instant now = Instant.parse("2026-11-23T10:00:00Z");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            ids.add(Ids.next("acc", i % 1000 == 0 ? now.plusMillis(i) : now.plusMillis(i - i % 1000)));
        }
        assertThat(new HashSet<>(ids)).hasSize(ids.size());
        assertThat(ids).isSorted();
        assertThat(ids).allMatch(id -> id.matches("acc_[0-9a-z]{26}"));
    }

    @Test
    void aClockSteppingBackDoesNotBreakTheOrder() {
        String later = Ids.next("evt", Instant.parse("2030-01-01T00:00:00Z"));
        String earlier = Ids.next("evt", Instant.parse("2029-01-01T00:00:00Z"));
        assertThat(earlier).isGreaterThan(later);
    }

    @Test
    void secretTokensCarryThePrefixAnd160RandomBits() {
        String token = Ids.secretToken("pb_sk_");
        assertThat(token).matches("pb_sk_[0-9a-z]{32}");
        assertThat(Ids.secretToken("pb_sk_")).isNotEqualTo(token);
    }

    @Test
    void anIdsLengthIsCountedInCharactersNotInUtf16Units() {
        assertThat(Ids.check("owner_id", "\uD83D\uDE00".repeat(Ids.MAX_LENGTH))).isEmpty();
        assertThat(Ids.check("owner_id", "\uD83D\uDE00".repeat(Ids.MAX_LENGTH + 1)))
                .hasValueSatisfying(error -> assertThat(error.code()).isEqualTo("too_long"));
    }
}
