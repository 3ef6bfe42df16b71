package io.patchbay.core.account;

/** Who besides the owner may see and use a linked account. */
public enum Visibility {
    /** Only the owner (and tenant-wide callers). */
    PRIVATE,
    /** The owner and members of the owner's team. */
    TEAM,
    /** Every end user of the tenant. */
    TENANT
}
