package io.patchbay.core.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patchbay.core.error.StaleVersionException;
import io.patchbay.core.secret.SecretCipher;
import io.patchbay.testkit.memory.InMemoryLinkedAccountStore;
import io.patchbay.testkit.memory.ManualAccountChanges;
import io.patchbay.testkit.memory.TestCipher;
import io.patchbay.testkit.store.CountingLinkedAccountStore;
import io.patchbay.testkit.store.ForwardingLinkedAccountStore;
import io.patchbay.testkit.store.StoreFixtures;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What the cache serves and when it must not: its own writes, changes announced by the feed, a feed that is down,
 * and reads that overlap a change.
 */
class CachingLinkedAccountStoreTest {
    private final SecretCipher cipher = new TestCipher();
    private final InMemoryLinkedAccountStore real = new InMemoryLinkedAccountStore();
    private final PausingStore pausing = new PausingStore(real);
    private final CountingLinkedAccountStore counting = new CountingLinkedAccountStore(pausing);
    private final ManualAccountChanges feed = new ManualAccountChanges();
    private final CachingLinkedAccountStore cache = new CachingLinkedAccountStore(counting, feed);
    private final String tenant = StoreFixtures.tenant();

    private LinkedAccount linked() {
        LinkedAccount account = StoreFixtures.account(tenant).build();
        cache.insert(account, StoreFixtures.seal(cipher, account, "token"));
        return account;
    }

    @Test
    void aFoundAccountIsServedFromMemoryWithoutReadingTheStoreAgain() {
        LinkedAccount account = linked();
        assertThat(cache.cached(tenant, account.id())).isEmpty();

        assertThat(cache.find(tenant, account.id())).contains(account);
        assertThat(cache.find(tenant, account.id())).contains(account);
        assertThat(cache.find(tenant, account.id())).contains(account);

        assertThat(counting.finds()).isEqualTo(1);
        assertThat(cache.cached(tenant, account.id())).contains(account);
        assertThat(cache.find(StoreFixtures.tenant(), account.id())).as("another tenant's key").isEmpty();
    }

    @Test
    void aClosedCacheLeavesTheChangeFeed() {
        CachingLinkedAccountStore second = new CachingLinkedAccountStore(counting, feed);
        assertThat(feed.subscribers()).isEqualTo(2);

        second.close();
        second.close();

        assertThat(feed.subscribers()).as("only the open cache is told of changes").isEqualTo(1);
        LinkedAccount account = linked();
        cache.find(tenant, account.id());
        feed.announce(tenant, account.id());
        assertThat(cache.cached(tenant, account.id())).as("the open one still is").isEmpty();
    }

    @Test
    void missesSecretsAndListsAlwaysGoToTheStore() {
        LinkedAccount account = linked();
        cache.find(tenant, account.id());

        assertThat(cache.find(tenant, "acc_missing")).isEmpty();
        assertThat(cache.find(tenant, "acc_missing")).isEmpty();
        assertThat(counting.finds()).isEqualTo(3);
        real.update(account.withLabel("Changed elsewhere", StoreFixtures.T0));
        assertThat(cache.list(AccountQuery.all(Viewer.tenantWide(tenant), 10)).items())
                .extracting(LinkedAccount::label).containsExactly("Changed elsewhere");
        assertThat(StoreFixtures.open(cipher, account, cache.sealedSecret(tenant, account.id()).orElseThrow()))
                .isEqualTo("token");
    }

    @Test
    void writesThroughTheCacheAreSeenAtOnce() {
        LinkedAccount account = linked();
        cache.find(tenant, account.id());

        LinkedAccount renamed = cache.update(account.withLabel("Renamed", StoreFixtures.T0));
        assertThat(cache.cached(tenant, account.id())).isEmpty();
        assertThat(cache.find(tenant, account.id())).contains(renamed);

        LinkedAccount shared = cache.update(renamed.withVisibility(Visibility.TENANT, StoreFixtures.T0),
                StoreFixtures.seal(cipher, account, "rotated"));
        assertThat(cache.find(tenant, account.id())).contains(shared);

        assertThat(cache.delete(tenant, account.id())).isTrue();
        assertThat(cache.cached(tenant, account.id())).isEmpty();
        assertThat(cache.find(tenant, account.id())).isEmpty();
    }

