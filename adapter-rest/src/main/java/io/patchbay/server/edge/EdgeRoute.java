package io.patchbay.server.edge;

import java.util.List;

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
}
