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
        Instant until = T0.plusSeconds(40);
        Instant at = T0.plusNanos(42);
        assertThat(store.claim(s.id(), T0, until)).isTrue();

        assertThat(store.markUsed(s.id(), until, at)).isTrue();
        assertThat(store.markUsed(s.id(), until, at.plusSeconds(1))).isFalse();
        assertThat(store.findByTokenHash(s.tokenHash()).orElseThrow().usedAt()).contains(at);
        assertThat(store.markUsed("cs_unknown", until, at)).isFalse();
    }

    @Test
    public void markUsedTakesOnlyTheCallersOwnClaim() {
        ConnectSession s = session(T0.plusSeconds(600));
        store.insert(s);
        Instant first = T0.plusSeconds(40);
        Instant second = T0.plusSeconds(81);

        assertThat(store.markUsed(s.id(), first, T0)).as("never claimed").isFalse();
        assertThat(store.claim(s.id(), T0, first)).isTrue();
        // The first attempt's claim lapsed and a second attempt took it over: the first may not use the session up.
        assertThat(store.claim(s.id(), T0.plusSeconds(41), second)).isTrue();
        assertThat(store.markUsed(s.id(), first, T0.plusSeconds(42))).as("a claim taken over").isFalse();
        assertThat(store.findByTokenHash(s.tokenHash()).orElseThrow().usedAt()).isEmpty();
        assertThat(store.release(s.id(), second)).as("the second claim still holds").isTrue();
        assertThat(store.markUsed(s.id(), second, T0.plusSeconds(43))).as("released").isFalse();

        // A claim past its time that no one took over still counts: the attempt was only slow.
        Instant third = T0.plusSeconds(90);
        assertThat(store.claim(s.id(), T0.plusSeconds(50), third)).isTrue();
        assertThat(store.markUsed(s.id(), third, T0.plusSeconds(500))).isTrue();
        assertThat(store.findByTokenHash(s.tokenHash()).orElseThrow().usedAt()).contains(T0.plusSeconds(500));
        assertThat(store.claim(s.id(), T0.plusSeconds(501), T0.plusSeconds(541))).as("used up").isFalse();
    }

    @Test
    public void unmarkUsedGivesBackOnlyTheMarkingItNames() {
        ConnectSession s = session(T0.plusSeconds(600));
        store.insert(s);
        Instant until = T0.plusSeconds(40);
        Instant at = T0.plusSeconds(5);
        assertThat(store.claim(s.id(), T0, until)).isTrue();
        assertThat(store.markUsed(s.id(), until, at)).isTrue();

        assertThat(store.unmarkUsed(s.id(), at.plusNanos(1))).as("another marking").isFalse();
        assertThat(store.findByTokenHash(s.tokenHash()).orElseThrow().usedAt()).contains(at);
        assertThat(store.unmarkUsed(s.id(), at)).isTrue();
        assertThat(store.findByTokenHash(s.tokenHash()).orElseThrow().usedAt()).isEmpty();
        assertThat(store.unmarkUsed(s.id(), at)).as("given back once").isFalse();
        assertThat(store.markUsed(s.id(), until, at)).as("the given-back attempt's claim ended").isFalse();
        assertThat(store.claim(s.id(), T0.plusSeconds(6), T0.plusSeconds(46))).as("free at once").isTrue();
        assertThat(store.unmarkUsed("cs_unknown", at)).isFalse();
    }

    @Test
    public void aClaimHoldsTheSessionUntilReleasedUsedOrPastItsTime() {
        ConnectSession s = session(T0.plusSeconds(600));
        store.insert(s);
        Instant until = T0.plusSeconds(40);

        assertThat(store.claim(s.id(), T0, until)).isTrue();
        assertThat(store.claim(s.id(), T0.plusSeconds(1), T0.plusSeconds(41))).as("held").isFalse();
        assertThat(store.findByTokenHash(s.tokenHash()).orElseThrow().usedAt()).as("a claim is no use").isEmpty();
        assertThat(store.release(s.id(), T0.plusSeconds(41))).as("another claim").isFalse();
        assertThat(store.release(s.id(), until)).isTrue();
        assertThat(store.claim(s.id(), T0.plusSeconds(2), T0.plusSeconds(42))).as("released").isTrue();

        // Its holder died: the claim ends at its time, and a later one may not be released by the dead one.
        assertThat(store.claim(s.id(), T0.plusSeconds(42), T0.plusSeconds(82))).as("past its time").isTrue();
        assertThat(store.release(s.id(), T0.plusSeconds(42))).isFalse();

        assertThat(store.markUsed(s.id(), T0.plusSeconds(82), T0.plusSeconds(50))).isTrue();
        assertThat(store.claim(s.id(), T0.plusSeconds(500), T0.plusSeconds(540))).as("used up").isFalse();
        assertThat(store.claim("cs_unknown", T0, until)).isFalse();
        assertThat(store.release("cs_unknown", until)).isFalse();
    }

    @Test
    public void concurrentClaimsLetExactlyOneCallerWin() throws InterruptedException {
        ConnectSession s = session(T0.plusSeconds(600));
        store.insert(s);

        List<Object> outcomes = race(8, () -> store.claim(s.id(), T0, T0.plusSeconds(40)));

        assertThat(outcomes).filteredOn(Boolean.TRUE::equals).hasSize(1);
        assertThat(outcomes).filteredOn(Boolean.FALSE::equals).hasSize(7);
    }

    @Test
    public void concurrentMarkUsedLetsExactlyOneCallerWin() throws InterruptedException {
        ConnectSession s = session(T0.plusSeconds(600));
        store.insert(s);

        Instant until = T0.plusSeconds(40);
        assertThat(store.claim(s.id(), T0, until)).isTrue();

        List<Object> outcomes = race(8, () -> store.markUsed(s.id(), until, Instant.now()));

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
