package io.patchbay.core;

import io.patchbay.core.account.AccountChanges;
import io.patchbay.core.account.AccountService;
import io.patchbay.core.account.AccountVault;
import io.patchbay.core.account.CachingLinkedAccountStore;
import io.patchbay.core.account.LinkService;
import io.patchbay.core.account.LinkedAccountStore;
import io.patchbay.core.action.ActionService;
import io.patchbay.core.audit.AuditLog;
import io.patchbay.core.catalog.ConnectorCatalog;
import io.patchbay.core.secret.SecretCipher;
import io.patchbay.spi.Connector;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * The application services wired together, for embedders that do not use Guice:
 * <pre>{@code
 * Hub hub = Hub.builder()
 *         .connectors(ConnectorRegistry.load(...).connectors())
 *         .store(store).accountChanges(changes).cipher(cipher).auditLog(auditLog)
 *         .build();
 * hub.links().link(viewer, request);
 * }</pre>
 * The services read accounts through a {@link CachingLinkedAccountStore} over the given store, kept current by the
 * {@link AccountChanges} feed: a store shared with other processes (PostgreSQL) needs its feed
 * ({@code PatchbayStorage.accountChanges()}); without one the store is taken to be written by this process only.
 */
public final class Hub {
    private final ConnectorCatalog catalog;
    private final AccountVault vault;
    private final LinkService links;
    private final AccountService accounts;
    private final ActionService actions;

    /** A hub over a store that only this process writes. */
    public Hub(ConnectorCatalog catalog, LinkedAccountStore store, SecretCipher cipher, AuditLog auditLog, Clock clock) {
        this(catalog, store, AccountChanges.singleProcess(), cipher, auditLog, clock);
    }

    public Hub(ConnectorCatalog catalog, LinkedAccountStore store, AccountChanges accountChanges, SecretCipher cipher,
               AuditLog auditLog, Clock clock) {
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.vault = new AccountVault(new CachingLinkedAccountStore(store, accountChanges), cipher);
        this.links = new LinkService(catalog, vault, auditLog, clock);
        this.accounts = new AccountService(vault, auditLog, clock);
        this.actions = new ActionService(catalog, vault);
    }

    public static Builder builder() {
        return new Builder();
    }

    public ConnectorCatalog catalog() {
        return catalog;
    }

    /** The accounts as the services see them, with {@link AccountVault#cachedVisible} for non-blocking paths. */
    public AccountVault vault() {
        return vault;
    }

    public LinkService links() {
        return links;
    }

    public AccountService accounts() {
        return accounts;
    }

    public ActionService actions() {
        return actions;
    }

    /** Collects the ports; every one but the clock and the account changes is required. */
    public static final class Builder {
        private final List<Connector> connectors = new ArrayList<>();
        private LinkedAccountStore store;
        private AccountChanges accountChanges = AccountChanges.singleProcess();
        private SecretCipher cipher;
        private AuditLog auditLog;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        public Builder connectors(Collection<? extends Connector> more) {
            connectors.addAll(more);
            return this;
        }

        public Builder connector(Connector connector) {
            connectors.add(Objects.requireNonNull(connector, "connector"));
            return this;
        }

        public Builder store(LinkedAccountStore value) {
            this.store = Objects.requireNonNull(value, "store");
            return this;
        }

        /** Required when other processes write the store too; by default only this process does. */
        public Builder accountChanges(AccountChanges value) {
            this.accountChanges = Objects.requireNonNull(value, "accountChanges");
            return this;
        }

        public Builder cipher(SecretCipher value) {
            this.cipher = Objects.requireNonNull(value, "cipher");
            return this;
        }

        public Builder auditLog(AuditLog value) {
            this.auditLog = Objects.requireNonNull(value, "auditLog");
            return this;
        }

        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        public Hub build() {
            Objects.requireNonNull(store, "store is required: Hub.builder().store(...)");
            Objects.requireNonNull(cipher, "cipher is required: Hub.builder().cipher(...)");
            Objects.requireNonNull(auditLog, "auditLog is required: Hub.builder().auditLog(...)");
            return new Hub(new ConnectorCatalog(connectors), store, accountChanges, cipher, auditLog, clock);
        }
    }
}
