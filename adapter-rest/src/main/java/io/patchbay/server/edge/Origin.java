package io.patchbay.server.edge;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;

/** Where upstream connections go: scheme, host and port. Connections are pooled per origin. */
public record Origin(boolean tls, String host, int port) {
    public Origin {
        Objects.requireNonNull(host, "host");
        // URI.getHost() keeps an IPv6 literal's brackets; the Host header and TLS name want the address alone.
        if (host.length() > 1 && host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        host = host.toLowerCase(Locale.ROOT);
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port " + port + " is out of range");
        }
    }

    public static Origin of(URI uri) {
        boolean tls = "https".equalsIgnoreCase(uri.getScheme());
        if (!tls && !"http".equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException("Only http and https are supported, not " + uri.getScheme());
        }
        return new Origin(tls, uri.getHost(), uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80);
    }

    /** The {@code Host} header for this origin: the port only when it is not the scheme's default. */
    public String hostHeader() {
        String name = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return port == (tls ? 443 : 80) ? name : name + ":" + port;
    }
}
