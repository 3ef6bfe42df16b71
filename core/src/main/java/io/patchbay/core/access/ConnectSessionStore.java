package io.patchbay.core.access;

import java.time.Instant;
import java.util.Optional;

/** Port out: connect sessions, looked up by the hash of the presented token. */
public interface ConnectSessionStore {

    void insert(ConnectSession session);

    Optional<ConnectSession> findByTokenHash(String tokenHash);

    /**
     * Claims an edit-mode session for one change attempt, atomically: sets {@code claimed_until} to {@code until}
     * only if the session is not used and holds no claim that is still live at {@code now}. Exactly one of several
     * concurrent callers gets true. A claim whose holder died ends by itself at {@code until}.
     */
    boolean claim(String id, Instant now, Instant until);

    /**
     * Consumes a session atomically for the change of the attempt whose claim runs until {@code until}, before that
     * change is stored: sets {@code used_at} to {@code at} and ends the claim, only if the session is unused and
     * that claim is still the one held. Returns false when another attempt took the lapsed claim over (or the
     * session is used, released or unknown): that attempt must then store nothing. A claim that lapsed but was not
     * taken over still counts. Of several concurrent callers at most one gets true.
     *
     * <p>The claim's end is the attempt's token: a takeover ends later than the lapsed claim it replaces, so it never
     * matches it.
     */
    boolean markUsed(String id, Instant until, Instant at);

    /**
     * Gives a session back after {@link #markUsed} when its change could then not be stored: clears {@code used_at}
     * only if it is still {@code usedAt}, leaving the session unused and unclaimed. Returns whether it did.
     */
    boolean unmarkUsed(String id, Instant usedAt);

    /**
     * Ends the claim that runs until {@code until} (an attempt that failed) and leaves the session unused, so it
     * may be tried again. Returns whether that claim was still held.
     */
    boolean release(String id, Instant until);

    /** Removes sessions that expired before {@code before}; returns how many. */
    int deleteExpired(Instant before);
}
