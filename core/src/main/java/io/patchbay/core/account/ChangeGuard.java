package io.patchbay.core.account;

/**
 * Lets a caller refuse a checked change at the last moment before it is stored, and hear when storing it failed:
 * e.g. a single-use permission that is spent just before the change, and given back if the change is not stored.
 */
public interface ChangeGuard {
    /** No guard: every checked change is stored. */
    ChangeGuard NONE = new ChangeGuard() {
        @Override
        public void beforeStore() {
        }

        @Override
        public void notStored(RuntimeException cause) {
        }
    };

    /** Called once the change is checked, just before it is stored; throws to refuse it, and nothing is stored. */
    void beforeStore();

    /** Storing the change failed with {@code cause} after {@link #beforeStore()} passed: nothing was stored. */
    void notStored(RuntimeException cause);
}
