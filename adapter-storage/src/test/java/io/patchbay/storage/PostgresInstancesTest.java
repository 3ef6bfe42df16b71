package io.patchbay.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.core.account.AccountQuery;
import io.patchbay.core.account.LinkedAccount;
import io.patchbay.core.account.Viewer;
import io.patchbay.core.error.DuplicateAccountException;
import io.patchbay.testkit.store.StoreFixtures;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several server instances on one PostgreSQL database, as in a scaled-out deployment. */
class PostgresInstancesTest {
    @TempDir
    Path dir;

    @Test
    void instancesStartingTogetherMigrateOnceAndLinkAnIdentityOnce() throws Exception {
        StorageConfig config = TestStorage.postgres(dir);
        // A fresh database and no keyset yet: each instance migrates and may generate the keyset file.
        List<Object> opened = StoreFixtures.race(3, () -> PatchbayStorage.open(config));
        assertThat(opened).allMatch(PatchbayStorage.class::isInstance);
        PatchbayStorage a = (PatchbayStorage) opened.get(0);
        PatchbayStorage b = (PatchbayStorage) opened.get(1);
        PatchbayStorage c = (PatchbayStorage) opened.get(2);
        try {
            String tenant = StoreFixtures.tenant();
            List<PatchbayStorage> instances = List.of(a, b, c);
            AtomicInteger turn = new AtomicInteger();
            List<Object> outcomes = StoreFixtures.race(6, () -> {
                PatchbayStorage instance = instances.get(turn.getAndIncrement() % instances.size());
                return Secrets.link(instance, StoreFixtures.account(tenant).providerUser("u-1").workspace("w"),
                        Secrets.newToken()).id();
            });

            List<String> winners = outcomes.stream().filter(String.class::isInstance).map(String.class::cast).toList();
            assertThat(winners).hasSize(1);
            assertThat(outcomes).filteredOn(DuplicateAccountException.class::isInstance).hasSize(5)
                    .allSatisfy(o -> assertThat(((DuplicateAccountException) o).existingAccountId())
                            .isEqualTo(winners.get(0)));
            for (PatchbayStorage instance : instances) {
                assertThat(instance.accounts().list(AccountQuery.all(Viewer.tenantWide(tenant), 10)).items())
                        .extracting(LinkedAccount::id).containsExactly(winners.get(0));
                assertThat(instance.ready()).isTrue();
            }
            List<String> migrations = a.database().read(h -> h.createQuery("SELECT version FROM "
                    + "flyway_schema_history WHERE version IS NOT NULL ORDER BY installed_rank").mapTo(String.class).list());
            assertThat(migrations).containsExactly("1", "2", "3", "4", "5");
            assertThat(List.of(b, c)).allSatisfy(other -> assertThat(other.keyRotation().status().keys())
                    .isEqualTo(a.keyRotation().status().keys()));
        } finally {
            a.close();
            b.close();
            c.close();
        }
        assertThat(a.ready()).isFalse();
    }
}
