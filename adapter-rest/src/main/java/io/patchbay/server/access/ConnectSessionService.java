package io.patchbay.server.access;

import io.patchbay.core.Ids;
import io.patchbay.core.access.ApiKey;
import io.patchbay.core.access.ApiKeyStore;
import io.patchbay.core.access.ConnectSession;
import io.patchbay.core.access.ConnectSessionStore;
import io.patchbay.server.http.ApiException;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Short-lived tokens that let an end user's browser link (or, in edit mode, re-key one account) and nothing else. */
@Singleton
public final class ConnectSessionService {
    public static final Duration MAX_TTL = Duration.ofMinutes(30);
    public static final Duration DEFAULT_TTL = Duration.ofMinutes(15);
    /** Expired sessions are kept this long, so a late click still hears "expired" rather than "not known". */
    static final Duration KEPT_AFTER_EXPIRY = Duration.ofDays(1);
    /** How often making a session also removes those kept long enough; every instance may, none needs to. */
    static final Duration SWEEP_EVERY = Duration.ofHours(1);
    private static final Logger LOG = LoggerFactory.getLogger(ConnectSessionService.class);

    private final ConnectSessionStore store;
    private final ApiKeyStore keys;
    private final Clock clock;
    private final AtomicReference<Instant> nextSweep = new AtomicReference<>(Instant.MIN);

    /** A session just made: {@link #token()} is shown once and never stored. */
    public record Created(ConnectSession session, String token) {
        @Override
        public String toString() {
            return "Created[session=" + session.id() + ", token=****]";
        }
    }

    @Inject
    public ConnectSessionService(ConnectSessionStore store, ApiKeyStore keys, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** @param createdBy the API key creating it: revoking that key ends the session */
    public Created create(ApiKey createdBy, String ownerId, Optional<String> teamId, Set<String> allowedConnectors,
                          Optional<String> label, Optional<String> accountId, Duration ttl) {
        Instant now = clock.instant();
        String token = Ids.secretToken(Tokens.SESSION_PREFIX);
        ConnectSession session = new ConnectSession(Ids.next("cs", now), createdBy.tenantId(), Tokens.sha256(token),
                ownerId, teamId, allowedConnectors, label, accountId, now, now.plus(ttl), Optional.empty(),
                Optional.of(createdBy.id()));
        store.insert(session);
        sweep(now);
        return new Created(session, token);
    }

    /** Removes sessions past {@link #KEPT_AFTER_EXPIRY}, at most every {@link #SWEEP_EVERY}: else they add up forever. */
    private void sweep(Instant now) {
        Instant due = nextSweep.get();
        if (now.isBefore(due) || !nextSweep.compareAndSet(due, now.plus(SWEEP_EVERY))) {
            return;
        }
        try {
            int removed = store.deleteExpired(now.minus(KEPT_AFTER_EXPIRY));
            if (removed > 0) {
                LOG.info("Removed {} connect sessions that expired more than {} ago", removed, KEPT_AFTER_EXPIRY);
            }
        } catch (RuntimeException e) {
            // The session just made stands; the next sweep tries again.
            LOG.warn("Could not remove expired connect sessions ({}); trying again in {}", e.getClass().getSimpleName(),
                    SWEEP_EVERY);
        }
    }

    /**
     * The live session a token belongs to.
     *
     * @throws ApiException 401 telling apart an unknown, an expired, an already used token and one whose key was
     *                      revoked
     */
    public ConnectSession authenticate(String token) {
        ConnectSession session = store.findByTokenHash(Tokens.sha256(token))
                .orElseThrow(() -> unauthorized("invalid_session_token", "Invalid connect session",
                        "The connect session token is not known; create a new connect session"));
        if (!clock.instant().isBefore(session.expiresAt())) {
            throw unauthorized("session_expired", "Connect session expired", "The connect session " + session.id()
                    + " expired at " + session.expiresAt() + "; create a new connect session");
        }
        if (session.usedAt().isPresent()) {
            throw unauthorized("session_used", "Connect session already used", "The connect session " + session.id()
                    + " was used at " + session.usedAt().get() + " and allows one change only; create a new one");
        }
        // Read from the store each time, not a cache: a revocation on any instance ends the session at once.
        if (session.createdByKeyId().isPresent() && keys.find(session.tenantId(), session.createdByKeyId().get())
                .filter(ApiKey::active).isEmpty()) {
            throw unauthorized("session_revoked", "Connect session revoked", "The API key that created the connect "
                    + "session " + session.id() + " was revoked; create a new connect session");
        }
        return session;
    }

    /**
     * Spends an edit-mode session before its change, so of two requests racing with it only one goes on; the other
     * gets 401 {@code session_used}. A change that then fails gives the session back ({@link #giveBack}), so a
     * failed attempt (a mistyped token) can be retried.
     *
     * @return when the session was spent, which {@link #giveBack} names
     */
    public Instant spend(ConnectSession session) {
        Instant at = clock.instant();
        if (!store.markUsed(session.id(), at)) {
            throw unauthorized("session_used", "Connect session already used", "The connect session "
                    + session.id() + " was used by another request and allows one change only; create a new one");
        }
        return at;
    }

    /** Makes a session spent at {@code at} usable again, after its change failed. */
    public void giveBack(ConnectSession session, Instant at) {
        store.markUnused(session.id(), at);
    }

    static ApiException unauthorized(String code, String title, String detail) {
        return new ApiException(401, code, title, detail, java.util.List.of(), Map.of(),
                Map.of("WWW-Authenticate", "Bearer error=\"invalid_token\""));
    }
}
