package io.patchbay.connector.oneflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The paging helper on pages without {@code count} or links, which only a full last page can end. */
class OneflowPagesTest {

    /** The full page at {@code offset}: the items numbered offset, offset + 1, ... as a real list's would be. */
    private static Dto.Page<Integer> fullPage(int offset) {
        return new Dto.Page<>(null, null, items(offset));
    }

    private static List<Integer> items(int offset) {
        return java.util.stream.IntStream.range(offset, offset + OneflowPages.LIMIT).boxed().toList();
    }

    @Test
    void fullPagesUpToTheLastOffsetOneflowServesAreTruncated() {
        List<Integer> offsets = new ArrayList<>();

        OneflowPages.Read<Integer> read = OneflowPages.all(offset -> {
            offsets.add(offset);
            return fullPage(offset);
        });

        assertThat(offsets).hasSize(200).endsWith(OneflowPages.MAX_OFFSET);
        assertThat(read.items()).hasSize(OneflowPages.MAX_ITEMS);
        assertThat(read.truncated()).isTrue();
    }

    @Test
    void aListOfExactlyTheCapIsWholeWhenTheCountSaysSo() {
        OneflowPages.Read<Integer> read = OneflowPages.all(offset ->
                new Dto.Page<>(null, OneflowPages.MAX_ITEMS, items(offset)));

        assertThat(read.items()).hasSize(OneflowPages.MAX_ITEMS);
        assertThat(read.truncated()).isFalse();
    }

    @Test
    void aShortPageEndsTheListWhole() {
        OneflowPages.Read<Integer> read = OneflowPages.all(offset -> offset == 0 ? fullPage(0)
                : new Dto.Page<>(Map.of(), null, List.of(2, 3)));

        assertThat(read.items()).hasSize(OneflowPages.LIMIT + 2);
        assertThat(read.truncated()).isFalse();
    }

    @Test
    void aWholeListAnsweredAtOnceIsReadOnce() {
        List<Integer> offsets = new ArrayList<>();

        OneflowPages.Read<Integer> read = OneflowPages.all(offset -> {
            offsets.add(offset);
            return new Dto.Page<>(null, null, java.util.stream.IntStream.range(0, 150).boxed().toList());
        });

        assertThat(offsets).containsExactly(0);
        assertThat(read.items()).hasSize(150).doesNotHaveDuplicates();
        assertThat(read.truncated()).isFalse();
    }

    @Test
    void theFirstPageServedAgainEndsTheListWithoutRepeatingIt() {
        List<Integer> offsets = new ArrayList<>();

        OneflowPages.Read<Integer> read = OneflowPages.all(offset -> {
            offsets.add(offset);
            return fullPage(0);
        });

        assertThat(offsets).containsExactly(0, OneflowPages.LIMIT);
        assertThat(read.items()).isEqualTo(items(0));
        assertThat(read.truncated()).isFalse();
    }
}
