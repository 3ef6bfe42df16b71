package io.patchbay.server.edge;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.patchbay.core.proxy.ProxyHeaders;
import java.util.Set;

/** The headers that describe one connection and so never cross the listener (RFC 9110 section 7.6.1). */
public final class HopByHop {
    static final Set<String> NAMES = ProxyHeaders.HOP_BY_HOP;

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
        // Every Connection line: a list may be split over several.
        if (from.contains(HttpHeaderNames.CONNECTION)) {
            for (String connection : from.getAll(HttpHeaderNames.CONNECTION)) {
                for (String listed : connection.split(",")) {
                    to.remove(listed.strip());
                }
            }
        }
        return to.remove(HttpHeaderNames.CONTENT_LENGTH);
    }

    /**
     * For the answer to a HEAD, keeps the sender's {@code Content-Length}: there is no body to measure, and the
     * length is the one the GET would have (RFC 9110 section 8.6), where an empty body would say 0.
     */
    public static HttpHeaders keepHeadLength(HttpMethod method, HttpHeaders from, HttpHeaders to) {
        String length = from.get(HttpHeaderNames.CONTENT_LENGTH);
        if (HttpMethod.HEAD.equals(method) && length != null) {
            to.set(HttpHeaderNames.CONTENT_LENGTH, length);
        }
        return to;
    }
}
