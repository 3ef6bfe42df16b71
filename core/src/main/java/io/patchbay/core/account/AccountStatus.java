package io.patchbay.core.account;

/** Health of a linked account as of its last verification. */
public enum AccountStatus {
    /** Credentials verified and usable. */
    ACTIVE,
    /** The provider rejects the credentials (revoked token, changed password, deactivated user). */
    INVALID_CREDENTIALS,
    /** Credentials work but lost a permission the connector needs. */
    INSUFFICIENT_PERMISSIONS,
    /**
     * The last check could not finish: provider down, rate limited or quota spent. Not a broken account; the
     * reason says which and a later check clears it.
     */
    UNVERIFIED
}
