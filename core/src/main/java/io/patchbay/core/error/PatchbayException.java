package io.patchbay.core.error;

import java.util.Objects;

/**
 * A use case refused the request. Each subclass is one precise reason with a stable {@link #code()}; adapters map
 * them to protocol errors (the REST adapter to problem+json). Connector failures ({@code io.patchbay.spi}) pass
 * through unchanged.
 */
public abstract class PatchbayException extends RuntimeException {
    private final String code;

    protected PatchbayException(String code, String message) {
        this(code, message, null);
    }

    /** @param cause what it came of, or null */
    protected PatchbayException(String code, String message, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause, true, false);
        this.code = Objects.requireNonNull(code, "code");
    }

    public String code() {
        return code;
    }
}
