package io.patchbay.core.account;

import java.util.Optional;

/**
 * Port out: where linked accounts and their sealed secrets live. Implementations are thread-safe and enforce,
 * atomically, one account per (tenant, connector, provider user, workspace) and optimistic versioning.
 */
public interface LinkedAccountStore {

    /**
     * Stores a new account (version 0) with its sealed secret.
     *
     * @throws io.patchbay.core.error.DuplicateAccountException naming the existing account when the tenant already
     *                                                          has this connector + provider user + workspace
     */
    void insert(LinkedAccount account, byte[] sealedSecret);

    Optional<LinkedAccount> find(String tenantId, String accountId);

    /** The sealed secret of an account, empty when the account does not exist. */
    Optional<byte[]> sealedSecret(String tenantId, String accountId);

    /** One page of {@link AccountQuery#matches matching} accounts in id order, at most {@code query.limit()}. */
    Page<LinkedAccount> list(AccountQuery query);

    /**
     * Replaces the account's fields if its stored version is still {@code account.version()}.
     *
     * @return the stored account, with the version incremented
     * @throws io.patchbay.core.error.StaleVersionException when someone updated it first
     * @throws io.patchbay.core.error.NotFoundException     when it was deleted
     */
    LinkedAccount update(LinkedAccount account);

    /** As {@link #update}, and replaces the sealed secret in the same transaction. */
    LinkedAccount update(LinkedAccount account, byte[] sealedSecret);

    /** Deletes the account and erases its sealed secret. Returns false when there was nothing to delete. */
    boolean delete(String tenantId, String accountId);

    /**
     * As {@link #delete(String, String)}, but only while the stored version is still {@code expectedVersion}: the
     * check and the delete are one atomic step, so a change made in between is never deleted unseen.
     *
     * @return false when there was nothing to delete
     * @throws io.patchbay.core.error.StaleVersionException when the account is stored at another version
     */
    boolean delete(String tenantId, String accountId, long expectedVersion);
}
