package io.patchbay.server.edge;

import io.patchbay.server.http.RequestLog;
import java.util.List;
import java.util.Optional;

/** Requests the public listener serves itself, on its event loop, instead of relaying them to the API server. */
public interface EdgeRoute {
    /**
     * Takes the exchange (and then answers it exactly once, on its event loop) or declines it.
     *
     * @return whether this route took the exchange
     */
    boolean handle(Exchange exchange);

    /** The routes served, as "METHOD path", for the API description check. */
    List<String> routes();

    /**
     * Where the listener records the requests it refuses itself, before any route or the API server sees them
     * (not valid HTTP/1.1, timed out, too large): the first route that offers a log gets them.
     */
    default Optional<RequestLog> requestLog() {
        return Optional.empty();
    }
}
