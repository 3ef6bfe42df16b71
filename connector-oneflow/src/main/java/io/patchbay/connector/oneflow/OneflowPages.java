package io.patchbay.connector.oneflow;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Reads a whole collection page by page. Oneflow pages every list, a contract's parties and data fields included:
 * {@code limit} at most 100, {@code offset} at most 19900, {@code count} the number of all matches.
 */
final class OneflowPages {
    static final int LIMIT = 100;
    static final int MAX_OFFSET = 19_900;

    private OneflowPages() {
    }

    /**
     * Every item, asking {@code pageAt} for the page at each offset until the last one: a short or empty page,
     * {@code count} items read, or no {@code next} link. Oneflow serves no offset past {@link #MAX_OFFSET}, which
     * bounds the reading at 200 pages.
     */
    static <T> List<T> all(IntFunction<Dto.Page<T>> pageAt) {
        List<T> all = new ArrayList<>();
        for (int offset = 0; offset <= MAX_OFFSET; offset += LIMIT) {
            Dto.Page<T> page = pageAt.apply(offset);
            all.addAll(page.items());
            boolean noNext = page.links() != null && page.links().containsKey("next")
                    && (page.links().get("next") == null || page.links().get("next").href() == null);
            if (page.items().size() < LIMIT || (page.count() != null && all.size() >= page.count()) || noNext) {
                break;
            }
        }
        // Not List.copyOf: a null item Oneflow might send is the caller's to skip, not a crash here.
        return Collections.unmodifiableList(all);
    }
}
