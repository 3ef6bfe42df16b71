package io.patchbay.connector.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Collections;
import java.util.Objects;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.TimeUnit;
import okhttp3.Connection;
import okhttp3.ConnectionPool;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Providers and load balancers close keep-alive connections that sat idle, often after 5 to 60 s, and OkHttp does
 * not look at a pooled connection before a GET (nor before other methods within 10 s of idling). A request on such a
 * connection never reached the provider, so it must not be reported as a provider failure. As Go's net/http does, a
 * request that failed on a reused connection before any answer came is sent again on a new connection, but only when
 * that is safe: a read-only method, or a request that was never written because the connection was found closed
 * just before. Before a write goes out on a reused HTTP/1 connection the connection is probed, so a write that the
 * provider may have applied is still never sent twice; an HTTP/2 connection is not probed (see {@link #probeable}).
 * The idle connections, likely just as stale, are evicted before each retry, and all retries stay within the call's
 * timeout (OkHttp's call timeout spans application interceptors).
 *
 * <p>One instance per client: it holds the client's connection pool.
 */
public final class StaleConnections {
    /**
     * How long an idle connection is kept: shorter than the idle timeout of most providers and load balancers (5 s
     * for Node and Apache).
     */
    public static final Duration KEEP_ALIVE = Duration.ofSeconds(4);
    private static final int MAX_IDLE = 5;
    private static final int MAX_RETRIES = 2;
    /** Go's replayable methods: sending them again cannot apply anything twice. */
    private static final Set<String> REPLAYABLE = Set.of("GET", "HEAD", "OPTIONS", "TRACE");

    /** Connections that have carried a request; a request on one of them runs on a reused connection. */
    private final Set<Connection> used = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));
    private final ConnectionPool pool = new ConnectionPool(MAX_IDLE, KEEP_ALIVE.toMillis(), TimeUnit.MILLISECONDS);

    /** A new pool and its interceptors, for one client. */
    public StaleConnections() {
    }

    /**
     * Gives {@code builder} this pool and both interceptors, and turns off OkHttp's own retry on connection failure
     * (it would send a write again). Call it once, on the builder of the one client that uses this instance.
     *
     * @return {@code builder}
     */
    public OkHttpClient.Builder install(OkHttpClient.Builder builder) {
        return Objects.requireNonNull(builder, "builder").connectionPool(pool)
                .retryOnConnectionFailure(false)
                .addInterceptor(this::retrying)
                .addNetworkInterceptor(this::marking);
    }

    private Response retrying(Interceptor.Chain chain) throws IOException {
        Request request = chain.request();
        for (int retry = 0; ; retry++) {
            try {
                return chain.proceed(request);
            } catch (Stale e) {
                if (retry >= MAX_RETRIES || !(e.nothingSent || REPLAYABLE.contains(request.method()))) {
                    throw e.failure;
                }
                pool.evictAll();
            }
        }
    }

    private Response marking(Interceptor.Chain chain) throws IOException {
        Connection connection = Objects.requireNonNull(chain.connection(), "a network interceptor's connection");
        boolean reused = !used.add(connection);
        if (reused && !REPLAYABLE.contains(chain.request().method()) && probeable(connection)
                && closedByPeer(connection.socket())) {
            // Nothing was written; closing the socket keeps the connection from being pooled again.
            closeQuietly(connection.socket());
            IOException closed = new IOException("the pooled connection was closed by the provider");
            throw new Stale(closed, true);
        }
        try {
            return chain.proceed(chain.request());
        } catch (InterruptedIOException e) {
            // A timeout or a cancelled call is no stale connection.
            throw e;
        } catch (IOException e) {
            if (reused) {
                throw new Stale(e, false);
            }
            throw e;
        }
    }

    /**
     * Whether this connection may be probed: only an HTTP/1 one, whose socket nobody reads between exchanges. Over
     * TLS the probe reads through the TLS socket (as OkHttp's own health check does), so the TLS layer handles any
     * post-handshake record (a session ticket, a key update) and no application byte of an answer can be waiting.
     * An HTTP/2 connection's socket is read all the time by OkHttp's reader thread, which holds the TLS socket's read
     * lock while it waits: a probe would wait for the provider's next frame or its closing the idle connection
     * (beyond the call timeout), and could then take a frame's bytes. It needs no probe: that reader sees the
     * provider close the connection or send GOAWAY at once, and OkHttp then hands the connection out no more.
     */
    private static boolean probeable(Connection connection) {
        Protocol protocol = connection.protocol();
        return protocol == Protocol.HTTP_1_1 || protocol == Protocol.HTTP_1_0;
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // Closed either way (a TLS socket's close_notify may find the peer gone).
        }
    }

    /**
     * Whether the peer has closed this idle HTTP/1 connection: a read that does not time out within a millisecond
     * finds the end of the stream, a TLS close_notify or a reset (or unexpected bytes, which equally leave the
     * connection unusable: nothing may come on an idle HTTP/1 connection, and it is closed, never used again).
     */
    private static boolean closedByPeer(Socket socket) {
        try {
            int timeout = socket.getSoTimeout();
            try {
                socket.setSoTimeout(1);
                InputStream in = socket.getInputStream();
                in.read();
                return true;
            } finally {
                if (!socket.isClosed()) {
                    socket.setSoTimeout(timeout);
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /** A failure on a reused connection before any answer; {@code nothingSent} when no byte was written. */
    private static final class Stale extends IOException {
        private final IOException failure;
        private final boolean nothingSent;

        Stale(IOException failure, boolean nothingSent) {
            super(failure.getMessage(), failure);
            this.failure = failure;
            this.nothingSent = nothingSent;
        }
    }
}
