package io.patchbay.core.access;

import java.time.Instant;
import java.util.Optional;

/** Port out: connect sessions, looked up by the hash of the presented token. */
public interface ConnectSessionStore {

    void insert(ConnectSession session);

    Optional<ConnectSession> findByTokenHash(String tokenHash);

    /**
     * Consumes a session atomically: sets {@code used_at} only if it is still unset. Exactly one of several
     * concurrent callers gets true.
     */
    boolean markUsed(String id, Instant at);

    /**
     * Gives back a session consumed at {@code at} whose change then failed: unsets {@code used_at} only if it is
     * still {@code at}, so the caller may retry. Returns whether it did.
     */
    boolean markUnused(String id, Instant at);

    /** Removes sessions that expired before {@code before}; returns how many. */
    int deleteExpired(Instant before);
}
