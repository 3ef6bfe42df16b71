package io.patchbay.core;

import io.patchbay.core.account.AccountService;
import io.patchbay.core.account.AccountVault;
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
 *         .store(store).cipher(cipher).auditLog(auditLog)
 *         .build();
 * hub.links().link(viewer, request);
 * }</pre>
 */
public final class Hub {
    private final ConnectorCatalog catalog;
    private final LinkService links;
    private final AccountService accounts;
    private final ActionService actions;

    public Hub(ConnectorCatalog catalog, LinkedAccountStore store, SecretCipher cipher, AuditLog auditLog, Clock clock) {
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        AccountVault vault = new AccountVault(store, cipher);
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

    public LinkService links() {
        return links;
    }

    public AccountService accounts() {
        return accounts;
    }

    public ActionService actions() {
        return actions;
    }

    /** Collects the ports; every one but the clock is required. */
    public static final class Builder {
        private final List<Connector> connectors = new ArrayList<>();
        private LinkedAccountStore store;
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
            return new Hub(new ConnectorCatalog(connectors), store, cipher, auditLog, clock);
        }
    }
}
