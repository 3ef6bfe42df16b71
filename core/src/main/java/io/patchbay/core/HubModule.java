package io.patchbay.core;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.OptionalBinder;
import io.patchbay.core.account.AccountChanges;
import io.patchbay.core.account.AccountService;
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
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Guice wiring of the application services. The ports out ({@link LinkedAccountStore}, {@link SecretCipher},
 * {@link AuditLog}) are bound by a module of the host (the storage adapter has none: bind
 * {@code PatchbayStorage.accounts()}, {@code cipher()} and {@code auditLog()}, as the server's own module does).
 * {@link AccountChanges} may be bound too, and must be when other processes write the store (PostgreSQL: {@code PatchbayStorage.accountChanges()});
 * unbound, the store is taken to be written by this process only. A {@link ConnectorCallObserver} may be bound to
 * be told of every connector call (the server binds one that times them). The clock is bound as
 * {@code @PatchbayClock Clock}, never as a plain {@code Clock}, so a host module may bind its own. The host closes
 * the {@link Hub} singleton when it stops ({@link Hub#close}).
 */
public final class HubModule extends AbstractModule {
    private final List<Connector> connectors;
    private final Clock clock;
    private final Duration callTimeout;

    /** With the default call timeout ({@link ConnectorCalls#DEFAULT_TIMEOUT}). */
    public HubModule(List<? extends Connector> connectors, Clock clock) {
        this(connectors, clock, ConnectorCalls.DEFAULT_TIMEOUT);
    }

    /** @param callTimeout how long a connector call may run; see {@link Hub.Builder#callTimeout} */
    public HubModule(List<? extends Connector> connectors, Clock clock, Duration callTimeout) {
        this.connectors = List.copyOf(Objects.requireNonNull(connectors, "connectors"));
        this.clock = Objects.requireNonNull(clock, "clock");
        this.callTimeout = Objects.requireNonNull(callTimeout, "callTimeout");
        if (callTimeout.isZero() || callTimeout.isNegative()) {
            throw new IllegalArgumentException("callTimeout: must be positive, got " + callTimeout);
        }
    }

    @Override
    protected void configure() {
        // Qualified: a host that binds its own Clock keeps it, and the two never collide.
        bind(Clock.class).annotatedWith(PatchbayClock.class).toInstance(clock);
        bind(ConnectorCatalog.class).toInstance(new ConnectorCatalog(connectors));
        OptionalBinder.newOptionalBinder(binder(), AccountChanges.class);
        OptionalBinder.newOptionalBinder(binder(), ConnectorCallObserver.class);
    }

    @Provides
    @Singleton
    Hub hub(ConnectorCatalog catalog, LinkedAccountStore store, Optional<AccountChanges> accountChanges,
            SecretCipher cipher, AuditLog auditLog, @PatchbayClock Clock clock,
            Optional<ConnectorCallObserver> observer) {
        return new Hub(catalog, store, accountChanges.orElseGet(AccountChanges::singleProcess), cipher, auditLog,
                clock, new ConnectorCalls(callTimeout, ConnectorCalls.DEFAULT_THREADS,
                        observer.orElse(ConnectorCallObserver.NONE)));
    }

    @Provides
    LinkService links(Hub hub) {
        return hub.links();
    }

    @Provides
    AccountService accounts(Hub hub) {
        return hub.accounts();
    }

    @Provides
    ActionService actions(Hub hub) {
        return hub.actions();
    }

    @Provides
    AccountProxy proxy(Hub hub) {
        return hub.proxy();
    }

    /** Where a host runs connector code of its own (the server's proxy asks for targets there). */
    @Provides
    ConnectorCalls calls(Hub hub) {
        return hub.calls();
    }
}
