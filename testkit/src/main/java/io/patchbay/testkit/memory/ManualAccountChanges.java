package io.patchbay.testkit.memory;

import io.patchbay.core.account.AccountChanges;
import java.util.ArrayList;
import java.util.List;

/**
 * An {@link AccountChanges} feed driven by the test: it announces what the test says another process changed, and
 * goes down and comes back when told. Live from the start.
 */
public final class ManualAccountChanges implements AccountChanges {
    private final List<Listener> listeners = new ArrayList<>();
    private boolean live = true;

    @Override
    public synchronized Subscription subscribe(Listener listener) {
        listeners.add(listener);
        if (live) {
            listener.live();
        } else {
            listener.lost();
        }
        return () -> {
            synchronized (this) {
                listeners.remove(listener);
            }
        };
    }

    /** How many listeners the feed tells of changes. */
    public synchronized int subscribers() {
        return listeners.size();
    }

    /** Another process changed the account. Not announced while the feed is down: that is what "down" means. */
    public synchronized void announce(String tenantId, String accountId) {
        if (live) {
            listeners.forEach(l -> l.changed(tenantId, accountId));
        }
    }

    public synchronized void goDown() {
        live = false;
        listeners.forEach(Listener::lost);
    }

    public synchronized void comeBack() {
        live = true;
        listeners.forEach(Listener::live);
    }
}
