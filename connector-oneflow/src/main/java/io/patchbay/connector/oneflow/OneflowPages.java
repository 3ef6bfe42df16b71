package io.patchbay.connector.oneflow;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.function.IntFunction;

/**
 * Reads a whole collection page by page. Oneflow pages every list, a contract's parties and data fields included:
 * {@code limit} at most 100, {@code offset} at most 19900, {@code count} the number of all matches.
 */
final class OneflowPages {
    static final int LIMIT = 100;
    static final int MAX_OFFSET = 19_900;
    /** The most items Oneflow serves of one list: the page at {@link #MAX_OFFSET} is the last it answers. */
    static final int MAX_ITEMS = MAX_OFFSET + LIMIT;

    /**
     * The items read, and whether Oneflow holds more than it serves: then {@code items} are the first
     * {@link #MAX_ITEMS} and a caller must say so rather than pass them off as the whole list.
     */
    record Read<T>(List<T> items, boolean truncated) {
        Read {
            Objects.requireNonNull(items, "items");
        }
    }

    private OneflowPages() {
    }

    /**
     * Every item, asking {@code pageAt} for the page at each offset until the last one: a short or empty page,
     * {@code count} items read, no {@code next} link, or an answer that ignored the paging (the whole list at once,
     * or the first page again). Oneflow serves no offset past {@link #MAX_OFFSET}, which
     * bounds the reading at 200 pages; a list longer than that comes back {@link Read#truncated() truncated}.
     */
    static <T> Read<T> all(IntFunction<Dto.Page<T>> pageAt) {
        List<T> all = new ArrayList<>();
        List<T> first = List.of();
        boolean more = false;
        for (int offset = 0; offset <= MAX_OFFSET; offset += LIMIT) {
            Dto.Page<T> page = pageAt.apply(offset);
            // Oneflow's own connector and Airbyte read a contract's parties and data fields without paging: should
            // such a list come whole, more items than the limit, or the first page again, show that limit or
            // offset was ignored. Asking on would read the same items 200 times.
            if (offset > 0 && !page.items().isEmpty() && page.items().equals(first)) {
                more = false;
                break;
            }
            if (offset == 0) {
                first = page.items();
            }
            all.addAll(page.items());
            if (page.items().size() > LIMIT) {
                more = false;
                break;
            }
            boolean noNext = page.links() != null && page.links().containsKey("next")
                    && (page.links().get("next") == null || page.links().get("next").href() == null);
            if (page.items().size() < LIMIT || (page.count() != null && all.size() >= page.count()) || noNext) {
                more = false;
                break;
            }
            // A full page that is neither the last by count nor by link: Oneflow has more after it.
            more = true;
        }
        // Not List.copyOf: a null item Oneflow might send is the caller's to skip, not a crash here.
        return new Read<>(Collections.unmodifiableList(all), more);
    }
}
