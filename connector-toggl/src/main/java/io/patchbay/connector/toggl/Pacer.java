package io.patchbay.connector.toggl;

import io.patchbay.connector.support.Deadline;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Spaces the requests of one set of credentials {@code interval} apart. Waiting requests go in the order of their
 * calls' deadlines: the second request of a link that has started goes before the first one of a link that came
 * later, so a burst completes some calls instead of starting all and finishing none. A request waits only while its
 * turn still leaves {@code margin} before its deadline; otherwise it is refused at once with the wait it would have needed. Nothing
 * is reserved ahead: a waiter that gives up (interrupted, its call abandoned by the host) leaves the queue and those
 * behind it move up.
 */
final class Pacer {
    private static final Comparator<Ticket> ORDER = Comparator.comparingLong((Ticket t) -> t.deadline().endNanos())
            .thenComparingLong(Ticket::seq);

    private final long intervalNanos;
    /** What a turn must leave of the call for the request itself; a request sent later would only time out. */
    private final long marginNanos;
    /** When the next request may go. */
    private long nextNanos;
    private long seq;
    /** Waiting requests in the order they will go, first the one whose call ends first. */
    private final List<Ticket> queue = new ArrayList<>();

    Pacer(Duration interval, Duration margin) {
        this.intervalNanos = interval.toNanos();
        this.marginNanos = margin.toNanos();
        this.nextNanos = System.nanoTime() - intervalNanos;
    }

    private record Ticket(Deadline deadline, long seq) {
    }

    /**
     * Takes the next turn when it is due now and nobody waits for it, without waiting: for a caller that must not
     * block (the proxy's I/O thread). Answers empty once it may be sent, or else the wait until the turn it would
     * get behind those already waiting.
     */
    synchronized Optional<Duration> tryAcquire() {
        long now = System.nanoTime();
        if (queue.isEmpty() && now - nextNanos >= 0) {
            nextNanos = now + intervalNanos;
            return Optional.empty();
        }
        return Optional.of(Duration.ofNanos(Math.max(now, nextNanos) + queue.size() * intervalNanos - now));
    }

    /**
     * Waits for this request's turn. Answers empty once it may be sent, or the wait it would have needed as soon as
     * its turn cannot come before {@code deadline}.
     *
     * @throws InterruptedException when interrupted while waiting; the turn is given up
     */
    synchronized Optional<Duration> acquire(Deadline deadline) throws InterruptedException {
        Ticket ticket = new Ticket(deadline, seq++);
        int at = 0;
        while (at < queue.size() && ORDER.compare(queue.get(at), ticket) < 0) {
            at++;
        }
        queue.add(at, ticket);
        // Those now behind it see their turn move back, and may have to give up.
        notifyAll();
        try {
            while (true) {
                long now = System.nanoTime();
                int position = queue.indexOf(ticket);
                long turn = Math.max(now, nextNanos) + position * intervalNanos;
                // A request that need not wait goes, whatever is left of its call: the deadline bounds it, and a
                // call short of time is a timeout, not a rate limit. Only a wait that cannot end in time is refused.
                if (position == 0 && now - nextNanos >= 0) {
                    nextNanos = now + intervalNanos;
                    return Optional.empty();
                }
                if (turn + marginNanos - deadline.endNanos() > 0) {
                    return Optional.of(Duration.ofNanos(turn - now));
                }
                // Woken early when the queue changes: a request ahead left, or one with an earlier deadline came.
                wait(Math.max(1, (turn - now) / 1_000_000));
            }
        } finally {
            queue.remove(ticket);
            notifyAll();
        }
    }
}
