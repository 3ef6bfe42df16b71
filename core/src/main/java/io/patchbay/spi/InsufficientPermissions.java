package io.patchbay.spi;

/** The credentials are valid but may not do what was asked (provider 403 on an action, missing admin rights). */
public final class InsufficientPermissions extends ConnectorException {
    public InsufficientPermissions(String code, String message) {
        super(code, message, null);
    }
}
