package io.patchbay.spi;

/**
 * Capability: the provider can issue a new token for the same user (e.g. Toggl's {@code POST /me/reset_token}).
 * The old token stops working at once, so the host stores the returned credentials in the same step.
 */
public interface ProviderTokenReset {
    Credentials resetToken(Credentials current);
}