    @Test
    void aRefusedWriteDropsTheKeptCopyToo() {
        LinkedAccount account = linked();
        cache.find(tenant, account.id());
        LinkedAccount elsewhere = real.update(account.withLabel("Changed elsewhere", StoreFixtures.T0));

        assertThatThrownBy(() -> cache.update(account.withLabel("Mine", StoreFixtures.T0)))
                .isInstanceOf(StaleVersionException.class);

        assertThat(cache.find(tenant, account.id())).contains(elsewhere);
    }

    @Test
    void anAnnouncedChangeDropsTheAccount() {
        LinkedAccount account = linked();
        cache.find(tenant, account.id());
        LinkedAccount elsewhere = real.update(account.withVisibility(Visibility.TENANT, StoreFixtures.T0));
        assertThat(cache.find(tenant, account.id())).as("not announced yet").contains(account);

        feed.announce(tenant, account.id());

        assertThat(cache.cached(tenant, account.id())).isEmpty();
        assertThat(cache.find(tenant, account.id())).contains(elsewhere);
        real.delete(tenant, account.id());
        feed.announce(tenant, account.id());
        assertThat(cache.find(tenant, account.id())).isEmpty();
    }

    @Test
    void whileTheFeedIsDownEveryReadGoesToTheStoreAndNothingIsKept() {
        LinkedAccount account = linked();
        cache.find(tenant, account.id());

        feed.goDown();
        assertThat(cache.cached(tenant, account.id())).isEmpty();
        LinkedAccount unannounced = real.update(account.withLabel("Changed while down", StoreFixtures.T0));
        int before = counting.finds();
        assertThat(cache.find(tenant, account.id())).contains(unannounced);
        assertThat(cache.find(tenant, account.id())).contains(unannounced);
        assertThat(counting.finds()).isEqualTo(before + 2);
        assertThat(cache.cached(tenant, account.id())).isEmpty();

        feed.comeBack();
        assertThat(cache.cached(tenant, account.id())).isEmpty();
        assertThat(cache.find(tenant, account.id())).contains(unannounced);
        assertThat(cache.find(tenant, account.id())).contains(unannounced);
        assertThat(counting.finds()).isEqualTo(before + 3);
    }

    @Test
    void whatWasKeptBeforeTheFeedWentDownIsDroppedWhenItComesBack() {
        LinkedAccount account = linked();
        cache.find(tenant, account.id());
        feed.goDown();
        LinkedAccount missed = real.update(account.withLabel("Missed", StoreFixtures.T0));

        feed.comeBack();

        assertThat(cache.find(tenant, account.id())).contains(missed);
    }

    // A read that finds the old account, then a change and its drop, then the read storing what it found: the
    // classic way a cache keeps a stale entry for ever. Each test holds the read between the store and the cache.

    @Test
    void aReadOverlappingAWriteThroughTheCacheDoesNotKeepTheOldAccount() throws Exception {
        LinkedAccount account = linked();
        CompletableFuture<Optional<LinkedAccount>> read = pausing.readPausedAfterTheStore(
                () -> cache.find(tenant, account.id()));

        LinkedAccount renamed = cache.update(account.withLabel("Renamed", StoreFixtures.T0));
        assertThat(pausing.resume(read)).as("the read saw the store before the write").contains(account);

        assertThat(cache.cached(tenant, account.id())).isEmpty();
        assertThat(cache.find(tenant, account.id())).contains(renamed);
    }

