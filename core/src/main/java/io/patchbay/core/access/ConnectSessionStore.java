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
     * Consumes a session atomically once its change is stored: sets {@code used_at} only if it is still unset, and
     * ends any claim. Exactly one of several concurrent callers gets true.
     */
    boolean markUsed(String id, Instant at);

    /**
     * Ends the claim that runs until {@code until} (an attempt that failed) and leaves the session unused, so it
     * may be tried again. Returns whether that claim was still held.
     */
    boolean release(String id, Instant until);

    /** Removes sessions that expired before {@code before}; returns how many. */
    int deleteExpired(Instant before);
}
