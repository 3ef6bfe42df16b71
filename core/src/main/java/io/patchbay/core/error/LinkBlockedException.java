package io.patchbay.core.error;

import io.patchbay.spi.Notice;
import java.util.List;

/** The connector found a blocking permission problem with the chosen workspace. */
public final class LinkBlockedException extends PatchbayException {
    private final List<Notice> notices;

    public LinkBlockedException(List<Notice> notices) {
        super("link_blocked", notices.stream().map(Notice::message).reduce((a, b) -> a + "; " + b)
                .orElse("The link is not allowed"));
        this.notices = List.copyOf(notices);
    }

    public List<Notice> notices() {
        return notices;
    }
}
