package io.patchbay.core.account;

/**
 * Port out: news of linked accounts changed by anyone sharing the store (another server instance, a tool), so that
 * what a process keeps in memory can be dropped. Only ids travel, never account data or secrets.
 *
 * <p>A feed is <em>live</em> while it announces every change. When it is not (a lost database connection), changes
 * may go unannounced; when it is live again, any change may have been missed meanwhile.
 */
public interface AccountChanges {

    /**
     * Announces changes to the listener from now on. The listener is first told, at once, whether the feed is live
     * ({@link Listener#live}) or not ({@link Listener#lost}). Calls to one listener never overlap; they come from
     * the feed's own thread (the first one may come from the subscriber's) and must be quick.
     *
     * @return what ends this listener's subscription (a closed account cache must not stay in the feed)
     */
    Subscription subscribe(Listener listener);

    /**
     * The feed of a store that only this process writes (SQLite, in-memory stores): always live, with nothing to
     * announce, since every write goes through this process.
     */
    static AccountChanges singleProcess() {
        return listener -> {
            listener.live();
            return () -> { };
        };
    }

    /** One listener's place in a feed. */
    interface Subscription {
        /** The listener is told nothing more; calling it again does nothing. */
        void cancel();
    }

    /** Receives a feed's announcements. */
    interface Listener {
        /** The account was inserted, updated or deleted; it may have changed again since. */
        void changed(String tenantId, String accountId);

        /** Changes may go unannounced from now on, until {@link #live}. */
        void lost();

        /** Every change is announced from now on; any change before this may have been missed. */
        void live();
    }
}
