package io.patchbay.server.access;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Ticker;
import io.patchbay.core.access.ApiKey;
import io.patchbay.core.access.ApiKeyStore;
import io.patchbay.core.access.ApiKeyStore.Revocation;
import io.patchbay.storage.PatchbayStorage;
import io.patchbay.storage.StorageConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The key cache on real SQLite storage, with a hand-moved clock and the background reads run by hand: the proxy asks
 * {@link ApiKeyService#recentlyAuthenticated} on its event loop, which must never wait for the store, yet a key revoked
 * by another instance (straight in the store here) must stop working within the cache's time to live.
 */
class ApiKeyServiceTest {
    @TempDir
    Path dir;

    private PatchbayStorage storage;
    private final AtomicLong nanos = new AtomicLong();
    private final ArrayDeque<Runnable> background = new ArrayDeque<>();
    private ApiKeyService keys;
    private ApiKeyService.Created created;

    @BeforeEach
    void open() {
        storage = PatchbayStorage.open(StorageConfig.embeddedDefault(dir));
        Ticker ticker = nanos::get;
        keys = new ApiKeyService(storage.apiKeys(), Clock.systemUTC(), background::add, ticker);
        created = keys.create("acme", "backend", Set.of(Scope.PROXY_INVOKE));
    }

    @AfterEach
    void close() {
        storage.close();
    }

    @Test
    void aKeyIsOnlyRecentAfterItWasAuthenticatedAgainstTheStore() {
        assertThat(keys.recentlyAuthenticated(created.key())).isEmpty();
        assertThat(keys.authenticate(created.key())).map(ApiKey::id).contains(created.apiKey().id());
        assertThat(keys.recentlyAuthenticated(created.key())).map(ApiKey::id).contains(created.apiKey().id());
        assertThat(keys.recentlyAuthenticated("pb_sk_unknown")).isEmpty();
        assertThat(keys.authenticate("pb_sk_unknown")).isEmpty();
        assertThat(background).as("nothing is due yet").isEmpty();
    }

    @Test
    void aKeyInSteadyUseIsReadAgainInTheBackgroundAndNeverMissed() {
        keys.authenticate(created.key());
        for (int second = 1; second <= 30; second++) {
            advance(Duration.ofSeconds(1));
            assertThat(keys.recentlyAuthenticated(created.key())).as("after %d s", second).isPresent();
            runBackground();
        }
    }

    @Test
    void aRevocationElsewhereAppliesAtTheNextBackgroundRead() {
        keys.authenticate(created.key());
        revokeInStore();
        advance(ApiKeyService.REFRESH_AFTER.plusMillis(1));

        assertThat(keys.recentlyAuthenticated(created.key())).as("still within its time to live").isPresent();
        assertThat(background).as("a read of the store is due").hasSize(1);
        runBackground();

        assertThat(keys.recentlyAuthenticated(created.key())).isEmpty();
        assertThat(keys.authenticate(created.key())).isEmpty();
    }

    @Test
    void aRevocationElsewhereAppliesWithinTheTimeToLiveEvenWithoutABackgroundRead() {
        keys.authenticate(created.key());
        revokeInStore();
        advance(ApiKeyService.REFRESH_AFTER.plusMillis(1));
        assertThat(keys.recentlyAuthenticated(created.key())).isPresent();
        background.clear(); // the background executor was full: the read was refused

        advance(ApiKeyService.CACHE_TTL);
        assertThat(keys.recentlyAuthenticated(created.key())).isEmpty();
        assertThat(keys.authenticate(created.key())).as("read from the store").isEmpty();
    }

    @Test
    void aKeyIsStillTrustedForItsTimeToLiveWhenTheBackgroundRefusesTheRead() {
        ApiKeyService refusing = new ApiKeyService(storage.apiKeys(), Clock.systemUTC(), task -> {
            throw new RejectedExecutionException("full");
        }, nanos::get);
        refusing.authenticate(created.key());
        advance(ApiKeyService.REFRESH_AFTER.plusMillis(1));
        assertThat(refusing.recentlyAuthenticated(created.key())).isPresent();
        assertThat(refusing.recentlyAuthenticated(created.key())).as("asked again, refused again").isPresent();

        advance(ApiKeyService.CACHE_TTL);
        assertThat(refusing.recentlyAuthenticated(created.key())).isEmpty();
        assertThat(refusing.authenticate(created.key())).as("read from the store").isPresent();
    }

    @Test
    void aReadAheadTheStoreFailsIsDroppedWithoutAStackTraceAndTheKeyKeptForItsTimeToLive() {
        keys.authenticate(created.key());
        advance(ApiKeyService.REFRESH_AFTER.plusMillis(1));
        assertThat(keys.recentlyAuthenticated(created.key())).isPresent();
        ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
                org.slf4j.Logger.ROOT_LOGGER_NAME);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logged =
                new ch.qos.logback.core.read.ListAppender<>();
        logged.start();
        root.addAppender(logged);
        try {
            storage.close(); // the database gone: the store's reads fail
            runBackground();
            assertThat(keys.recentlyAuthenticated(created.key())).as("asked again meanwhile").isPresent();
            runBackground();
        } finally {
            root.detachAppender(logged);
        }

        assertThat(logged.list).as("nothing at WARN or above, no stack trace")
                .noneMatch(e -> e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.WARN))
                .noneMatch(e -> e.getThrowableProxy() != null);
        advance(ApiKeyService.CACHE_TTL);
        assertThat(keys.recentlyAuthenticated(created.key())).isEmpty();
    }

    @Test
    void aReadAtTheStoreSeesARevocationElsewhereAtOnceAndDropsTheCachedKey() {
        assertThat(keys.authenticateAtStore(created.key())).map(ApiKey::id).contains(created.apiKey().id());
        keys.authenticate(created.key());
        revokeInStore();
        assertThat(keys.recentlyAuthenticated(created.key())).as("cached, within its time to live").isPresent();

        assertThat(keys.authenticateAtStore(created.key())).isEmpty();
        assertThat(keys.recentlyAuthenticated(created.key())).isEmpty();
        assertThat(keys.authenticateAtStore("pb_sk_unknown")).isEmpty();
    }

    @Test
    void aRevocationHereAppliesAtOnce() {
        keys.authenticate(created.key());
        keys.revoke("acme", created.apiKey().id());

        assertThat(keys.recentlyAuthenticated(created.key())).isEmpty();
        assertThat(keys.authenticate(created.key())).isEmpty();
    }

    @Test
    void aRevocationHereWhileTheKeyIsBeingReadAgainIsNotUndoneByThatRead() throws InterruptedException {
        // The background read finds the key active, then the revocation lands before the read is kept.
        AtomicReference<ApiKeyService> service = new AtomicReference<>();
        ApiKeyStore store = storage.apiKeys();
        ApiKeyStore racing = new ApiKeyStore() {
            @Override
            public void insert(ApiKey key) {
                store.insert(key);
            }

            @Override
            public Optional<ApiKey> findByHash(String secretHash) {
                Optional<ApiKey> read = store.findByHash(secretHash);
                if (Thread.currentThread().getName().equals("racing-read")) {
                    service.get().revoke("acme", created.apiKey().id());
                }
                return read;
            }

            @Override
            public Optional<ApiKey> find(String tenantId, String id) {
                return store.find(tenantId, id);
            }

            @Override
            public List<ApiKey> list(String tenantId) {
                return store.list(tenantId);
            }

            @Override
            public Revocation revoke(String tenantId, String id, Instant at, Set<String> keptScopes) {
                return store.revoke(tenantId, id, at, keptScopes);
            }

            @Override
            public boolean insertUnlessActiveWithScope(ApiKey key, String scope) {
                return store.insertUnlessActiveWithScope(key, scope);
            }
        };
        List<Thread> reads = new CopyOnWriteArrayList<>();
        service.set(new ApiKeyService(racing, Clock.systemUTC(), task -> {
            Thread thread = new Thread(task, "racing-read");
            reads.add(thread);
            thread.start();
        }, nanos::get));
        service.get().authenticate(created.key());
        advance(ApiKeyService.REFRESH_AFTER.plusMillis(1));

        assertThat(service.get().recentlyAuthenticated(created.key())).as("answered before the read ahead")
                .isPresent();
        assertThat(reads).hasSize(1);
        reads.get(0).join(5_000);
        assertThat(reads.get(0).isAlive()).isFalse();
        assertThat(store.findByHash(created.apiKey().secretHash())).map(ApiKey::active).contains(false);
        assertThat(service.get().recentlyAuthenticated(created.key())).isEmpty();
    }

    private void revokeInStore() {
        ApiKeyStore store = storage.apiKeys();
        assertThat(store.revoke("acme", created.apiKey().id(), Instant.now(), Set.of())).isEqualTo(Revocation.REVOKED);
        Optional<ApiKey> stored = store.findByHash(created.apiKey().secretHash());
        assertThat(stored).map(ApiKey::active).contains(false);
    }

    private void advance(Duration by) {
        nanos.addAndGet(by.toNanos());
    }

    private void runBackground() {
        for (Runnable task = background.poll(); task != null; task = background.poll()) {
            task.run();
        }
    }
}
