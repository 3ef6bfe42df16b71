package io.patchbay.connector.oneflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The paging helper on pages without {@code count} or links, which only a full last page can end. */
class OneflowPagesTest {

    private static Dto.Page<Integer> fullPage() {
        return new Dto.Page<>(null, null, Collections.nCopies(OneflowPages.LIMIT, 1));
    }

    @Test
    void fullPagesUpToTheLastOffsetOneflowServesAreTruncated() {
        List<Integer> offsets = new ArrayList<>();

        OneflowPages.Read<Integer> read = OneflowPages.all(offset -> {
            offsets.add(offset);
            return fullPage();
        });

        assertThat(offsets).hasSize(200).endsWith(OneflowPages.MAX_OFFSET);
        assertThat(read.items()).hasSize(OneflowPages.MAX_ITEMS);
        assertThat(read.truncated()).isTrue();
    }

    @Test
    void aListOfExactlyTheCapIsWholeWhenTheCountSaysSo() {
        OneflowPages.Read<Integer> read = OneflowPages.all(offset ->
                new Dto.Page<>(null, OneflowPages.MAX_ITEMS, Collections.nCopies(OneflowPages.LIMIT, 1)));

        assertThat(read.items()).hasSize(OneflowPages.MAX_ITEMS);
        assertThat(read.truncated()).isFalse();
    }

    @Test
    void aShortPageEndsTheListWhole() {
        OneflowPages.Read<Integer> read = OneflowPages.all(offset -> offset == 0 ? fullPage()
                : new Dto.Page<>(Map.of(), null, List.of(2, 3)));

        assertThat(read.items()).hasSize(OneflowPages.LIMIT + 2);
        assertThat(read.truncated()).isFalse();
    }
}
