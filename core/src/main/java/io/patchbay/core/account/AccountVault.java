package io.patchbay.core.account;

import io.patchbay.core.error.ForbiddenException;
import io.patchbay.core.error.NotFoundException;
import io.patchbay.core.error.SecretUnavailableException;
import io.patchbay.core.error.StaleVersionException;
import io.patchbay.core.secret.CredentialsCodec;
import io.patchbay.core.secret.SecretCipher;
import io.patchbay.spi.Credentials;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * Loads accounts through the visibility rules and seals/opens their credentials. The one place where plaintext
 * credentials are made, and where their bytes are wiped after use.
 */
public final class AccountVault {
    private final LinkedAccountStore store;
    private final SecretCipher cipher;
    /** The store's memory when it keeps accounts there, else null: {@link #cachedVisible} then never answers. */
    private final CachingLinkedAccountStore memory;

    /** A vault over a {@link CachingLinkedAccountStore} can also answer {@link #cachedVisible} from memory. */
    public AccountVault(LinkedAccountStore store, SecretCipher cipher) {
        this.store = Objects.requireNonNull(store, "store");
        this.cipher = Objects.requireNonNull(cipher, "cipher");
        this.memory = store instanceof CachingLinkedAccountStore caching ? caching : null;
    }

    public LinkedAccountStore store() {
        return store;
    }

    /** The account if the viewer may see it; otherwise not found, whether it exists or not. */
    public LinkedAccount visible(Viewer viewer, String accountId) {
        Objects.requireNonNull(viewer, "viewer");
        Objects.requireNonNull(accountId, "accountId");
        return store.find(viewer.tenantId(), accountId)
                .filter(viewer::canSee)
                .orElseThrow(() -> new NotFoundException("account", accountId));
    }

    /**
     * Never blocks: the account if it is in memory and the viewer may see it; empty otherwise (not in memory, not
     * visible, or not existing), and the caller falls back to {@link #visible}. Never reads the database, so it may
     * be called on an event loop.
     */
    public Optional<LinkedAccount> cachedVisible(Viewer viewer, String accountId) {
        Objects.requireNonNull(viewer, "viewer");
        Objects.requireNonNull(accountId, "accountId");
        if (memory == null) {
            return Optional.empty();
        }
        return memory.cached(viewer.tenantId(), accountId).filter(viewer::canSee);
    }

    /** The account if the viewer may change it. */
    public LinkedAccount manageable(Viewer viewer, String accountId) {
        LinkedAccount account = visible(viewer, accountId);
        if (!viewer.canManage(account)) {
            throw new ForbiddenException("not_account_owner",
                    "Only the owner of account " + accountId + " or a tenant-wide key may change it");
        }
        return account;
    }

    public byte[] seal(String tenantId, String accountId, Credentials credentials) {
        byte[] plaintext = CredentialsCodec.encode(credentials);
        try {
            return cipher.seal(plaintext, SecretCipher.associatedData(tenantId, accountId));
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    public Credentials open(LinkedAccount account) {
        byte[] sealed = store.sealedSecret(account.tenantId(), account.id())
                .orElseThrow(() -> new NotFoundException("account", account.id()));
        byte[] plaintext = cipher.open(sealed, SecretCipher.associatedData(account.tenantId(), account.id()));
        try {
            return CredentialsCodec.decode(plaintext);
        } catch (IllegalArgumentException e) {
            throw new SecretUnavailableException("The stored credentials of account " + account.id()
                    + " are unreadable", null);
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    /**
     * The account, when it is at {@code expectedVersion} (a caller's If-Match or version), or at any version without
     * one. The version checked is the one the following write compares and sets, so together they are atomic.
     *
     * @throws StaleVersionException when it is at another version
     */
    static LinkedAccount atVersion(LinkedAccount account, Optional<Long> expectedVersion) {
        if (expectedVersion.isPresent() && expectedVersion.get() != account.version()) {
            throw new StaleVersionException(account.id(), expectedVersion.get());
        }
        return account;
    }
}
