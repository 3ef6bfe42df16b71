package io.patchbay.connector.toggl;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The projects this connector created in the last minute, per credentials. Toggl's permissions catch up with a new
 * project only after a few seconds, and until then a request that names it is refused with 403 "User does not have
 * access to this resource": the same answer as for a project the user may really not use. Knowing the project is
 * one the same user has just created tells the two apart.
 */
final class NewObjects {
    /** Toggl speaks of "a few seconds"; a minute leaves room without keeping old ids forever. */
    static final Duration FRESH = Duration.ofMinutes(1);
    private static final int MAX = 4096;

    private final Clock clock;
    private final Map<String, Instant> created = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Instant> eldest) {
            return size() > MAX;
        }
    };

    NewObjects(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** {@code owner} is a fingerprint of the credentials, never the credentials themselves. */
    synchronized void created(String owner, long projectId) {
        created.put(owner + "/" + projectId, clock.instant());
    }

    synchronized boolean isFresh(String owner, long projectId) {
        Instant at = created.get(owner + "/" + projectId);
        return at != null && clock.instant().isBefore(at.plus(FRESH));
    }
}
