package io.patchbay.server.edge;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.Set;

/** The headers that describe one connection and so never cross the listener (RFC 9110 section 7.6.1). */
public final class HopByHop {
    static final Set<String> NAMES = Set.of("connection", "keep-alive", "proxy-authenticate", "proxy-authorization",
            "proxy-connection", "te", "trailer", "trailers", "transfer-encoding", "upgrade");

    private HopByHop() {
    }

    /**
     * Copies every header of a message onto the one passing it on, but the hop-by-hop ones, those its
     * {@code Connection} header names, and {@code Content-Length}, which the new message sets for its own body.
     * Copying whole and removing by name is cheaper than judging each header.
     */
    public static HttpHeaders copyEndToEnd(HttpHeaders from, HttpHeaders to) {
        to.set(from);
        NAMES.forEach(to::remove);
        String connection = from.get(HttpHeaderNames.CONNECTION);
        if (connection != null) {
            for (String listed : connection.split(",")) {
                to.remove(listed.strip());
            }
        }
        return to.remove(HttpHeaderNames.CONTENT_LENGTH);
    }
}
