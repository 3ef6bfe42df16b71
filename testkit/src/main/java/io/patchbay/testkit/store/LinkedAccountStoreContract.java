package io.patchbay.testkit.store;

import static io.patchbay.testkit.store.StoreFixtures.account;
import static io.patchbay.testkit.store.StoreFixtures.race;
import static io.patchbay.testkit.store.StoreFixtures.seal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patchbay.core.account.AccountQuery;
import io.patchbay.core.account.AccountStatus;
import io.patchbay.core.account.LinkedAccount;
import io.patchbay.core.account.LinkedAccountStore;
import io.patchbay.core.account.Page;
import io.patchbay.core.account.Viewer;
import io.patchbay.core.account.Visibility;
import io.patchbay.core.error.DuplicateAccountException;
import io.patchbay.core.error.NotFoundException;
import io.patchbay.core.error.StaleVersionException;
import io.patchbay.core.secret.SecretCipher;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link LinkedAccountStore} must do. Subclass it with a way to make an empty store and the cipher whose
 * ciphertexts the store accepts. Filters and visibility are checked against {@link AccountQuery#matches}, the
 * reference rule.
 */
public abstract class LinkedAccountStoreContract {

    /** An empty store; called before each test. */
    protected abstract LinkedAccountStore newStore();

    /** Seals secrets the way the store's application does. */
    protected abstract SecretCipher cipher();

    protected LinkedAccountStore store;
    protected String tenant;

    @BeforeEach
    public void freshStore() {
        store = newStore();
        tenant = StoreFixtures.tenant();
    }

    private LinkedAccount insert(StoreFixtures.Account builder) {
        LinkedAccount account = builder.build();
        store.insert(account, seal(cipher(), account, "token-of-" + account.id()));
        return account;
    }

    @Test
    public void insertedAccountIsFoundWithEveryField() {
        LinkedAccount full = insert(account(tenant).everyField().visibility(Visibility.TEAM)
                .status(AccountStatus.UNVERIFIED));
        LinkedAccount bare = insert(account(tenant));

        assertThat(store.find(tenant, full.id())).contains(full);
        assertThat(store.find(tenant, bare.id())).contains(bare);
        assertThat(store.find(tenant, "acc_missing")).isEmpty();
    }

    @Test
    public void sealedSecretIsKeptAsGivenAndOpensForItsAccountOnly() {
        LinkedAccount a = account(tenant).build();
        byte[] sealed = seal(cipher(), a, "secret-token-1234");
        store.insert(a, sealed);

        byte[] stored = store.sealedSecret(tenant, a.id()).orElseThrow();
        assertThat(stored).isEqualTo(sealed);
        assertThat(StoreFixtures.open(cipher(), a, stored)).isEqualTo("secret-token-1234");
        assertThat(store.sealedSecret(tenant, "acc_missing")).isEmpty();
    }

    @Test
    public void anotherTenantCannotReadChangeOrDeleteTheAccount() {
        LinkedAccount a = insert(account(tenant).visibility(Visibility.TENANT));
        String other = StoreFixtures.tenant();

        assertThat(store.find(other, a.id())).isEmpty();
        assertThat(store.sealedSecret(other, a.id())).isEmpty();
        assertThat(store.list(AccountQuery.all(Viewer.tenantWide(other), 50)).items()).isEmpty();
        assertThat(store.list(AccountQuery.all(Viewer.endUser(other, a.ownerId(), null), 50)).items()).isEmpty();
        LinkedAccount hijacked = new LinkedAccount(a.id(), other, a.connectorId(), a.authMethod(), "mine", a.ownerId(),
                a.teamId(), a.visibility(), a.providerUserId(), a.providerEmail(), a.providerDisplayName(),
                a.providerAccountId(), a.workspaceId(), a.workspaceName(), a.workspaceRole(), a.status(),
                a.statusReason(), a.secretHint(), a.createdAt(), a.updatedAt(), a.lastVerifiedAt(), a.version());
        assertThatThrownBy(() -> store.update(hijacked)).isInstanceOf(NotFoundException.class);
        assertThat(store.delete(other, a.id())).isFalse();
        assertThat(store.find(tenant, a.id())).contains(a);
    }

    @Test
    public void linkingTheSameIdentityAgainNamesTheExistingAccount() {
        LinkedAccount first = insert(account(tenant).providerUser("u-1").workspace("ws-1"));
        LinkedAccount again = account(tenant).providerUser("u-1").workspace("ws-1").owner("someone-else").build();

        assertThatThrownBy(() -> store.insert(again, seal(cipher(), again, "t")))
                .isInstanceOfSatisfying(DuplicateAccountException.class,
                        e -> assertThat(e.existingAccountId()).isEqualTo(first.id()));
        assertThat(store.find(tenant, again.id())).isEmpty();
    }

    @Test
    public void anIdentityWithoutWorkspaceIsUniqueToo() {
        LinkedAccount first = insert(account(tenant).providerUser("u-1"));
        LinkedAccount again = account(tenant).providerUser("u-1").build();

        assertThatThrownBy(() -> store.insert(again, seal(cipher(), again, "t")))
                .isInstanceOfSatisfying(DuplicateAccountException.class,
                        e -> assertThat(e.existingAccountId()).isEqualTo(first.id()));
    }

    @Test
    public void identitiesDifferByConnectorWorkspaceAndTenant() {
        insert(account(tenant).providerUser("u-1").workspace("ws-1"));
        LinkedAccount otherWorkspace = insert(account(tenant).providerUser("u-1").workspace("ws-2"));
        LinkedAccount noWorkspace = insert(account(tenant).providerUser("u-1"));
        LinkedAccount otherConnector = insert(account(tenant).providerUser("u-1").workspace("ws-1").connector("oneflow"));
        String otherTenant = StoreFixtures.tenant();
        LinkedAccount sameInOtherTenant = insert(account(otherTenant).providerUser("u-1").workspace("ws-1"));

        assertThat(store.find(tenant, otherWorkspace.id())).isPresent();
        assertThat(store.find(tenant, noWorkspace.id())).isPresent();
        assertThat(store.find(tenant, otherConnector.id())).isPresent();
        assertThat(store.find(otherTenant, sameInOtherTenant.id())).isPresent();
        assertThat(store.list(AccountQuery.all(Viewer.tenantWide(tenant), 50)).items()).hasSize(4);
    }

    @Test
    public void concurrentLinksOfOneIdentityStoreExactlyOneAccount() throws InterruptedException {
        int threads = 8;
        List<Object> outcomes = race(threads, () -> {
            LinkedAccount attempt = account(tenant).providerUser("u-race").workspace("ws-1").build();
            store.insert(attempt, seal(cipher(), attempt, "t"));
            return attempt.id();
        });

        List<String> winners = outcomes.stream().filter(String.class::isInstance).map(String.class::cast).toList();
        assertThat(winners).hasSize(1);
        assertThat(outcomes).filteredOn(o -> !(o instanceof String))
                .hasSize(threads - 1)
                .allSatisfy(o -> assertThat(o).isInstanceOfSatisfying(DuplicateAccountException.class,
                        e -> assertThat(e.existingAccountId()).isEqualTo(winners.get(0))));
        assertThat(store.list(AccountQuery.all(Viewer.tenantWide(tenant), 50)).items())
                .extracting(LinkedAccount::id).containsExactly(winners.get(0));
    }

    @Test
    public void updateStoresTheFieldsAndIncrementsTheVersion() {
        LinkedAccount a = insert(account(tenant));
        LinkedAccount renamed = a.withLabel("Renamed", StoreFixtures.T0.plusSeconds(5));

        LinkedAccount stored = store.update(renamed);

        assertThat(stored.version()).isEqualTo(1);
        assertThat(stored.label()).isEqualTo("Renamed");
        assertThat(store.find(tenant, a.id())).contains(stored);
        LinkedAccount shared = store.update(stored.withVisibility(Visibility.TENANT, StoreFixtures.T0.plusSeconds(6)));
        assertThat(shared.version()).isEqualTo(2);
        assertThat(store.find(tenant, a.id())).contains(shared);
    }

    @Test
    public void updateWithSecretReplacesTheSecretInTheSameChange() {
        LinkedAccount a = insert(account(tenant));
        byte[] newSecret = seal(cipher(), a, "rotated-token");

        LinkedAccount stored = store.update(a.withRotatedCredentials("api_token", "oken", Optional.empty(), "New Name",
                Optional.empty(), StoreFixtures.T0.plusSeconds(9)), newSecret);

        assertThat(stored.version()).isEqualTo(1);
        assertThat(store.find(tenant, a.id())).contains(stored);
        assertThat(StoreFixtures.open(cipher(), a, store.sealedSecret(tenant, a.id()).orElseThrow()))
                .isEqualTo("rotated-token");
    }

    @Test
    public void anUpdateFromAnOldVersionIsRefusedAndChangesNothing() {
        LinkedAccount a = insert(account(tenant));
        LinkedAccount first = store.update(a.withLabel("First", StoreFixtures.T0));

        assertThatThrownBy(() -> store.update(a.withLabel("Lost", StoreFixtures.T0)))
                .isInstanceOf(StaleVersionException.class);
        assertThatThrownBy(() -> store.update(a.withLabel("Lost", StoreFixtures.T0), seal(cipher(), a, "lost")))
                .isInstanceOf(StaleVersionException.class);
        assertThat(store.find(tenant, a.id())).contains(first);
        assertThat(StoreFixtures.open(cipher(), a, store.sealedSecret(tenant, a.id()).orElseThrow()))
                .isEqualTo("token-of-" + a.id());
    }

    @Test
    public void concurrentUpdatesOfOneVersionLetExactlyOneWin() throws InterruptedException {
        LinkedAccount a = insert(account(tenant));
        AtomicInteger n = new AtomicInteger();

        List<Object> outcomes = race(6, () -> store.update(a.withLabel("Label " + n.incrementAndGet(), StoreFixtures.T0)));

        List<LinkedAccount> winners = outcomes.stream().filter(LinkedAccount.class::isInstance)
                .map(LinkedAccount.class::cast).toList();
        assertThat(winners).hasSize(1);
        assertThat(outcomes).filteredOn(o -> !(o instanceof LinkedAccount)).hasSize(5)
                .allSatisfy(o -> assertThat(o).isInstanceOf(StaleVersionException.class));
        assertThat(store.find(tenant, a.id())).contains(winners.get(0));
    }

    @Test
    public void updatingADeletedAccountIsNotFound() {
        LinkedAccount a = insert(account(tenant));
        assertThat(store.delete(tenant, a.id())).isTrue();

        assertThatThrownBy(() -> store.update(a.withLabel("x", StoreFixtures.T0))).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> store.update(a, seal(cipher(), a, "x"))).isInstanceOf(NotFoundException.class);
    }

    @Test
    public void aVersionedDeleteRemovesOnlyTheVersionItNames() {
        LinkedAccount a = insert(account(tenant));
        LinkedAccount renamed = store.update(a.withLabel("renamed", StoreFixtures.T0));

        // The version the caller saw is gone: nothing is deleted.
        assertThatThrownBy(() -> store.delete(tenant, a.id(), a.version()))
                .isInstanceOf(StaleVersionException.class);
        assertThat(store.find(tenant, a.id())).contains(renamed);
        assertThat(store.sealedSecret(tenant, a.id())).isPresent();
        // Another tenant's id, or one deleted already, is nothing to delete, whatever the version.
        assertThat(store.delete(StoreFixtures.tenant(), a.id(), renamed.version())).isFalse();
        assertThat(store.find(tenant, a.id())).contains(renamed);

        assertThat(store.delete(tenant, a.id(), renamed.version())).isTrue();
        assertThat(store.find(tenant, a.id())).isEmpty();
        assertThat(store.sealedSecret(tenant, a.id())).isEmpty();
        assertThat(store.delete(tenant, a.id(), renamed.version())).isFalse();
    }

    @Test
    public void aVersionedDeleteAndAConcurrentUpdateDoNotBothWin() throws Exception {
        for (int round = 0; round < 20; round++) {
            LinkedAccount a = insert(account(tenant));
            AtomicInteger turn = new AtomicInteger();
            Object[] deleted = new Object[1];
            Object[] updated = new Object[1];
            race(2, () -> {
                boolean deleting = turn.getAndIncrement() == 0;
                try {
                    Object outcome = deleting ? store.delete(tenant, a.id(), a.version())
                            : store.update(a.withLabel("changed", StoreFixtures.T0));
                    (deleting ? deleted : updated)[0] = outcome;
                } catch (RuntimeException e) {
                    (deleting ? deleted : updated)[0] = e;
                }
                return null;
            });
            Optional<LinkedAccount> left = store.find(tenant, a.id());
            if (left.isEmpty()) {
                // The delete won: the update found the account gone, it stored nothing.
                assertThat(deleted[0]).isEqualTo(true);
                assertThat(updated[0]).isInstanceOf(NotFoundException.class);
            } else {
                // The update won: the delete named a version that no longer exists and deleted nothing.
                assertThat(left.get().label()).isEqualTo("changed");
                assertThat(deleted[0]).isInstanceOf(StaleVersionException.class);
            }
        }
    }

    @Test
    public void deleteRemovesTheAccountAndItsSecret() {
        LinkedAccount a = insert(account(tenant));
        LinkedAccount kept = insert(account(tenant));

        assertThat(store.delete(tenant, a.id())).isTrue();

        assertThat(store.find(tenant, a.id())).isEmpty();
        assertThat(store.sealedSecret(tenant, a.id())).isEmpty();
        assertThat(store.delete(tenant, a.id())).isFalse();
        assertThat(store.find(tenant, kept.id())).contains(kept);
        // The identity is free again.
        LinkedAccount relinked = account(tenant).providerUser(a.providerUserId()).build();
        store.insert(relinked, seal(cipher(), relinked, "t"));
        assertThat(store.find(tenant, relinked.id())).contains(relinked);
    }

    @Test
    public void endUsersSeeTheirOwnTheirTeamsAndTheTenantsAccounts() {
        LinkedAccount alicePrivate = insert(account(tenant).owner("alice").team("red"));
        LinkedAccount aliceTeam = insert(account(tenant).owner("alice").team("red").visibility(Visibility.TEAM));
        LinkedAccount bobPrivate = insert(account(tenant).owner("bob").team("red"));
        LinkedAccount bobTeam = insert(account(tenant).owner("bob").team("red").visibility(Visibility.TEAM));
        LinkedAccount carolTeam = insert(account(tenant).owner("carol").team("blue").visibility(Visibility.TEAM));
        LinkedAccount carolTenant = insert(account(tenant).owner("carol").team("blue").visibility(Visibility.TENANT));
        insert(account(StoreFixtures.tenant()).owner("alice").team("red").visibility(Visibility.TENANT));

        assertThat(ids(Viewer.endUser(tenant, "alice", "red"))).containsExactlyElementsOf(
                sortedIds(alicePrivate, aliceTeam, bobTeam, carolTenant));
        assertThat(ids(Viewer.endUser(tenant, "bob", "red"))).containsExactlyElementsOf(
                sortedIds(aliceTeam, bobPrivate, bobTeam, carolTenant));
        assertThat(ids(Viewer.endUser(tenant, "carol", "blue"))).containsExactlyElementsOf(
                sortedIds(carolTeam, carolTenant));
        assertThat(ids(Viewer.endUser(tenant, "dave", null))).containsExactlyElementsOf(sortedIds(carolTenant));
        assertThat(ids(Viewer.endUser(tenant, "erin", "red"))).containsExactlyElementsOf(
                sortedIds(aliceTeam, bobTeam, carolTenant));
        assertThat(ids(Viewer.tenantWide(tenant))).containsExactlyElementsOf(
                sortedIds(alicePrivate, aliceTeam, bobPrivate, bobTeam, carolTeam, carolTenant));
    }

    @Test
    public void everyFilterAndViewerSelectsWhatTheReferenceRuleSelects() {
        List<LinkedAccount> all = seedMixedAccounts(60, new Random(7));
        List<Viewer> viewers = List.of(Viewer.tenantWide(tenant), Viewer.endUser(tenant, "o1", "t1"),
                Viewer.endUser(tenant, "o2", "t2"), Viewer.endUser(tenant, "o3", null),
                Viewer.endUser(tenant, "nobody", "t1"), Viewer.tenantWide(StoreFixtures.tenant()));
        for (Viewer viewer : viewers) {
            for (AccountQuery query : queries(viewer)) {
                List<String> expected = all.stream().filter(query::matches).map(LinkedAccount::id).sorted().toList();
                assertThat(listAll(query)).as("%s", query).containsExactlyElementsOf(expected);
            }
        }
        // The data set exercises each filter: some but not all accounts match.
        assertThat(all).anyMatch(a -> a.status() == AccountStatus.INVALID_CREDENTIALS)
                .anyMatch(a -> a.connectorId().equals("oneflow"))
                .anyMatch(a -> a.visibility() == Visibility.TEAM);
    }

    @Test
    public void pagesFollowEachOtherWithoutGapsOrRepeats() {
        List<LinkedAccount> all = seedMixedAccounts(23, new Random(11));
        for (Viewer viewer : List.of(Viewer.tenantWide(tenant), Viewer.endUser(tenant, "o1", "t1"))) {
            for (int limit : List.of(1, 4, 5, 23, 200)) {
                AccountQuery query = AccountQuery.all(viewer, limit);
                List<String> expected = all.stream().filter(query::matches).map(LinkedAccount::id).sorted().toList();
                List<String> seen = new ArrayList<>();
                Page<LinkedAccount> page = store.list(query);
                int pages = 1;
                while (true) {
                    assertThat(page.items()).hasSizeLessThanOrEqualTo(limit);
                    page.items().forEach(a -> seen.add(a.id()));
                    if (page.nextCursor().isEmpty()) {
                        break;
                    }
                    assertThat(page.items()).hasSize(limit);
                    assertThat(page.nextCursor()).contains(page.items().get(limit - 1).id());
                    page = store.list(query.after(page.nextCursor().get()));
                    pages++;
                }
                assertThat(seen).as("viewer %s, limit %d", viewer, limit).containsExactlyElementsOf(expected);
                assertThat(pages).isEqualTo(Math.max(1, (expected.size() + limit - 1) / limit));
            }
        }
    }

    @Test
    public void aFilteredPageAfterTheLastMatchIsEmpty() {
        LinkedAccount only = insert(account(tenant).connector("oneflow"));
        insert(account(tenant));
        AccountQuery oneflow = new AccountQuery(Viewer.tenantWide(tenant), Optional.of("oneflow"), Optional.empty(),
                Optional.empty(), Optional.empty(), 1, Optional.empty());

        Page<LinkedAccount> first = store.list(oneflow);

        assertThat(first.items()).containsExactly(only);
        assertThat(first.nextCursor()).isEmpty();
        assertThat(store.list(oneflow.after(only.id())).items()).isEmpty();
    }

    /** Accounts over three owners, two teams, both connectors, all visibilities and statuses, two labels. */
    private List<LinkedAccount> seedMixedAccounts(int count, Random random) {
        List<LinkedAccount> all = new ArrayList<>();
        String[] owners = {"o1", "o2", "o3"};
        String[] teams = {"t1", "t2", null};
        for (int i = 0; i < count; i++) {
            int o = random.nextInt(owners.length);
            Visibility visibility = Visibility.values()[random.nextInt(3)];
            String team = teams[o];
            if (visibility == Visibility.TEAM && team == null) {
                visibility = Visibility.TENANT;
            }
            all.add(insert(account(tenant)
                    .owner(owners[o])
                    .team(team)
                    .visibility(visibility)
                    .connector(random.nextBoolean() ? "toggl" : "oneflow")
                    .status(AccountStatus.values()[random.nextInt(AccountStatus.values().length)])
                    .label(random.nextInt(3) == 0 ? "Shared label" : "Label " + i)));
        }
        return all;
    }

    private static List<AccountQuery> queries(Viewer viewer) {
        List<AccountQuery> queries = new ArrayList<>();
        queries.add(AccountQuery.all(viewer, 200));
        for (String connector : List.of("toggl", "oneflow", "none")) {
            queries.add(new AccountQuery(viewer, Optional.of(connector), Optional.empty(), Optional.empty(),
                    Optional.empty(), 200, Optional.empty()));
        }
        for (String owner : List.of("o1", "o2", "o3")) {
            queries.add(new AccountQuery(viewer, Optional.empty(), Optional.of(owner), Optional.empty(),
                    Optional.empty(), 200, Optional.empty()));
        }
        for (AccountStatus status : AccountStatus.values()) {
            queries.add(new AccountQuery(viewer, Optional.empty(), Optional.empty(), Optional.of(status),
                    Optional.empty(), 200, Optional.empty()));
        }
        queries.add(new AccountQuery(viewer, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of("Shared label"), 200, Optional.empty()));
        queries.add(new AccountQuery(viewer, Optional.of("oneflow"), Optional.of("o2"), Optional.of(AccountStatus.ACTIVE),
                Optional.empty(), 200, Optional.empty()));
        queries.add(new AccountQuery(viewer, Optional.of("toggl"), Optional.empty(), Optional.empty(),
                Optional.of("Shared label"), 7, Optional.empty()));
        return queries;
    }

    private List<String> listAll(AccountQuery query) {
        List<String> ids = new ArrayList<>();
        Set<String> unique = new HashSet<>();
        Page<LinkedAccount> page = store.list(query);
        while (true) {
            for (LinkedAccount a : page.items()) {
                assertThat(query.matches(a)).as("%s returned by %s", a.id(), query).isTrue();
                assertThat(unique.add(a.id())).as("%s returned twice", a.id()).isTrue();
                ids.add(a.id());
            }
            if (page.nextCursor().isEmpty()) {
                return ids;
            }
            page = store.list(query.after(page.nextCursor().get()));
        }
    }

    private List<String> ids(Viewer viewer) {
        return listAll(AccountQuery.all(viewer, 200));
    }

    private static List<String> sortedIds(LinkedAccount... accounts) {
        return java.util.Arrays.stream(accounts).map(LinkedAccount::id).sorted(Comparator.naturalOrder()).toList();
    }
}
