package io.patchbay.server.access;

import io.patchbay.core.Ids;
import io.patchbay.core.access.ApiKey;
import io.patchbay.core.access.ApiKeyStore;
import io.patchbay.core.access.ConnectSession;
import io.patchbay.core.access.ConnectSessionStore;
import io.patchbay.core.account.ChangeGuard;
import io.patchbay.core.catalog.ConnectorCalls;
import io.patchbay.server.http.ApiException;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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
    /** Beyond the connector call's own deadline, for waiting on the database before and after it. */
    static final Duration CLAIM_MARGIN = Duration.ofSeconds(30);
    /** A busy session's hint: a provider's check takes seconds, not the whole lease. */
    static final Duration BUSY_RETRY_AFTER = Duration.ofSeconds(2);
    private static final Logger LOG = LoggerFactory.getLogger(ConnectSessionService.class);

    private final ConnectSessionStore store;
    private final ApiKeyStore keys;
    private final Clock clock;
    private final Duration claimLease;
    private final AtomicReference<Instant> nextSweep = new AtomicReference<>(Instant.MIN);

    /** A session just made: {@link #token()} is shown once and never stored. */
    public record Created(ConnectSession session, String token) {
        @Override
        public String toString() {
            return "Created[session=" + session.id() + ", token=****]";
        }
    }

    /** @param calls whose deadline bounds how long a change attempt may hold its session */
    @Inject
    public ConnectSessionService(ConnectSessionStore store, ApiKeyStore keys, Clock clock, ConnectorCalls calls) {
        this.store = Objects.requireNonNull(store, "store");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.claimLease = calls.timeout().plus(CLAIM_MARGIN);
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
            throw used(session, session.usedAt().get());
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
     * Claims an edit-mode session for one change attempt before the provider is asked, so of two requests racing
     * with it only one goes on; the other gets 409 {@code session_busy}, and may try again once the attempt ends.
     * Reading with the session goes on meanwhile. The claim lasts until the attempt's calls must have ended, so
     * one whose process died frees the session by itself.
     *
     * @return when the claim ends, which {@link #spendBeforeStoring} and {@link #release} name
     * @throws ApiException 401 {@code session_used} when the credentials were replaced with it meanwhile
     */
    public Instant claim(ConnectSession session) {
        Instant now = clock.instant();
        Instant until = now.plus(claimLease);
        if (store.claim(session.id(), now, until)) {
            return until;
        }
        Optional<Instant> usedAt = store.findByTokenHash(session.tokenHash()).flatMap(ConnectSession::usedAt);
        if (usedAt.isPresent()) {
            throw used(session, usedAt.get());
        }
        throw busy(session, "Another attempt to replace the credentials with the connect session " + session.id()
                + " is in progress; try again when it ends (the session is not used up unless that attempt succeeds)");
    }

    private static ApiException busy(ConnectSession session, String detail) {
        return new ApiException(409, "session_busy", "Connect session busy", detail, List.of(),
                Map.of("retry_after_seconds", BUSY_RETRY_AFTER.toSeconds()),
                Map.of("Retry-After", Long.toString(BUSY_RETRY_AFTER.toSeconds())));
    }

    /**
     * The guard of the attempt whose claim runs until {@code until}: just before its checked change is stored it uses
     * the session up, only while that claim is still this attempt's, and gives it back if the change then cannot be
     * stored. So an attempt whose claim lapsed and was taken over (a slow database, or instances whose clocks
     * disagree by more than the lease) stores nothing: it is refused with 409 {@code session_busy}, or 401
     * {@code session_used} when the other attempt already changed the credentials.
     */
    public ChangeGuard spendBeforeStoring(ConnectSession session, Instant until) {
        Objects.requireNonNull(until, "until");
        return new ChangeGuard() {
            private Instant spentAt;

            @Override
            public void beforeStore() {
                Instant at = clock.instant();
                if (!store.markUsed(session.id(), until, at)) {
                    throw claimLost(session);
                }
                spentAt = at;
            }

            @Override
            public void notStored(RuntimeException cause) {
                try {
                    if (store.unmarkUsed(session.id(), spentAt)) {
                        return;
                    }
                    LOG.warn("Connect session {} stays used though its change was not stored ({}): it was changed "
                            + "meanwhile", session.id(), cause.getClass().getSimpleName());
                } catch (RuntimeException e) {
                    // Single use holds either way: a session given back too rarely only needs making anew.
                    LOG.warn("Connect session {} stays used though its change was not stored ({}): giving it back "
                            + "failed too ({})", session.id(), cause.getClass().getSimpleName(),
                            e.getClass().getSimpleName());
                }
            }
        };
    }

    /** This attempt's claim lapsed and another took it over, or used the session up: nothing is stored. */
    private ApiException claimLost(ConnectSession session) {
        Optional<Instant> usedAt = store.findByTokenHash(session.tokenHash()).flatMap(ConnectSession::usedAt);
        if (usedAt.isPresent()) {
            return used(session, usedAt.get());
        }
        return busy(session, "This attempt took longer than its hold on the connect session " + session.id()
                + " and another attempt took it over; nothing was changed. Try again when that attempt ends (the "
                + "session is not used up unless it succeeds)");
    }

    /**
     * Ends the claim that runs until {@code until}: its change failed, and the session may be tried again. Best
     * effort: a claim left behind ends by itself at {@code until}, and the attempt's own error is what the caller
     * needs to hear.
     */
    public void release(ConnectSession session, Instant until) {
        try {
            store.release(session.id(), until);
        } catch (RuntimeException e) {
            LOG.warn("Could not release the claim on connect session {} ({}); it ends by itself at {}", session.id(),
                    e.getClass().getSimpleName(), until);
        }
    }

    private static ApiException used(ConnectSession session, Instant at) {
        return unauthorized("session_used", "Connect session already used", "The connect session " + session.id()
                + " replaced the credentials at " + at + " and allows one change only; create a new one");
    }

    static ApiException unauthorized(String code, String title, String detail) {
        return new ApiException(401, code, title, detail, List.of(), Map.of(),
                Map.of("WWW-Authenticate", "Bearer error=\"invalid_token\""));
    }
}
