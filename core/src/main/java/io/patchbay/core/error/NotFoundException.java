package io.patchbay.core.error;

/**
 * The thing does not exist, or exists but the caller may not see it: the two are indistinguishable on purpose, so
 * another owner's private account or another tenant's data cannot be probed.
 */
public final class NotFoundException extends PatchbayException {
    private final String kind;
    private final String id;

    public NotFoundException(String kind, String id) {
        super(kind + "_not_found", "No " + kind.replace('_', ' ') + " with id '" + id + "'");
        this.kind = kind;
        this.id = id;
    }

    public String kind() {
        return kind;
    }

    public String id() {
        return id;
    }
}
