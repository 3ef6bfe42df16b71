package io.patchbay.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationVersion;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/** The pooled database, its migrations, and how writes are made on each dialect. */
final class Database implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Database.class);
    /** The migrations of both databases. */
    static final String MIGRATIONS = "classpath:io/patchbay/storage/migration";
    /**
     * PostgreSQL's own migrations (its account change trigger). Versions are one sequence across both folders, so
     * SQLite simply has gaps where PostgreSQL has a migration of its own.
     */
    static final String POSTGRESQL_MIGRATIONS = "classpath:io/patchbay/storage/postgresql-migration";
    private static final int BUSY_TIMEOUT_MILLIS = 10_000;
    /**
     * PostgreSQL: how long a statement waits for a lock another transaction holds (a tool's row lock, say) before it
     * fails as busy, like SQLite's busy timeout; without it the write would wait as long as the lock is held, with one
     * of the pool's few connections, and the calls behind it would wait out the pool's timeout.
     */
    static final Duration LOCK_TIMEOUT = Duration.ofMillis(BUSY_TIMEOUT_MILLIS);
    /**
     * How long a caller waits for a pooled connection. Kept at 10 s, not shortened: under a burst, callers queue for
     * the pool's few connections and a wait of seconds is the queue, not a failure; a short timeout would turn load
     * into errors. A database that is down costs the calls that find it down this wait before their 503; the calls
     * after them fail at once ({@link #unreachable}), and {@link #ready()} answers within {@link #READY_TIMEOUT}.
     */
    private static final long CONNECTION_TIMEOUT_MILLIS = 10_000;
    /** How long a readiness check may take: readiness probes commonly give up after 1 to 3 s. */
    static final Duration READY_TIMEOUT = Duration.ofSeconds(2);
    private static final int ERASE_WAL_TIMEOUT_MILLIS = 1_000;
    /** Between two attempts of the outage watch, should the pool fail at once rather than wait for a connection. */
    private static final Duration WATCH_PAUSE = Duration.ofMillis(500);

    enum Dialect {
        SQLITE("", "5", MIGRATIONS),
        POSTGRESQL("COLLATE \"C\"", "5", MIGRATIONS, POSTGRESQL_MIGRATIONS);

        final String idCollation;
        /** The version of the newest file in {@link #migrations}; a test keeps the two in step. */
        final String latestMigration;
        final List<String> migrations;

        Dialect(String idCollation, String latestMigration, String... migrations) {
            this.idCollation = idCollation;
            this.latestMigration = latestMigration;
            this.migrations = List.of(migrations);
        }
    }

    /**
     * PostgreSQL advisory locks of this schema, taken for one transaction and released when it ends. The keys are fixed
     * (and listed in docs/storage.md), so every instance sharing the database takes the same lock.
     */
    enum AdvisoryLock {
        /** Held while checking for an active admin key and inserting the first one. */
        FIRST_ADMIN_KEY(0x5061_7463_0001L),
        /** Shared by writes of sealed secrets; held alone while unused keys are counted and removed from the keyset. */
        KEYSET(0x5061_7463_0002L);

        final long key;

        AdvisoryLock(long key) {
            this.key = key;
        }
    }

    private final Dialect dialect;
    private final Duration lockTimeout;
    private final Duration statementTimeout;
    private final HikariDataSource dataSource;
    private final Jdbi jdbi;
    private final MigrationVersion schemaVersion;
    /** SQLite has one writer: queueing writers here beats spinning in SQLite's busy handler. */
    private final ReentrantLock writeLock;
    /** SQLite: held while open, so no other process serves the same database (null on PostgreSQL). */
    private final ExclusiveFileLock instanceLock;
    /** SQLite: the file opened, which the configured path must still name (null on PostgreSQL). */
    private final DatabaseFile file;
    /** Runs readiness checks, one at a time, so a caller can stop waiting for one without leaving it behind. */
    private final ExecutorService readiness = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "patchbay-storage-ready");
        thread.setDaemon(true);
        return thread;
    });
    /**
     * The readiness check running or last run (empty when ready, else why not); callers arriving while one runs
     * wait for that one.
     */
    private Future<Optional<String>> readyCheck;
    /**
     * The file problem last logged (null: none), so a probe polling every few seconds does not repeat it each
     * time, and the return of the file is noticed.
     */
    private volatile String loggedFileProblem;
    /**
     * Why the database is down, while it is: set when a call fails to connect, cleared by the watch that then keeps
     * trying ({@link #watchUntilReachable}). Calls meanwhile fail at once instead of each waiting out the pool's
     * connection timeout, so an outage does not pile up threads behind the pool. Null while reachable.
     */
    private volatile String unreachable;
    /**
     * The last write the database refused for want of space or write access (disk full, read-only, I/O error), while
     * no write has succeeded since; null otherwise. Readiness reports it for {@link #WRITE_FAILURE_HOLD} after it.
     */
    private volatile WriteFailure writeFailure;

    /**
     * How long readiness reports a refused write. Only a write that succeeds shows the disk has room again, and an
     * instance a load balancer took out of service gets none: so readiness comes back after this long without
     * another failure, and the next failed write reports it again.
     */
    static final Duration WRITE_FAILURE_HOLD = Duration.ofSeconds(30);

    private record WriteFailure(String cause, String reason, long atNanos) {
    }

    private Database(Dialect dialect, Duration lockTimeout, Duration statementTimeout, HikariDataSource dataSource,
                     MigrationVersion schemaVersion, ExclusiveFileLock instanceLock, DatabaseFile file) {
        this.instanceLock = instanceLock;
        this.file = file;
        this.dialect = dialect;
        this.lockTimeout = lockTimeout;
        this.statementTimeout = statementTimeout;
        this.dataSource = dataSource;
        this.jdbi = Jdbi.create(dataSource);
        this.schemaVersion = schemaVersion;
        this.writeLock = dialect == Dialect.SQLITE ? new ReentrantLock(true) : null;
    }

    /**
     * Connects and migrates; on failure nothing stays open.
     *
     * @throws StorageException also when another process uses the SQLite database
     */
    static Database open(StorageConfig config) {
        return open(config, LOCK_TIMEOUT);
    }

    /** As {@link #open(StorageConfig)}, with PostgreSQL statements waiting for a lock at most {@code lockTimeout}. */
    static Database open(StorageConfig config, Duration lockTimeout) {
        return open(config, lockTimeout, true);
    }

    /**
     * As {@link #open(StorageConfig, Duration)}; unless {@code create}, a database without Patchbay's schema (a
     * SQLite file that does not exist, a PostgreSQL database never migrated) is refused before anything is made.
     */
    static Database open(StorageConfig config, Duration lockTimeout, boolean create) {
        Objects.requireNonNull(lockTimeout, "lockTimeout");
        if (lockTimeout.toMillis() < 1) {
            throw new IllegalArgumentException("lockTimeout: at least 1 ms (0 would wait without limit)");
        }
        Dialect dialect = config.sqlite() ? Dialect.SQLITE : Dialect.POSTGRESQL;
        if (!create && config.databaseFile().filter(file -> !Files.isRegularFile(file)).isPresent()) {
            throw notInstalled(config);
        }
        ExclusiveFileLock instanceLock = dialect == Dialect.SQLITE ? lockSqlite(config.jdbcUrl()) : null;
        try {
            return open(config, dialect, lockTimeout, instanceLock, create);
        } catch (RuntimeException e) {
            release(instanceLock);
            throw e;
        }
    }

    private static StorageException notInstalled(StorageConfig config) {
        return new StorageException("There is no Patchbay database at " + config.databaseFile().map(Path::toString)
                .orElse(StorageConfig.redact(config.jdbcUrl())) + " (no Patchbay server has run on it); nothing "
                + "was created");
    }

    private static Database open(StorageConfig config, Dialect dialect, Duration lockTimeout,
                                 ExclusiveFileLock instanceLock, boolean create) {
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("patchbay-storage");
        hikari.setMaximumPoolSize(config.poolSize());
        hikari.setConnectionTimeout(CONNECTION_TIMEOUT_MILLIS);
        if (dialect == Dialect.SQLITE) {
            try {
                hikari.setDataSource(sqliteDataSource(config.jdbcUrl()));
            } catch (UncheckedIOException e) {
                throw new StorageException(e.getMessage() + ": " + e.getCause().getMessage(), e);
            }
        } else {
            postgres(hikari, config, lockTimeout, config.statementTimeout());
        }
        HikariDataSource dataSource;
        try {
            dataSource = new HikariDataSource(hikari);
        } catch (RuntimeException e) {
            throw new StorageException("Cannot connect to the database at " + StorageConfig.redact(config.jdbcUrl())
                    + ": " + config.redactSecrets(rootMessage(e)), withoutSecrets(e, config));
        }
        DatabaseFile file = null;
        if (dialect == Dialect.SQLITE) {
            // Taken once the pool holds the file open: that is the file SQLite writes to from now on.
            Path path = config.databaseFile().orElseThrow();
            try {
                file = DatabaseFile.opened(path, lockFile(path.toAbsolutePath()));
            } catch (IOException e) {
                dataSource.close();
                throw new StorageException("Cannot read the SQLite database file " + path + ": " + e.getMessage(), e);
            }
        }
        boolean current;
        try {
            current = schemaIsCurrent(dataSource, dialect, StorageConfig.redact(config.jdbcUrl()));
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
        if (!current && !create && !schemaHistoryPresent(dataSource)) {
            dataSource.close();
            throw notInstalled(config);
        }
        if (current) {
            // Most starts: nothing to migrate, and Flyway's class loading and scanning is a third of start-up.
            return new Database(dialect, lockTimeout, config.statementTimeout(), dataSource,
                    MigrationVersion.fromVersion(dialect.latestMigration), instanceLock, file);
        }
        try {
            MigrationVersion version;
            if (dialect == Dialect.SQLITE) {
                version = migrate(dataSource, dialect);
            } else {
                try (HikariDataSource migrations = migrationPool(config, lockTimeout)) {
                    version = migrate(migrations, dialect);
                }
            }
            // Flyway only warns about a newer schema; a newer instance may have migrated since the check above.
            MigrationVersion latest = MigrationVersion.fromVersion(dialect.latestMigration);
            if (version != null && version.compareTo(latest) > 0) {
                throw newerSchema(StorageConfig.redact(config.jdbcUrl()), version, latest);
            }
            return new Database(dialect, lockTimeout, config.statementTimeout(), dataSource, version, instanceLock,
                    file);
        } catch (StorageException e) {
            dataSource.close();
            throw e;
        } catch (RuntimeException e) {
            dataSource.close();
            throw new StorageException("Cannot migrate the database at " + StorageConfig.redact(config.jdbcUrl())
                    + ": " + config.redactSecrets(rootMessage(e)), withoutSecrets(e, config));
        }
    }

    /** Applies the dialect's pending migrations through {@code dataSource}; returns the schema version reached. */
    private static MigrationVersion migrate(javax.sql.DataSource dataSource, Dialect dialect) {
        Flyway flyway = Flyway.configure(Database.class.getClassLoader())
                .dataSource(dataSource)
                .locations(dialect.migrations.toArray(String[]::new))
                .placeholders(Map.of("idCollation", dialect.idCollation))
                .load();
        flyway.migrate();
        return flyway.info().current().getVersion();
    }

    /**
     * PostgreSQL: the settings of every connection the pool opens. A server-wide or role default of either
     * timeout is overridden, so the bounds are the ones documented whatever the database was set up with.
     */
    private static void postgres(HikariConfig hikari, StorageConfig config, Duration lockTimeout,
                                 Duration statementTimeout) {
        hikari.setJdbcUrl(config.jdbcUrl());
        hikari.setConnectionInitSql("SET lock_timeout = " + lockTimeout.toMillis() + "; SET statement_timeout = "
                + statementTimeout.toMillis());
        config.user().ifPresent(hikari::setUsername);
        config.password().ifPresent(hikari::setPassword);
    }

    /**
     * PostgreSQL: connections of their own for Flyway, closed once it is done, without a statement timeout: a
     * migration may rightly run long (an index built on a big table), and cutting it would fail the start half
     * done. They are not the pool's, so the unbounded setting never reaches a call. The lock timeout stays:
     * Flyway's migration lock is taken with pg_try_advisory_lock and retried, never waited for, and a migration
     * stuck behind another transaction's lock fails the start rather than queue every other instance's statements
     * on that table behind it.
     */
    static HikariDataSource migrationPool(StorageConfig config, Duration lockTimeout) {
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("patchbay-storage-migration");
        hikari.setMaximumPoolSize(config.poolSize());
        hikari.setMinimumIdle(0);
        hikari.setConnectionTimeout(CONNECTION_TIMEOUT_MILLIS);
        postgres(hikari, config, lockTimeout, Duration.ZERO);
        return new HikariDataSource(hikari);
    }

    /**
     * The cause to attach to a start-up error: the failure itself, unless its chain quotes a password (a pool that
     * refuses a URL repeats it whole), which would reach the log with the stack trace.
     */
    private static Throwable withoutSecrets(RuntimeException e, StorageConfig config) {
        return anyInChain(e, t -> t.getMessage() != null
                && !t.getMessage().equals(config.redactSecrets(t.getMessage()))) ? null : e;
    }

    /**
     * Whether the newest migration this code ships for the dialect is applied, with no failed one recorded. A fresh,
     * partly migrated or unreadable schema answers false and goes through Flyway.
     *
     * @throws StorageException when the history records a migration newer than this code ships (a newer release
     *                          migrated the database): this code does not know that schema, and Flyway would only warn
     */
    static boolean schemaIsCurrent(javax.sql.DataSource dataSource, Dialect dialect, String database) {
        MigrationVersion latest = MigrationVersion.fromVersion(dialect.latestMigration);
        MigrationVersion newest = null;
        boolean latestApplied = false;
        boolean failed = false;
        try (var connection = dataSource.getConnection();
             var statement = connection.createStatement();
             var rows = statement.executeQuery("SELECT version, success FROM flyway_schema_history "
                     + "WHERE version IS NOT NULL")) {
            while (rows.next()) {
                MigrationVersion version = MigrationVersion.fromVersion(rows.getString("version"));
                // A failed newer migration counts too: a newer release has begun changing the schema.
                newest = newest == null || version.compareTo(newest) > 0 ? version : newest;
                failed |= !rows.getBoolean("success");
                latestApplied |= version.compareTo(latest) == 0;
            }
        } catch (java.sql.SQLException e) {
            return false;
        }
        if (newest != null && newest.compareTo(latest) > 0) {
            throw newerSchema(database, newest, latest);
        }
        return latestApplied && !failed;
    }

    /** Whether Flyway ever migrated this database: its history table is there. */
    private static boolean schemaHistoryPresent(javax.sql.DataSource dataSource) {
        try (var connection = dataSource.getConnection();
             var statement = connection.createStatement();
             var rows = statement.executeQuery("SELECT count(*) FROM flyway_schema_history")) {
            return rows.next() && rows.getLong(1) > 0;
        } catch (java.sql.SQLException e) {
            return false;
        }
    }

    private static StorageException newerSchema(String database, MigrationVersion found, MigrationVersion latest) {
        return new StorageException("Refusing to start: the schema of " + database + " is at version "
                + found.getVersion() + ", newer than version " + latest.getVersion() + ", the newest this Patchbay "
                + "release knows. A newer Patchbay release migrated it, and this one would misread or damage what it "
                + "changed. Upgrade Patchbay to that release (or a later one); to go back to this release, restore a "
                + "database backup taken before the upgrade.");
    }

    /**
     * Locks {@code <database file>.lock} beside a SQLite database, creating its directory when missing. SQLite is for
     * one server process: a second one would serve, from its own account cache, accounts the first changed or
     * deleted, for as long as it runs. The operating system drops the lock when the process ends, however it ends.
     */
    private static ExclusiveFileLock lockSqlite(String url) {
        Path file = Path.of(StorageConfig.sqliteFile(url)).toAbsolutePath();
        Path lockFile = lockFile(file);
        try {
            OwnerOnly.createDirectories(file.getParent());
        } catch (IOException e) {
            throw new StorageException("Cannot create the directory of the SQLite database " + file + ": "
                    + e.getMessage(), e);
        }
        try {
            return ExclusiveFileLock.tryAcquire(lockFile).orElseThrow(() -> new StorageException("Refusing to start: "
                    + "another Patchbay process uses " + file.getParent() + " (it holds " + lockFile + "). SQLite "
                    + "serves one process: stop the other one, or use PostgreSQL for several instances."));
        } catch (IOException e) {
            throw new StorageException("Cannot lock the SQLite database " + file + " (" + lockFile + "): "
                    + e.getMessage(), e);
        }
    }

    private static Path lockFile(Path databaseFile) {
        return databaseFile.resolveSibling(databaseFile.getFileName() + ".lock");
    }

    private static void release(ExclusiveFileLock lock) {
        if (lock == null) {
            return;
        }
        try {
            lock.close();
        } catch (IOException e) {
            LOG.warn("Cannot release the lock on the SQLite database: {}", e.getMessage());
        }
    }

    private static SQLiteDataSource sqliteDataSource(String url) {
        Path file = Path.of(StorageConfig.sqliteFile(url)).toAbsolutePath();
        if (!Files.exists(file)) {
            LOG.info("Creating the SQLite database at {}", file);
            try {
                // Empty, it is a new database to SQLite, which gives its -wal and -shm files the same permissions.
                Files.createFile(file, OwnerOnly.file());
            } catch (FileAlreadyExistsException e) {
                // created meanwhile: SQLite opens it as it is
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot create the SQLite database " + file, e);
            }
        }
        SqliteNativeLibrary.useCopyIn(file.getParent());
        SQLiteConfig sqlite = new SQLiteConfig();
        sqlite.setJournalMode(SQLiteConfig.JournalMode.WAL);
        // In WAL mode NORMAL never corrupts the file; a power cut may lose the last commits, an application crash not.
        sqlite.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        sqlite.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
        sqlite.enforceForeignKeys(true);
        // Freed pages are zeroed, so a deleted account's ciphertext does not linger in the file.
        sqlite.setPragma(SQLiteConfig.Pragma.SECURE_DELETE, "true");
        // Take the write lock when a transaction begins, never upgrade later (which would fail at once when busy).
        sqlite.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        SQLiteDataSource dataSource = new SQLiteDataSource(sqlite);
        dataSource.setUrl(StorageConfig.SQLITE_PREFIX + file);
        return dataSource;
    }

    Dialect dialect() {
        return dialect;
    }

    javax.sql.DataSource dataSource() {
        return dataSource;
    }

    Jdbi jdbi() {
        return jdbi;
    }

    /**
     * A read in autocommit mode: never blocks writers on SQLite (WAL) or PostgreSQL.
     *
     * @throws StorageException when the database cannot be reached
     */
    <T> T read(HandleCallback<T, RuntimeException> callback) {
        failFastWhileUnreachable();
        try {
            return jdbi.withHandle(callback);
        } catch (RuntimeException e) {
            throw unavailableOr(e);
        }
    }

    /**
     * One write transaction; on SQLite, one at a time within this process.
     *
     * @throws StorageException when the database cannot be reached, or the SQLite file is no longer at its path
     */
    <T> T write(HandleCallback<T, RuntimeException> callback) {
        failFastWhileUnreachable();
        refuseWhileFileMoved();
        try {
            T result;
            if (writeLock == null) {
                result = jdbi.inTransaction(callback);
            } else {
                result = writeSqlite(callback);
            }
            if (writeFailure != null) {
                writeFailure = null;
                LOG.info("Writes succeed again");
            }
            return result;
        } catch (RuntimeException e) {
            throw unavailableOr(e);
        }
    }

    /**
     * SQLite: one deadline, the busy timeout, covers both the wait behind this process's other writes and SQLite's
     * busy wait for another program's lock; otherwise each queued write would wait its turn and then the whole busy
     * timeout again.
     */
    private <T> T writeSqlite(HandleCallback<T, RuntimeException> callback) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(BUSY_TIMEOUT_MILLIS);
        try {
            if (!writeLock.tryLock(BUSY_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
                throw StorageException.busy("The database is busy: the writes of this process ahead of this one "
                        + "held the SQLite write lock for more than " + BUSY_TIMEOUT_MILLIS / 1000 + " s", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting to write", e);
        }
        try (Handle h = jdbi.open()) {
            org.sqlite.SQLiteConnection connection = h.getConnection().unwrap(org.sqlite.SQLiteConnection.class);
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            connection.setBusyTimeout((int) Math.max(1, left));
            try {
                return h.inTransaction(callback);
            } finally {
                connection.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot set the SQLite busy timeout", e);
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * PostgreSQL: takes the advisory lock until the transaction of {@code h} ends, waiting at most the lock timeout
     * (then busy). Nothing on SQLite, whose write transactions already run one at a time.
     */
    void lock(Handle h, AdvisoryLock lock, boolean shared) {
        if (dialect == Dialect.POSTGRESQL) {
            h.createQuery("SELECT " + (shared ? "pg_advisory_xact_lock_shared" : "pg_advisory_xact_lock") + "(:key)")
                    .bind("key", lock.key)
                    .mapToMap().one();
        }
    }

    /**
     * Reachable, the migrations this code expects are applied and, on SQLite, the configured path still names the
     * file opened; answers within {@link #READY_TIMEOUT}, false when the check takes longer (a database that is down
     * makes the pool wait for a connection much longer).
     */
    boolean ready() {
        return notReady().isEmpty();
    }

    /** Why the storage is not {@link #ready()}, empty when it is; within {@link #READY_TIMEOUT}. */
    Optional<String> notReady() {
        if (dataSource.isClosed()) {
            return Optional.of("the storage is closed");
        }
        String down = unreachable;
        if (down != null) {
            return Optional.of("the database cannot be reached: " + down);
        }
        WriteFailure failed = writeFailure;
        if (failed != null && System.nanoTime() - failed.atNanos() < WRITE_FAILURE_HOLD.toNanos()) {
            return Optional.of("writes fail: " + failed.reason());
        }
        Future<Optional<String>> check;
        try {
            synchronized (readiness) {
                if (readyCheck == null || readyCheck.isDone()) {
                    readyCheck = readiness.submit(this::checkReady);
                }
                check = readyCheck;
            }
            return check.get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warn("Storage not ready: the database did not answer within {} ms", READY_TIMEOUT.toMillis());
            return Optional.of("the database did not answer within " + READY_TIMEOUT.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("the readiness check was interrupted");
        } catch (ExecutionException | RejectedExecutionException e) {
            return Optional.of("the storage is closed"); // closed meanwhile
        }
    }

    private Optional<String> checkReady() {
        Optional<String> moved = fileProblem();
        if (moved.isPresent()) {
            return moved;
        }
        try {
            return schemaApplied() ? Optional.empty()
                    : Optional.of("the schema is not at version " + schemaVersion.getVersion());
        } catch (RuntimeException e) {
            LOG.warn("Storage not ready: {}", rootMessage(e));
            return Optional.of(rootMessage(e));
        }
    }

    /** SQLite: why the configured path no longer names the opened file, logged once per change; one stat. */
    private Optional<String> fileProblem() {
        if (file == null) {
            return Optional.empty();
        }
        Optional<String> problem = file.problem();
        String now = problem.orElse(null);
        if (!Objects.equals(now, loggedFileProblem)) {
            synchronized (file) {
                if (!Objects.equals(now, loggedFileProblem)) {
                    if (now == null) {
                        // Connections the pool opened meanwhile opened whatever was at the path, not this file.
                        dataSource.getHikariPoolMXBean().softEvictConnections();
                        LOG.info("The SQLite database file {} is the file opened at start again", file.path());
                    } else {
                        LOG.warn("Storage not ready, writes refused: {}", now);
                    }
                    loggedFileProblem = now;
                }
            }
        }
        return problem;
    }

    private void refuseWhileFileMoved() {
        Optional<String> problem = fileProblem();
        if (problem.isPresent()) {
            throw new StorageException("Refusing to write: " + problem.get());
        }
    }

    /** Not through {@link #read}: the watch asks the database itself while calls fail fast. */
    private boolean schemaApplied() {
        try {
            return jdbi.withHandle(h -> h.createQuery(
                            "SELECT COUNT(*) FROM flyway_schema_history WHERE success AND version = :v")
                    .bind("v", schemaVersion.getVersion())
                    .mapTo(Integer.class).one()) == 1;
        } catch (RuntimeException e) {
            throw unavailableOr(e);
        }
    }

    /** False when interrupted (storage closing). */
    private static boolean pause(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void failFastWhileUnreachable() {
        String reason = unreachable;
        if (reason != null) {
            throw new StorageException("The database cannot be reached: " + reason);
        }
    }

    /**
     * Keeps asking the database (each attempt waits up to the pool's connection timeout, and the pool keeps
     * connecting meanwhile) until it answers, then lets calls through again.
     */
    private void watchUntilReachable() {
        while (!dataSource.isClosed()) {
            try {
                schemaApplied();
                unreachable = null;
                LOG.info("The database can be reached again");
                return;
            } catch (StorageException e) {
                unreachable = rootMessage(e);
                if (!pause(WATCH_PAUSE)) {
                    return;
                }
            } catch (RuntimeException e) {
                unreachable = null; // it answered: whatever failed is not the connection
                return;
            }
        }
    }

    /**
     * SQLite only, after a committed delete: copies the WAL into the (secure-delete zeroed) file and empties it,
     * so no earlier page image with the erased ciphertext survives in the WAL. Best effort, never throws: the delete
     * is committed, and a stored change is never reported as failed. When the erase cannot run (no connection in
     * time, the storage closing), that is logged; the frames are overwritten as the WAL is reused, or checkpointed
     * when the database closes, and hold only ciphertext.
     */
    void eraseWal() {
        if (writeLock == null) {
            return;
        }
        writeLock.lock();
        try {
            jdbi.useHandle(h -> {
                // Waits for readers to leave the WAL, but not long: a delete must not hang behind a busy server.
                // If it gives up, the frames are overwritten as the WAL is reused (and hold only ciphertext).
                h.execute("PRAGMA busy_timeout = " + ERASE_WAL_TIMEOUT_MILLIS);
                try {
                    h.createQuery("PRAGMA wal_checkpoint(TRUNCATE)").mapToMap().list();
                } finally {
                    h.execute("PRAGMA busy_timeout = " + BUSY_TIMEOUT_MILLIS);
                }
            });
        } catch (RuntimeException e) {
            LOG.warn("The SQLite WAL was not erased after deleting an account (the delete is stored): {}", rootMessage(e));
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public void close() {
        readiness.shutdownNow();
        try {
            dataSource.close();
        } finally {
            release(instanceLock);
        }
    }

    /** A unique index or primary key refused a row, on either database. */
    static boolean isUniqueViolation(Throwable e) {
        return anyInChain(e, t -> t instanceof SQLException sql && ("23505".equals(sql.getSQLState())
                || (sql instanceof org.sqlite.SQLiteException lite
                && lite.getResultCode().name().matches("SQLITE_CONSTRAINT_(UNIQUE|PRIMARYKEY)"))));
    }

    /**
     * A {@link StorageException} for a failure to reach the database (no connection within the pool's timeout,
     * connection refused or lost, the server shutting down), so callers answer "storage unavailable"; any other
     * failure as it is.
     */
    RuntimeException unavailableOr(RuntimeException e) {
        if (anyInChain(e, t -> t instanceof InterruptedException)) {
            // The calling thread was interrupted (the server stopping) while it waited for a connection: not the
            // database's doing, so it is neither marked down nor called busy, and the caller sees the interruption.
            return e;
        }
        Optional<String> cannotWrite = e instanceof StorageException ? Optional.empty() : cannotWrite(e);
        if (cannotWrite.isPresent()) {
            // The database is there but refuses to store anything: an operator must act, and each request saying so
            // with a stack trace would bury the one line that names the cause. Logged here once; no cause attached.
            String reason = cannotWrite.get() + " (" + rootMessage(e) + ")";
            WriteFailure before = writeFailure;
            writeFailure = new WriteFailure(cannotWrite.get(), reason, System.nanoTime());
            // Once per cause: the database's own text names a different file or table on each statement.
            if (before == null || !before.cause().equals(cannotWrite.get())) {
                LOG.warn("Writes fail: {}; the storage reports not ready until a write succeeds", reason, e);
            }
            return new StorageException("The database cannot be written: " + reason);
        }
        if (!(e instanceof StorageException) && isBusy(e)) {
            // Another program holds SQLite's write lock past the busy timeout, or a lock on PostgreSQL past the lock
            // timeout: the database is there, just not available now, so the caller may retry (503), and other
            // calls are not made to fail fast.
            String holder = dialect == Dialect.SQLITE
                    ? "another program has held the SQLite write lock for more than " + BUSY_TIMEOUT_MILLIS / 1000
                    + " s"
                    : "another transaction has held a lock this write needs for more than " + describe(lockTimeout);
            return StorageException.busy("The database is busy: " + holder + " (" + rootMessage(e) + ")", e);
        }
        if (!(e instanceof StorageException) && isCancelled(e)) {
            // A statement that ran past the statement timeout (or that an administrator cancelled): its connection
            // is back in the pool and the database is there, so the caller may retry (503) and nothing fails fast.
            String why = rootMessage(e).contains("statement timeout")
                    ? "a statement ran for more than " + describe(statementTimeout) + ", the statement timeout, and "
                    + "was cancelled"
                    : "a statement was cancelled";
            return StorageException.busy("The database is busy: " + why + " (" + rootMessage(e) + ")", e);
        }
        if (!(e instanceof StorageException) && isPoolTimeout(e)) {
            // Load, not an outage: the calls queued behind it go on waiting their turn rather than fail fast.
            return StorageException.busy("The database is busy: every pooled connection stayed in use for more than "
                    + CONNECTION_TIMEOUT_MILLIS / 1000 + " s (" + rootMessage(e) + ")", e);
        }
        RuntimeException answer = connectionFailureOr(e);
        if (answer != e && isDatabaseDown(e)) {
            markUnreachable(rootMessage(e));
        }
        return answer;
    }

    private void markUnreachable(String reason) {
        synchronized (readiness) {
            if (unreachable != null || dataSource.isClosed()) {
                return;
            }
            unreachable = reason;
            LOG.warn("The database cannot be reached ({}); calls fail at once until it answers again", reason);
            try {
                readiness.execute(this::watchUntilReachable);
            } catch (RejectedExecutionException closed) {
                unreachable = null;
            }
        }
    }

    /**
     * A connection attempt failed, as opposed to every pooled connection being busy: a pool timeout without a
     * failed attempt behind it is load, and must not make the calls queued behind it fail fast.
     */
    static boolean isDatabaseDown(Throwable e) {
        return !isPoolTimeout(e) && isConnectionFailure(e);
    }

    /** The pool had no free connection within its timeout, and no attempt to connect failed. */
    static boolean isPoolTimeout(Throwable e) {
        return anyInChain(e, t -> t instanceof SQLTransientConnectionException timeout
                && t.getCause() == null && timeout.getSQLState() == null);
    }

    private static String describe(Duration timeout) {
        long millis = timeout.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }

    /**
     * SQLite gave up waiting for a lock another connection (another program) holds, or PostgreSQL did
     * (lock_not_available, 55P03: the lock timeout passed).
     */
    static boolean isBusy(Throwable e) {
        return anyInChain(e, t -> (t instanceof org.sqlite.SQLiteException lite
                && lite.getResultCode().name().matches("SQLITE_(BUSY|LOCKED)(_.*)?"))
                || (t instanceof SQLException sql && "55P03".equals(sql.getSQLState())));
    }

    /**
     * Why the database refuses writes, when it is for want of space or write access: SQLite's SQLITE_FULL,
     * SQLITE_READONLY* and SQLITE_IOERR*; PostgreSQL's disk_full (53100), read_only_sql_transaction (25006: a
     * standby after a failover, or default_transaction_read_only) and io_error (58030).
     */
    static Optional<String> cannotWrite(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof org.sqlite.SQLiteException lite) {
                String code = lite.getResultCode().name();
                if (code.equals("SQLITE_FULL")) {
                    return Optional.of("the disk holding the SQLite database is full");
                }
                if (code.startsWith("SQLITE_READONLY")) {
                    return Optional.of("the SQLite database is not writable (read-only file, directory or file system)");
                }
                if (code.startsWith("SQLITE_IOERR")) {
                    return Optional.of("the SQLite database file cannot be read or written (I/O error)");
                }
            } else if (t instanceof SQLException sql && sql.getSQLState() != null) {
                switch (sql.getSQLState()) {
                    case "53100":
                        return Optional.of("the disk of the PostgreSQL server is full");
                    case "25006":
                        return Optional.of("the PostgreSQL server accepts no writes (a read-only standby, or "
                                + "default_transaction_read_only)");
                    case "58030":
                        return Optional.of("the PostgreSQL server cannot read or write its disk (I/O error)");
                    default:
                        break;
                }
            }
        }
        return Optional.empty();
    }

    /** PostgreSQL cancelled a statement (query_canceled, 57014): the statement timeout passed, or a cancel request. */
    static boolean isCancelled(Throwable e) {
        return anyInChain(e, t -> t instanceof SQLException sql && "57014".equals(sql.getSQLState()));
    }

    static RuntimeException connectionFailureOr(RuntimeException e) {
        if (e instanceof StorageException || !isConnectionFailure(e)) {
            return e;
        }
        return new StorageException("The database cannot be reached: " + rootMessage(e), e);
    }

    static boolean isConnectionFailure(Throwable e) {
        // SQL state class 08 is "connection exception"; 57P01-57P03: PostgreSQL shutting down or starting up.
        return anyInChain(e, t -> t instanceof org.jdbi.v3.core.ConnectionException
                || t instanceof SQLTransientConnectionException || t instanceof SQLNonTransientConnectionException
                || (t instanceof SQLException sql && sql.getSQLState() != null
                && (sql.getSQLState().startsWith("08") || sql.getSQLState().matches("57P0[123]"))));
    }

    /** Whether {@code e} or any of its causes passes {@code test}. */
    private static boolean anyInChain(Throwable e, Predicate<Throwable> test) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (test.test(t)) {
                return true;
            }
        }
        return false;
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
