package io.patchbay.server.proxy;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The core's {@link io.patchbay.core.proxy.ProxyHeaders} rules on the listener's headers, compared without making
 * a string of every name.
 */
final class ProxyHeaders {
    /** Response headers that are ours to set, or could hand the caller a provider session. */
    static final Set<String> NOT_RETURNED = io.patchbay.core.proxy.ProxyHeaders.NOT_RETURNED;
    private static final List<AsciiString> NOT_FORWARDED_PREFIXES =
            io.patchbay.core.proxy.ProxyHeaders.NOT_FORWARDED_PREFIXES.stream().map(AsciiString::of).toList();

    private ProxyHeaders() {
    }

    /**
     * Removes from a request passed on to the provider the headers that must not reach it (hop-by-hop ones and the
     * length are dropped for every passed-on message, see {@link io.patchbay.server.edge.HopByHop}).
     */
    static void removeNotForwarded(HttpHeaders headers) {
        io.patchbay.core.proxy.ProxyHeaders.NOT_FORWARDED.forEach(headers::remove);
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
