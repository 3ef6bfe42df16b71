package io.patchbay.server.proxy;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Which headers cross the proxy, in each direction. Names are compared in lower case. */
final class ProxyHeaders {
    /**
     * Request headers that describe the caller's connection to us, or its credentials for us (hop-by-hop ones and
     * the length are dropped for every passed-on message, see {@link io.patchbay.server.edge.HopByHop}), besides
     * the {@link #NOT_FORWARDED_PREFIXES}. {@code Accept-Encoding} is replaced, not removed.
     */
    static final Set<String> NOT_FORWARDED = Set.of("host", "expect", "authorization", "cookie", "forwarded",
            "x-real-ip");
    /** Our own headers ({@code Patchbay-Owner-Id}, ...), and what proxies in front of us say about the caller. */
    private static final List<AsciiString> NOT_FORWARDED_PREFIXES = List.of(AsciiString.of("patchbay-"),
            AsciiString.of("x-forwarded-"));
    /** Response headers that are ours to set, or could hand the caller a provider session. */
    static final Set<String> NOT_RETURNED = Set.of("set-cookie", "set-cookie2",
            "www-authenticate", "server", "content-encoding");

    private ProxyHeaders() {
    }

    /** Removes from a request passed on to the provider the headers that must not reach it. */
    static void removeNotForwarded(HttpHeaders headers) {
        NOT_FORWARDED.forEach(headers::remove);
        List<CharSequence> prefixed = null;
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence(); it.hasNext(); ) {
            CharSequence name = it.next().getKey();
            for (AsciiString prefix : NOT_FORWARDED_PREFIXES) {
                if (AsciiString.regionMatches(name, true, 0, prefix, 0, prefix.length())) {
                    if (prefixed == null) {
                        prefixed = new ArrayList<>(2);
                    }
                    prefixed.add(name);
                }
            }
        }
        if (prefixed != null) {
            prefixed.forEach(headers::remove);
        }
    }
}
