package io.patchbay.testkit.store;

import static io.patchbay.testkit.store.StoreFixtures.T0;
import static io.patchbay.testkit.store.StoreFixtures.race;
import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.core.Ids;
import io.patchbay.core.access.ConnectSession;
import io.patchbay.core.access.ConnectSessionStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link ConnectSessionStore} must do. */
public abstract class ConnectSessionStoreContract {

    /** An empty store; called before each test. */
    protected abstract ConnectSessionStore newStore();

    protected ConnectSessionStore store;
    protected String tenant;

    @BeforeEach
    public void freshStore() {
        store = newStore();
        tenant = StoreFixtures.tenant();
    }

    private ConnectSession session(Instant expiresAt) {
        return new ConnectSession(Ids.next("cs", Instant.now()), tenant, hash(), "user-1", Optional.empty(),
                Set.of("toggl"), Optional.empty(), Optional.empty(), expiresAt.minus(Duration.ofMinutes(30)), expiresAt,
                Optional.empty(), Optional.empty());
    }

    private static String hash() {
        return (UUID.randomUUID().toString() + UUID.randomUUID()).replace("-", "");
    }

    @Test
    public void insertedSessionIsFoundByTokenHashWithEveryField() {
        ConnectSession full = new ConnectSession(Ids.next("cs", Instant.now()), tenant, hash(), "user-1",
                Optional.of("team-red"), Set.of("toggl", "oneflow"), Optional.of("Zoë's Toggl"),
                Optional.of("acc_123"), T0, T0.plus(Duration.ofMinutes(30)), Optional.empty(), Optional.of("key_7"));
        ConnectSession bare = session(T0.plusSeconds(60));
        store.insert(full);
        store.insert(bare);

        assertThat(store.findByTokenHash(full.tokenHash())).contains(full);
        assertThat(store.findByTokenHash(bare.tokenHash())).contains(bare);
        assertThat(store.findByTokenHash(hash())).isEmpty();
    }

    @Test
    public void markUsedConsumesASessionOnce() {
        ConnectSession s = session(T0.plusSeconds(600));
        store.insert(s);
        Instant at = T0.plusNanos(42);

        assertThat(store.markUsed(s.id(), at)).isTrue();
        assertThat(store.markUsed(s.id(), at.plusSeconds(1))).isFalse();
        assertThat(store.findByTokenHash(s.tokenHash()).orElseThrow().usedAt()).contains(at);
        assertThat(store.markUsed("cs_unknown", at)).isFalse();
    }

    @Test
    public void markUnusedGivesBackOnlyTheUseItNames() {
        ConnectSession s = session(T0.plusSeconds(600));
        store.insert(s);
        Instant at = T0.plusNanos(42);
        assertThat(store.markUnused(s.id(), at)).as("not used yet").isFalse();
        assertThat(store.markUsed(s.id(), at)).isTrue();

        assertThat(store.markUnused(s.id(), at.plusNanos(1))).as("another use").isFalse();
        assertThat(store.markUnused(s.id(), at)).isTrue();
        assertThat(store.findByTokenHash(s.tokenHash()).orElseThrow().usedAt()).isEmpty();
        assertThat(store.markUsed(s.id(), at.plusSeconds(1))).as("usable again").isTrue();
        assertThat(store.markUnused("cs_unknown", at)).isFalse();
    }

    @Test
    public void concurrentMarkUsedLetsExactlyOneCallerWin() throws InterruptedException {
        ConnectSession s = session(T0.plusSeconds(600));
        store.insert(s);

        List<Object> outcomes = race(8, () -> store.markUsed(s.id(), Instant.now()));

        assertThat(outcomes).filteredOn(Boolean.TRUE::equals).hasSize(1);
        assertThat(outcomes).filteredOn(Boolean.FALSE::equals).hasSize(7);
    }

    @Test
    public void deleteExpiredRemovesOnlySessionsThatExpiredBefore() {
        Instant cut = T0;
        ConnectSession longGone = session(cut.minusSeconds(3600));
        ConnectSession justGone = session(cut.minusNanos(1));
        ConnectSession expiresAtCut = session(cut);
        ConnectSession alive = session(cut.plusSeconds(60));
        List.of(longGone, justGone, expiresAtCut, alive).forEach(store::insert);

        assertThat(store.deleteExpired(cut)).isEqualTo(2);

        assertThat(store.findByTokenHash(longGone.tokenHash())).isEmpty();
        assertThat(store.findByTokenHash(justGone.tokenHash())).isEmpty();
        assertThat(store.findByTokenHash(expiresAtCut.tokenHash())).contains(expiresAtCut);
        assertThat(store.findByTokenHash(alive.tokenHash())).contains(alive);
        assertThat(store.deleteExpired(cut)).isZero();
    }
}
