package io.patchbay.storage;

import dev.failsafe.Failsafe;
import dev.failsafe.RetryPolicy;
import io.patchbay.core.account.AccountChanges;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link AccountChanges} feed of a PostgreSQL database. A trigger (migration V2) NOTIFYs every row change of
 * {@code linked_account}, by any instance or tool; this LISTENs on a connection of its own and passes the ids on.
 *
 * <p>The connection is opened outside the pool: it is held for as long as the feed runs, which would take one
 * connection away from the requests for good, and a session that LISTENs must not be handed to other work. Any
 * failure of it reports the feed lost; it is then opened again with backoff, and the feed is live again only once
 * it LISTENs, so that no change after that point can go unannounced. A connection that died without a word (a
 * dead network) is found by a query every few seconds.
 */
final class PostgresAccountChanges implements AccountChanges, AutoCloseable {
    static final String CHANNEL = "patchbay_account_changed";
    private static final Logger LOG = LoggerFactory.getLogger(PostgresAccountChanges.class);
    private static final String APPLICATION_NAME = "patchbay-account-changes";
    private static final int POLL_MILLIS = 500;
    private static final long HEARTBEAT_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final int NETWORK_TIMEOUT_MILLIS = 5_000;
    private static final Duration FIRST_RETRY = Duration.ofMillis(100);
    private static final Duration LONGEST_RETRY = Duration.ofSeconds(10);
    private static final long CLOSE_WAIT_MILLIS = 2_000;

    /** Opens a new connection to the database. */
    interface ConnectionSource {
        Connection open() throws SQLException;
    }

    private final ConnectionSource source;
    private final RetryPolicy<Connection> reconnect;
    private final List<Listener> listeners = new ArrayList<>(); // guarded by this
    private boolean live; // guarded by this
    private Thread receiver; // guarded by this; started by the first subscriber
    private volatile boolean closed;

    PostgresAccountChanges(ConnectionSource source, Duration firstRetry, Duration longestRetry) {
        this.source = Objects.requireNonNull(source, "source");
        this.reconnect = RetryPolicy.<Connection>builder()
                .withBackoff(firstRetry, longestRetry)
                .withJitter(0.25)
                .withMaxRetries(-1)
                .onFailedAttempt(e -> LOG.debug("Cannot listen for account changes yet: {}",
                        Database.rootMessage(e.getLastException())))
                .build();
    }

    /** The feed of the database the configuration names, on a connection with the same settings. */
    static PostgresAccountChanges of(StorageConfig config) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(config.jdbcUrl());
        config.user().ifPresent(dataSource::setUser);
        config.password().ifPresent(dataSource::setPassword);
        dataSource.setApplicationName(APPLICATION_NAME);
        return new PostgresAccountChanges(dataSource::getConnection, FIRST_RETRY, LONGEST_RETRY);
    }

    @Override
    public synchronized Subscription subscribe(Listener listener) {
        Objects.requireNonNull(listener, "listener");
        if (closed) {
            throw new IllegalStateException("the account change feed is closed");
        }
        listeners.add(listener);
        tell(listener, live ? Listener::live : Listener::lost);
        if (receiver == null) {
            receiver = new Thread(this::run, APPLICATION_NAME);
            receiver.setDaemon(true);
            receiver.start();
        }
        return () -> unsubscribe(listener);
    }

    private synchronized void unsubscribe(Listener listener) {
        listeners.remove(listener);
    }

    private void run() {
        while (!closed) {
            try (Connection connection = Failsafe.with(reconnect).get(this::listen)) {
                becomeLive();
                receive(connection);
            } catch (SQLException | RuntimeException e) {
                becomeLost(Database.rootMessage(e));
            }
        }
        becomeLost("closed");
    }

    private Connection listen() throws SQLException {
        Connection connection = source.open();
        try (Statement statement = connection.createStatement()) {
            // Bounds every wait on this connection, the heartbeat's included.
            connection.setNetworkTimeout(Runnable::run, NETWORK_TIMEOUT_MILLIS);
            statement.execute("LISTEN " + CHANNEL);
            return connection;
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /** Passes notifications on until the connection fails (an exception) or the feed is closed. */
    private void receive(Connection connection) throws SQLException {
        PGConnection postgres = connection.unwrap(PGConnection.class);
        long heartbeatDue = System.nanoTime() + HEARTBEAT_NANOS;
        while (!closed) {
            for (PGNotification notification : postgres.getNotifications(POLL_MILLIS)) {
                announce(notification.getParameter());
            }
            if (System.nanoTime() - heartbeatDue >= 0) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("SELECT 1");
                }
                heartbeatDue = System.nanoTime() + HEARTBEAT_NANOS;
            }
        }
    }

    /** {@code "<tenant id> <account id>"}; an account id has no space, a tenant id might. */
    private synchronized void announce(String payload) {
        int space = payload.lastIndexOf(' ');
        if (space < 0) {
            // The table was truncated: every account changed, which is what a feed coming back means.
            listeners.forEach(l -> tell(l, Listener::lost));
            listeners.forEach(l -> tell(l, Listener::live));
            return;
        }
        String tenantId = payload.substring(0, space);
        String accountId = payload.substring(space + 1);
        listeners.forEach(l -> tell(l, listener -> listener.changed(tenantId, accountId)));
    }

    private synchronized void becomeLive() {
        live = true;
        LOG.info("Listening for account changes on channel {}", CHANNEL);
        listeners.forEach(l -> tell(l, Listener::live));
    }

    private synchronized void becomeLost(String reason) {
        if (!live) {
            return;
        }
        live = false;
        if (closed) {
            LOG.debug("Account change feed closed");
        } else {
            LOG.warn("Account change feed lost ({}); accounts are read from the database until it is back", reason);
        }
        listeners.forEach(l -> tell(l, Listener::lost));
    }

    /** One failing listener must neither stop the others nor the feed. */
    private static void tell(Listener listener, Consumer<Listener> call) {
        try {
            call.accept(listener);
        } catch (RuntimeException e) {
            LOG.error("An account change listener failed", e);
        }
    }

    /** Stops listening; subscribers are told the feed is lost. */
    @Override
    public void close() {
        Thread running;
        synchronized (this) {
            closed = true;
            running = receiver;
        }
        if (running == null) {
            return;
        }
        running.interrupt(); // wakes a wait between reconnection attempts
        try {
            running.join(CLOSE_WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
