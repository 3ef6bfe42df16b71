package io.patchbay.core.error;

/**
 * The caller can see the account but may not do this with it: change it (only its owner or a tenant-wide caller
 * may), or send a request its connector blocks ({@link ProxyRouteBlockedException}).
 */
public sealed class ForbiddenException extends PatchbayException permits ProxyRouteBlockedException {
    public ForbiddenException(String code, String message) {
        super(code, message);
    }
}
