package io.patchbay.testkit.memory;

import io.patchbay.core.access.ConnectSession;
import io.patchbay.core.access.ConnectSessionStore;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The reference {@link ConnectSessionStore}. */
public final class InMemoryConnectSessionStore implements ConnectSessionStore {
    private final Map<String, ConnectSession> sessions = new LinkedHashMap<>();

    @Override
    public synchronized void insert(ConnectSession session) {
        sessions.put(session.id(), session);
    }

    @Override
    public synchronized Optional<ConnectSession> findByTokenHash(String tokenHash) {
        return sessions.values().stream().filter(s -> s.tokenHash().equals(tokenHash)).findFirst();
    }

    @Override
    public synchronized boolean markUsed(String id, Instant at) {
        ConnectSession s = sessions.get(id);
        if (s == null || s.usedAt().isPresent()) {
            return false;
        }
        sessions.put(id, new ConnectSession(s.id(), s.tenantId(), s.tokenHash(), s.ownerId(), s.teamId(),
                s.allowedConnectors(), s.label(), s.accountId(), s.createdAt(), s.expiresAt(), Optional.of(at),
                s.createdByKeyId()));
        return true;
    }

    @Override
    public synchronized boolean markUnused(String id, Instant at) {
        ConnectSession s = sessions.get(id);
        if (s == null || !s.usedAt().equals(Optional.of(at))) {
            return false;
        }
        sessions.put(id, new ConnectSession(s.id(), s.tenantId(), s.tokenHash(), s.ownerId(), s.teamId(),
                s.allowedConnectors(), s.label(), s.accountId(), s.createdAt(), s.expiresAt(), Optional.empty(),
                s.createdByKeyId()));
        return true;
    }

    @Override
    public synchronized int deleteExpired(Instant before) {
        int size = sessions.size();
        sessions.values().removeIf(s -> s.expiresAt().isBefore(before));
        return size - sessions.size();
    }
}
