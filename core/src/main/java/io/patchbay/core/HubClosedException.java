package io.patchbay.core;

/**
 * The hub was closed (its host is stopping) before or while a call ran: nothing is wrong with the call itself, and
 * another instance can take it. An {@link IllegalStateException}, as the hub's services document.
 */
public final class HubClosedException extends IllegalStateException {
    public HubClosedException(String message) {
        super(message);
    }

    public HubClosedException(String message, Throwable cause) {
        super(message, cause);
    }
}
