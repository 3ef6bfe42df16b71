package io.patchbay.core.account;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** One page of results and the cursor of the next one, empty on the last page. */
public record Page<T>(List<T> items, Optional<String> nextCursor) {
    public Page {
        items = List.copyOf(Objects.requireNonNull(items, "items"));
        Objects.requireNonNull(nextCursor, "nextCursor");
    }
}
