package io.patchbay.core.account;

import io.patchbay.spi.Notice;
import java.util.List;
import java.util.Objects;

/** A stored link and the warnings the user should still see (e.g. not an admin of the workspace). */
public record LinkResult(LinkedAccount account, List<Notice> warnings) {
    public LinkResult {
        Objects.requireNonNull(account, "account");
        warnings = List.copyOf(Objects.requireNonNull(warnings, "warnings"));
    }
}
