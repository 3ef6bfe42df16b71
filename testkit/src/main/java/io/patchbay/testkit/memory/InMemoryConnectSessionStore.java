package io.patchbay.testkit.memory;

import io.patchbay.core.access.ConnectSession;
import io.patchbay.core.access.ConnectSessionStore;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The reference {@link ConnectSessionStore}. */
public final class InMemoryConnectSessionStore implements ConnectSessionStore {
    private final Map<String, ConnectSession> sessions = new LinkedHashMap<>();
    /** Session id to the end of its live claim. */
    private final Map<String, Instant> claims = new HashMap<>();

    @Override
    public synchronized void insert(ConnectSession session) {
        sessions.put(session.id(), session);
    }

    @Override
    public synchronized Optional<ConnectSession> findByTokenHash(String tokenHash) {
        return sessions.values().stream().filter(s -> s.tokenHash().equals(tokenHash)).findFirst();
    }

    @Override
    public synchronized boolean claim(String id, Instant now, Instant until) {
        ConnectSession s = sessions.get(id);
        Instant held = claims.get(id);
        if (s == null || s.usedAt().isPresent() || (held != null && held.isAfter(now))) {
            return false;
        }
        claims.put(id, until);
        return true;
    }

    @Override
    public synchronized boolean markUsed(String id, Instant until, Instant at) {
        ConnectSession s = sessions.get(id);
        if (s == null || s.usedAt().isPresent() || !until.equals(claims.get(id))) {
            return false;
        }
        claims.remove(id);
        sessions.put(id, withUsedAt(s, Optional.of(at)));
        return true;
    }

    @Override
    public synchronized boolean unmarkUsed(String id, Instant usedAt) {
        ConnectSession s = sessions.get(id);
        if (s == null || !s.usedAt().equals(Optional.of(usedAt))) {
            return false;
        }
        claims.remove(id);
        sessions.put(id, withUsedAt(s, Optional.empty()));
        return true;
    }

    private static ConnectSession withUsedAt(ConnectSession s, Optional<Instant> usedAt) {
        return new ConnectSession(s.id(), s.tenantId(), s.tokenHash(), s.ownerId(), s.teamId(),
                s.allowedConnectors(), s.label(), s.accountId(), s.createdAt(), s.expiresAt(), usedAt,
                s.createdByKeyId());
    }

    @Override
    public synchronized boolean release(String id, Instant until) {
        return claims.remove(id, until);
    }

    @Override
    public synchronized int deleteExpired(Instant before) {
        int size = sessions.size();
        sessions.values().removeIf(s -> s.expiresAt().isBefore(before));
        claims.keySet().retainAll(sessions.keySet());
        return size - sessions.size();
    }
}