    @Test
    void aReadOverlappingAnAnnouncedChangeDoesNotKeepTheOldAccount() throws Exception {
        LinkedAccount account = linked();
        CompletableFuture<Optional<LinkedAccount>> read = pausing.readPausedAfterTheStore(
                () -> cache.find(tenant, account.id()));

        real.delete(tenant, account.id());
        feed.announce(tenant, account.id());
        assertThat(pausing.resume(read)).contains(account);

        assertThat(cache.cached(tenant, account.id())).isEmpty();
        assertThat(cache.find(tenant, account.id())).isEmpty();
    }

    @Test
    void aReadOverlappingAnOutageOfTheFeedDoesNotKeepTheOldAccount() throws Exception {
        LinkedAccount account = linked();
        CompletableFuture<Optional<LinkedAccount>> read = pausing.readPausedAfterTheStore(
                () -> cache.find(tenant, account.id()));

        feed.goDown();
        LinkedAccount missed = real.update(account.withLabel("Missed", StoreFixtures.T0));
        feed.comeBack();
        assertThat(pausing.resume(read)).contains(account);

        assertThat(cache.cached(tenant, account.id())).isEmpty();
        assertThat(cache.find(tenant, account.id())).contains(missed);
    }

    @Test
    void theVaultAnswersFromMemoryOnlyForAccountsTheViewerMaySee() {
        AccountVault vault = new AccountVault(cache, cipher);
        LinkedAccount account = StoreFixtures.account(tenant).owner("alice").team("red").build();
        cache.insert(account, StoreFixtures.seal(cipher, account, "token"));
        Viewer alice = Viewer.endUser(tenant, "alice", "red");
        assertThat(vault.cachedVisible(alice, account.id())).as("not read yet").isEmpty();

        vault.visible(alice, account.id());

        assertThat(vault.cachedVisible(alice, account.id())).contains(account);
        assertThat(vault.cachedVisible(Viewer.tenantWide(tenant), account.id())).contains(account);
        assertThat(vault.cachedVisible(Viewer.endUser(tenant, "bob", "red"), account.id())).isEmpty();
        assertThat(vault.cachedVisible(Viewer.tenantWide(StoreFixtures.tenant()), account.id())).isEmpty();
        int reads = counting.finds();
        feed.goDown();
        assertThat(vault.cachedVisible(alice, account.id())).isEmpty();
        assertThat(counting.finds()).as("a peek never reads the store").isEqualTo(reads);
        assertThat(new AccountVault(real, cipher).cachedVisible(alice, account.id())).as("no cache").isEmpty();
    }

    /** Holds one find after the real store answered and before the answer returns to the cache. */
    private static final class PausingStore extends ForwardingLinkedAccountStore {
        private volatile CountDownLatch reached;
        private volatile CountDownLatch release;

        PausingStore(LinkedAccountStore store) {
            super(store);
        }

        CompletableFuture<Optional<LinkedAccount>> readPausedAfterTheStore(
                java.util.function.Supplier<Optional<LinkedAccount>> find) throws InterruptedException {
            CountDownLatch storeAnswered = new CountDownLatch(1);
            release = new CountDownLatch(1);
            reached = storeAnswered;
            CompletableFuture<Optional<LinkedAccount>> read = CompletableFuture.supplyAsync(find);
            assertThat(storeAnswered.await(10, TimeUnit.SECONDS)).as("the read reached the store").isTrue();
            return read;
        }

        Optional<LinkedAccount> resume(CompletableFuture<Optional<LinkedAccount>> read) throws Exception {
            release.countDown();
            return read.get(10, TimeUnit.SECONDS);
        }

        @Override
        public Optional<LinkedAccount> find(String tenantId, String accountId) {
            Optional<LinkedAccount> found = super.find(tenantId, accountId);
            CountDownLatch pause = reached;
            if (pause != null) {
                reached = null;
                pause.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return found;
        }
    }
}
