package io.patchbay.core.error;

/** The caller can see the account but may not change it (only its owner or a tenant-wide caller may). */
public final class ForbiddenException extends PatchbayException {
    public ForbiddenException(String code, String message) {
        super(code, message);
    }
}
