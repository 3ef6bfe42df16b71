package io.patchbay.testkit.store;

import static io.patchbay.testkit.store.StoreFixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patchbay.core.Ids;
import io.patchbay.core.access.ApiKey;
import io.patchbay.core.access.ApiKeyStore;
import io.patchbay.core.access.ApiKeyStore.Revocation;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link ApiKeyStore} must do. */
public abstract class ApiKeyStoreContract {

    /** An empty store; called before each test. */
    protected abstract ApiKeyStore newStore();

    protected ApiKeyStore store;
    protected String tenant;

    @BeforeEach
    public void freshStore() {
        store = newStore();
        tenant = StoreFixtures.tenant();
    }

    private ApiKey key(String tenantId, Instant createdAt, Set<String> scopes) {
        String hash = (UUID.randomUUID().toString() + UUID.randomUUID()).replace("-", "");
        return new ApiKey(Ids.next("key", createdAt), tenantId, "Key " + hash.substring(0, 4), hash, "ab12", scopes,
                createdAt, Optional.empty());
    }

    @Test
    public void insertedKeyIsFoundByHashAndById() {
        ApiKey key = key(tenant, T0, Set.of("accounts:read", "accounts:write"));
        ApiKey noScopes = key(tenant, T0, Set.of());
        store.insert(key);
        store.insert(noScopes);

        assertThat(store.findByHash(key.secretHash())).contains(key);
        assertThat(store.find(tenant, key.id())).contains(key);
        assertThat(store.find(tenant, noScopes.id())).contains(noScopes);
        assertThat(store.findByHash("0".repeat(64))).isEmpty();
        assertThat(store.find(StoreFixtures.tenant(), key.id())).isEmpty();
    }

    @Test
    public void aHashIsStoredOnce() {
        ApiKey key = key(tenant, T0, Set.of("admin"));
        store.insert(key);
        ApiKey sameHash = new ApiKey(Ids.next("key", T0), tenant, "Copy", key.secretHash(), "zz99", Set.of(), T0,
                Optional.empty());

        assertThatThrownBy(() -> store.insert(sameHash)).isInstanceOf(IllegalStateException.class);
        assertThat(store.find(tenant, sameHash.id())).isEmpty();
    }

    @Test
    public void listShowsTheTenantsKeysNewestFirstRevokedIncluded() {
        ApiKey old = key(tenant, T0, Set.of("admin"));
        ApiKey middle = key(tenant, T0.plusSeconds(1), Set.of());
        ApiKey recent = key(tenant, T0.plusSeconds(2), Set.of("accounts:read"));
        store.insert(middle);
        store.insert(recent);
        store.insert(old);
        store.insert(key(StoreFixtures.tenant(), T0.plusSeconds(3), Set.of()));
        store.revoke(tenant, middle.id(), T0.plusSeconds(10), Set.of());

        assertThat(store.list(tenant)).extracting(ApiKey::id).containsExactly(recent.id(), middle.id(), old.id());
        assertThat(store.list(tenant).get(1).revokedAt()).contains(T0.plusSeconds(10));
    }

    @Test
    public void revokeWorksOnceAndOnlyInTheKeysTenant() {
        ApiKey key = key(tenant, T0, Set.of("admin"));
        store.insert(key);
        Instant at = T0.plusNanos(5);

        assertThat(store.revoke(StoreFixtures.tenant(), key.id(), at, Set.of())).isEqualTo(Revocation.NOT_ACTIVE);
        assertThat(store.findByHash(key.secretHash()).orElseThrow().active()).isTrue();
        assertThat(store.revoke(tenant, key.id(), at, Set.of())).isEqualTo(Revocation.REVOKED);
        assertThat(store.revoke(tenant, key.id(), at.plusSeconds(1), Set.of())).isEqualTo(Revocation.NOT_ACTIVE);
        assertThat(store.revoke(tenant, "key_unknown", at, Set.of())).isEqualTo(Revocation.NOT_ACTIVE);
        ApiKey revoked = store.findByHash(key.secretHash()).orElseThrow();
        assertThat(revoked.revokedAt()).contains(at);
        assertThat(revoked.active()).isFalse();
    }

