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
    private static final Set<String> NOT_RETURNED = io.patchbay.core.proxy.ProxyHeaders.NOT_RETURNED;
    private static final List<AsciiString> NOT_FORWARDED_PREFIXES =
            io.patchbay.core.proxy.ProxyHeaders.NOT_FORWARDED_PREFIXES.stream().map(AsciiString::of).toList();
    private static final List<AsciiString> NOT_RETURNED_PREFIXES =
            io.patchbay.core.proxy.ProxyHeaders.NOT_RETURNED_PREFIXES.stream().map(AsciiString::of).toList();

    private ProxyHeaders() {
    }

    /**
     * Removes from a request passed on to the provider the headers that must not reach it (hop-by-hop ones and the
     * length are dropped for every passed-on message, see {@link io.patchbay.server.edge.HopByHop}).
     */
    static void removeNotForwarded(HttpHeaders headers) {
        io.patchbay.core.proxy.ProxyHeaders.NOT_FORWARDED.forEach(headers::remove);
        List<CharSequence> dropped = null;
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence(); it.hasNext(); ) {
            CharSequence name = it.next().getKey();
            if (startsWithAny(name, NOT_FORWARDED_PREFIXES) || AsciiString.indexOf(name, '_', 0) >= 0
                    && !io.patchbay.core.proxy.ProxyHeaders.forwarded(name.toString())) {
                // X_Forwarded_For is X-Forwarded-For to a server that reads names into variables.
                if (dropped == null) {
                    dropped = new ArrayList<>(2);
                }
                dropped.add(name);
            }
        }
        if (dropped != null) {
            dropped.forEach(headers::remove);
        }
    }

    private static boolean startsWithAny(CharSequence name, List<AsciiString> prefixes) {
        for (AsciiString prefix : prefixes) {
            if (AsciiString.regionMatches(name, true, 0, prefix, 0, prefix.length())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Removes from an answer passed back the headers that must not reach the caller: those the core does not
     * return, the connector's own list, and any whose name holds a secret (its value is masked elsewhere).
     */
    static void removeNotReturned(HttpHeaders headers, Set<String> connectorStripped, List<String> secrets) {
        NOT_RETURNED.forEach(headers::remove);
        connectorStripped.forEach(headers::remove);
        List<CharSequence> dropped = null;
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence(); it.hasNext(); ) {
            CharSequence name = it.next().getKey();
            if (startsWithAny(name, NOT_RETURNED_PREFIXES) || holdsAny(name, secrets)) {
                if (dropped == null) {
                    dropped = new ArrayList<>(2);
                }
                dropped.add(name);
            }
        }
        if (dropped != null) {
            dropped.forEach(headers::remove);
        }
    }

    /** As the embedders' proxy judges a name: the core's masking finds a secret in it. */
    private static boolean holdsAny(CharSequence name, List<String> secrets) {
        if (secrets.isEmpty()) {
            return false;
        }
        String text = name.toString();
        return io.patchbay.core.proxy.SecretMasking.mask(text, secrets) != text;
    }
}
