package io.patchbay.core;

import io.patchbay.core.account.AccountChanges;
import io.patchbay.core.account.AccountService;
import io.patchbay.core.account.AccountVault;
import io.patchbay.core.account.CachingLinkedAccountStore;
import io.patchbay.core.account.LinkService;
import io.patchbay.core.account.LinkedAccountStore;
import io.patchbay.core.action.ActionService;
import io.patchbay.core.audit.AuditLog;
import io.patchbay.core.catalog.ConnectorCallObserver;
import io.patchbay.core.catalog.ConnectorCalls;
import io.patchbay.core.catalog.ConnectorCatalog;
import io.patchbay.core.proxy.AccountProxy;
import io.patchbay.core.secret.SecretCipher;
import io.patchbay.spi.Connector;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * The application services wired together, for embedders that do not use Guice:
 * <pre>{@code
 * Hub hub = Hub.builder()
 *         .connectors(ConnectorRegistry.load(...).connectors())
 *         .store(storage.accounts()).accountChanges(storage.accountChanges())
 *         .cipher(storage.cipher()).auditLog(storage.auditLog())
 *         .build();
 * hub.links().link(viewer, request);
 * hub.proxy().send(viewer, accountId, ProxyRequest.of("GET", "api/v9/me"));
 * ...
 * hub.close();   // then the storage, then the connector registry
 * }</pre>
 * The services read accounts through a {@link CachingLinkedAccountStore} over the given store, kept current by the
 * {@link AccountChanges} feed: a store shared with other processes (PostgreSQL) needs its feed
 * ({@code PatchbayStorage.accountChanges()}); without one the store is taken to be written by this process only.
 * Connector calls that may reach a provider run under the hub's call timeout ({@link ConnectorCalls}), and so does
 * each request through the {@link #proxy()}.
 */
public final class Hub implements AutoCloseable {
    private final ConnectorCatalog catalog;
    private final CachingLinkedAccountStore accountsInMemory;
    private final ConnectorCalls calls;
    private final AccountVault vault;
    private final LinkService links;
    private final AccountService accounts;
    private final ActionService actions;
    private final AccountProxy proxy;

    /** A hub over a store that only this process writes, with the default call timeout. */
    public Hub(ConnectorCatalog catalog, LinkedAccountStore store, SecretCipher cipher, AuditLog auditLog, Clock clock) {
        this(catalog, store, AccountChanges.singleProcess(), cipher, auditLog, clock);
    }

    /** A hub with the default call timeout ({@link ConnectorCalls#DEFAULT_TIMEOUT}). */
    public Hub(ConnectorCatalog catalog, LinkedAccountStore store, AccountChanges accountChanges, SecretCipher cipher,
               AuditLog auditLog, Clock clock) {
        this(catalog, store, accountChanges, cipher, auditLog, clock,
                new ConnectorCalls(ConnectorCalls.DEFAULT_TIMEOUT, ConnectorCalls.DEFAULT_THREADS));
    }

    /** @param calls owned by the hub from now on: {@link #close} closes it */
    public Hub(ConnectorCatalog catalog, LinkedAccountStore store, AccountChanges accountChanges, SecretCipher cipher,
               AuditLog auditLog, Clock clock, ConnectorCalls calls) {
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.calls = Objects.requireNonNull(calls, "calls");
        this.accountsInMemory = new CachingLinkedAccountStore(Objects.requireNonNull(store, "store"),
                Objects.requireNonNull(accountChanges, "accountChanges"));
        this.vault = new AccountVault(accountsInMemory, cipher);
        this.links = new LinkService(catalog, vault, auditLog, clock, calls);
        this.accounts = new AccountService(vault, auditLog, clock);
        this.actions = new ActionService(catalog, vault, calls);
        this.proxy = new AccountProxy(catalog, vault, calls);
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

    /**
     * Where connector code runs under the hub's deadline and limits, for a host that calls a connector itself (the
     * server's proxy asks for an account's target there).
     */
    public ConnectorCalls calls() {
        return calls;
    }

    /** The authenticated proxy: a request to an account's provider, under the same rules as the server's. */
    public AccountProxy proxy() {
        return proxy;
    }

    /**
     * Interrupts connector calls still running, and answers their callers at once with {@link HubClosedException}
     * (an {@link IllegalStateException}) even when a connector ignores the interrupt; forgets the accounts kept in
     * memory; lets the proxy's HTTP client threads end; every service fails with {@link HubClosedException} from
     * now on instead of answering from memory.
     * Close the hub before the storage and the connector registry it uses, which it does not close.
     */
    @Override
    public void close() {
        accountsInMemory.close();
        calls.close();
        // After the calls: its requests in flight are abandoned by then.
        proxy.close();
    }

    /**
     * Collects the ports; every one but the clock, the account changes, the call limits and the call observer is
     * required.
     */
    public static final class Builder {
        private final List<Connector> connectors = new ArrayList<>();
        private LinkedAccountStore store;
        private AccountChanges accountChanges = AccountChanges.singleProcess();
        private SecretCipher cipher;
        private AuditLog auditLog;
        private Clock clock = Clock.systemUTC();
        private Duration callTimeout = ConnectorCalls.DEFAULT_TIMEOUT;
        private int callThreads = ConnectorCalls.DEFAULT_THREADS;
        private ConnectorCallObserver callObserver = ConnectorCallObserver.NONE;

        private Builder() {
        }

        /** The connectors to serve, typically {@code ConnectorRegistry.load(...).connectors()}. */
        public Builder connectors(Collection<? extends Connector> more) {
            Objects.requireNonNull(more, "connectors");
            more.forEach(this::connector);
            return this;
        }

        public Builder connector(Connector connector) {
            connectors.add(Objects.requireNonNull(connector, "connector"));
            return this;
        }

        /** Where linked accounts and their sealed secrets are kept. */
        public Builder store(LinkedAccountStore value) {
            this.store = Objects.requireNonNull(value, "store");
            return this;
        }

        /** Required when other processes write the store too; by default only this process does. */
        public Builder accountChanges(AccountChanges value) {
            this.accountChanges = Objects.requireNonNull(value, "accountChanges");
            return this;
        }

        /** Seals credentials before they are stored and opens them for a call. */
        public Builder cipher(SecretCipher value) {
            this.cipher = Objects.requireNonNull(value, "cipher");
            return this;
        }

        /** Receives an event for every link, change and disconnect. */
        public Builder auditLog(AuditLog value) {
            this.auditLog = Objects.requireNonNull(value, "auditLog");
            return this;
        }

        /** Dates accounts and audit events; the system UTC clock by default. */
        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /**
         * How long a connector call (a verification, an action) or a whole proxy request (its wait for a call slot
         * and its connector's target included) may run before the caller gets a provider timeout and the
         * connector's thread is interrupted; 30 s by default. Give it the call timeout of the connectors'
         * contexts, or a little more so that a connector keeping to its budget reports its own timeout first.
         */
        public Builder callTimeout(Duration value) {
            Objects.requireNonNull(value, "callTimeout");
            if (value.isZero() || value.isNegative()) {
                throw new IllegalArgumentException("callTimeout: must be positive, got " + value);
            }
            this.callTimeout = value;
            return this;
        }

        /**
         * The most connector calls and proxy requests running at once (more wait in line, within their timeout); 64
         * by default.
         */
        public Builder callThreads(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("callThreads: must be at least 1, got " + value);
            }
            this.callThreads = value;
            return this;
        }

        /**
         * Told of every connector call once it ended: connector, operation, outcome and duration, each fit to label
         * a metric (the server's {@code patchbay_connector_calls_seconds}). None by default.
         */
        public Builder callObserver(ConnectorCallObserver value) {
            this.callObserver = Objects.requireNonNull(value, "callObserver");
            return this;
        }

        public Hub build() {
            Objects.requireNonNull(store, "store is required: Hub.builder().store(...)");
            Objects.requireNonNull(cipher, "cipher is required: Hub.builder().cipher(...)");
            Objects.requireNonNull(auditLog, "auditLog is required: Hub.builder().auditLog(...)");
            return new Hub(new ConnectorCatalog(connectors), store, accountChanges, cipher, auditLog, clock,
                    new ConnectorCalls(callTimeout, callThreads, callObserver));
        }
    }
}