    @Test
    public void insertUnlessActiveWithScopeIgnoresRevokedKeysAndOtherScopes() {
        ApiKey reader = key(tenant, T0, Set.of("accounts:read", "administrator"));
        store.insert(reader);
        ApiKey first = key(tenant, T0, Set.of("admin"));
        assertThat(store.insertUnlessActiveWithScope(first, "admin")).as("no admin key yet").isTrue();
        assertThat(store.find(tenant, first.id())).contains(first);

        String otherTenant = StoreFixtures.tenant();
        ApiKey second = key(otherTenant, T0, Set.of("admin"));
        assertThat(store.insertUnlessActiveWithScope(second, "admin")).as("an admin key of any tenant counts")
                .isFalse();
        assertThat(store.find(otherTenant, second.id())).isEmpty();

        store.revoke(tenant, first.id(), T0, Set.of());
        assertThat(store.insertUnlessActiveWithScope(second, "admin")).as("the only one is revoked").isTrue();
        assertThat(store.find(otherTenant, second.id())).contains(second);
    }

    @Test
    public void ofKeysInsertedUnlessActiveWithTheScopeAtTheSameMomentOneIsStored() throws Exception {
        int callers = 6;
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            for (int round = 0; round < 10; round++) {
                String roundTenant = StoreFixtures.tenant();
                CyclicBarrier start = new CyclicBarrier(callers);
                List<CompletableFuture<Boolean>> all = java.util.stream.IntStream.range(0, callers)
                        .mapToObj(i -> key(roundTenant, T0, Set.of("admin")))
                        .map(k -> CompletableFuture.supplyAsync(() -> {
                            await(start);
                            return store.insertUnlessActiveWithScope(k, "admin");
                        }, pool))
                        .toList();

                assertThat(all).extracting(CompletableFuture::join).as("round " + round)
                        .filteredOn(inserted -> inserted).hasSize(1);
                List<ApiKey> stored = store.list(roundTenant);
                assertThat(stored).as("round " + round).hasSize(1);
                store.revoke(roundTenant, stored.get(0).id(), T0, Set.of());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    public void theLastActiveKeyWithAKeptScopeStays() {
        ApiKey admin = key(tenant, T0, Set.of("admin"));
        ApiKey other = key(tenant, T0, Set.of("admin", "accounts:read"));
        ApiKey reader = key(tenant, T0, Set.of("accounts:read"));
        store.insert(admin);
        store.insert(other);
        store.insert(reader);

        assertThat(store.revoke(StoreFixtures.tenant(), admin.id(), T0, Set.of("admin")))
                .as("another tenant's id").isEqualTo(Revocation.NOT_ACTIVE);
        assertThat(store.revoke(tenant, admin.id(), T0, Set.of("admin"))).isEqualTo(Revocation.REVOKED);
        assertThat(store.revoke(tenant, other.id(), T0, Set.of("admin"))).isEqualTo(Revocation.LAST_WITH_SCOPE);
        assertThat(store.find(tenant, other.id()).orElseThrow().active()).isTrue();
        assertThat(store.revoke(tenant, reader.id(), T0, Set.of("admin"))).as("carries no kept scope")
                .isEqualTo(Revocation.REVOKED);
        assertThat(store.revoke(tenant, other.id(), T0, Set.of())).isEqualTo(Revocation.REVOKED);
    }

    @Test
    public void ofTwoKeysRevokedAtTheSameMomentTheLastOneStays() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 20; round++) {
                ApiKey first = key(tenant, T0, Set.of("admin"));
                ApiKey second = key(tenant, T0, Set.of("admin"));
                store.insert(first);
                store.insert(second);
                CyclicBarrier start = new CyclicBarrier(2);
                List<CompletableFuture<Revocation>> both = List.of(first, second).stream()
                        .map(k -> CompletableFuture.supplyAsync(() -> {
                            await(start);
                            return store.revoke(tenant, k.id(), T0, Set.of("admin"));
                        }, pool))
                        .toList();

                assertThat(both).extracting(CompletableFuture::join).as("round " + round)
                        .containsExactlyInAnyOrder(Revocation.REVOKED, Revocation.LAST_WITH_SCOPE);
                assertThat(store.list(tenant)).filteredOn(ApiKey::active).hasSize(1);
                ApiKey survivor = store.find(tenant, first.id()).orElseThrow().active() ? first : second;
                store.revoke(tenant, survivor.id(), T0, Set.of());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
