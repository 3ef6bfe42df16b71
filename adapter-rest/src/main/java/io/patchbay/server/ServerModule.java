package io.patchbay.server;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.OptionalBinder;
import com.google.inject.name.Names;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.patchbay.core.Hub;
import io.patchbay.core.PatchbayClock;
import io.patchbay.core.access.ApiKeyStore;
import io.patchbay.core.access.ConnectSessionStore;
import io.patchbay.core.account.AccountChanges;
import io.patchbay.core.account.AccountVault;
import io.patchbay.core.account.LinkedAccountStore;
import io.patchbay.core.audit.AuditLog;
import io.patchbay.core.catalog.ConnectorCallObserver;
import io.patchbay.core.secret.SecretCipher;
import io.patchbay.server.access.ApiKeyService;
import io.patchbay.server.edge.EdgeIo;
import io.patchbay.server.http.RequestLog;
import io.patchbay.server.ops.ConnectorCallMetrics;
import io.patchbay.storage.KeyRotation;
import io.patchbay.storage.PatchbayStorage;
import java.time.Clock;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;

/** Binds the storage adapter's ports, the configuration and the server's shared infrastructure. */
final class ServerModule extends AbstractModule {
    private final ServerConfig config;
    private final PatchbayStorage storage;
    private final PrometheusMeterRegistry metrics;
    private final RequestLog requests;
    private final EdgeIo io;
    private final BooleanSupplier ready;

    ServerModule(ServerConfig config, PatchbayStorage storage, PrometheusMeterRegistry metrics, RequestLog requests,
                 EdgeIo io, BooleanSupplier ready) {
        this.config = config;
        this.storage = storage;
        this.metrics = metrics;
        this.requests = requests;
        this.io = io;
        this.ready = ready;
    }

    @Override
    protected void configure() {
        bind(ServerConfig.class).toInstance(config);
        bind(LinkedAccountStore.class).toInstance(storage.accounts());
        // Other instances' changes reach this instance's account cache through the database.
        bind(AccountChanges.class).toInstance(storage.accountChanges());
        bind(SecretCipher.class).toInstance(storage.cipher());
        bind(AuditLog.class).toInstance(storage.auditLog());
        bind(ApiKeyStore.class).toInstance(storage.apiKeys());
        bind(ConnectSessionStore.class).toInstance(storage.connectSessions());
        bind(KeyRotation.class).toInstance(storage.keyRotation());
        bind(PrometheusMeterRegistry.class).toInstance(metrics);
        bind(MeterRegistry.class).toInstance(metrics);
        bind(RequestLog.class).toInstance(requests);
        // The hub tells every connector call to the metrics.
        OptionalBinder.newOptionalBinder(binder(), ConnectorCallObserver.class).setBinding()
                .to(ConnectorCallMetrics.class).in(Singleton.class);
        bind(EdgeIo.class).toInstance(io);
        bind(Executor.class).annotatedWith(Names.named(ApiKeyService.BACKGROUND)).toInstance(io.blocking());
        bind(BooleanSupplier.class).annotatedWith(Names.named("ready")).toInstance(ready);
    }

    /** The server's own services (keys, sessions, keyset) run on the hub's clock. */
    @Provides
    @Singleton
    Clock clock(@PatchbayClock Clock clock) {
        return clock;
    }

    /** The hub's vault: the proxy and the services read accounts through the same cache. */
    @Provides
    @Singleton
    AccountVault vault(Hub hub) {
        return hub.vault();
    }
}
