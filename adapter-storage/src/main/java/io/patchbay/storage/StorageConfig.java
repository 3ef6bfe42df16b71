package io.patchbay.storage;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How to reach the database and the keyset.
 *
 * @param jdbcUrl        {@code jdbc:sqlite:<file>} (one instance) or {@code jdbc:postgresql://...} (several
 *                       instances sharing one database)
 * @param keyset         where the keyset that seals account secrets lives
 * @param generateKeyset create a new keyset file on first start when the file is missing and no secret is stored yet
 * @param poolSize       database connections held open (SQLite still writes through one at a time)
 * @param missingKeysetHint what to do when the keyset file is missing and is not to be generated, ending the start-up
 *                       error; a host with commands and settings of its own names them here
 *                       ({@link #withMissingKeysetHint})
 * @param statementTimeout PostgreSQL: how long one statement may run on a pooled connection before the database
 *                       cancels it ({@link #DEFAULT_STATEMENT_TIMEOUT}; {@link #withStatementTimeout}); migrations
 *                       are not bound by it. SQLite ignores it.
 */
public record StorageConfig(String jdbcUrl, Optional<String> user, Optional<String> password, KeysetSource keyset,
                            boolean generateKeyset, int poolSize, String missingKeysetHint,
                            Duration statementTimeout) {

    public static final String EMBEDDED_DATABASE_FILE = "patchbay.db";
    public static final String EMBEDDED_KEYSET_FILE = "keyset.json";
    public static final int DEFAULT_POOL_SIZE = 4;
    /**
     * Far above any statement the server makes (an indexed page of a list, one batch of a re-encryption), yet a
     * statement that runs away (a stuck plan, a filter scanning a huge table) gives its pooled connection back
     * rather than hold it, and enough of them would take the whole pool from every other call.
     */
    public static final Duration DEFAULT_STATEMENT_TIMEOUT = Duration.ofSeconds(30);
    /** For embedders, who create the keyset with this module's API and set this record's fields. */
    public static final String DEFAULT_MISSING_KEYSET_HINT = "Create one with io.patchbay.storage.Keysets.generate() "
            + "(write the JSON it returns to that file, readable by the owner only), or set generateKeyset to create "
            + "it on a first start.";
    static final String SQLITE_PREFIX = "jdbc:sqlite:";
    static final String POSTGRESQL_PREFIX = "jdbc:postgresql:";

    public StorageConfig {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(keyset, "keyset");
        Objects.requireNonNull(missingKeysetHint, "missingKeysetHint");
        Objects.requireNonNull(statementTimeout, "statementTimeout");
        if (!jdbcUrl.startsWith(SQLITE_PREFIX) && !jdbcUrl.startsWith(POSTGRESQL_PREFIX)) {
            throw new IllegalArgumentException("jdbcUrl: must start with " + SQLITE_PREFIX + " or "
                    + POSTGRESQL_PREFIX + ", got '" + redact(jdbcUrl) + "'");
        }
        if (jdbcUrl.startsWith(SQLITE_PREFIX)) {
            String file = sqliteFile(jdbcUrl);
            if (file.isBlank() || file.contains(":memory:") || file.contains("mode=memory")) {
                throw new IllegalArgumentException("jdbcUrl: SQLite needs a database file path (an in-memory "
                        + "database would vanish and cannot be shared by pooled connections)");
            }
        }
        if (poolSize < 1 || poolSize > 64) {
            throw new IllegalArgumentException("poolSize: must be between 1 and 64, got " + poolSize);
        }
        if (generateKeyset && !(keyset instanceof KeysetSource.File)) {
            throw new IllegalArgumentException("generateKeyset: only a keyset file can be generated, not "
                    + keyset.describe());
        }
        if (missingKeysetHint.isBlank()) {
            throw new IllegalArgumentException("missingKeysetHint: must say what to do, got a blank text");
        }
        if (statementTimeout.isNegative() || statementTimeout.toMillis() < 1) {
            throw new IllegalArgumentException("statementTimeout: must be at least 1 ms (0 would let a statement run "
                    + "without limit), got " + statementTimeout);
        }
    }

    /** With the {@link #DEFAULT_STATEMENT_TIMEOUT}. */
    public StorageConfig(String jdbcUrl, Optional<String> user, Optional<String> password, KeysetSource keyset,
                         boolean generateKeyset, int poolSize, String missingKeysetHint) {
        this(jdbcUrl, user, password, keyset, generateKeyset, poolSize, missingKeysetHint, DEFAULT_STATEMENT_TIMEOUT);
    }

    /** With the {@link #DEFAULT_MISSING_KEYSET_HINT} and the {@link #DEFAULT_STATEMENT_TIMEOUT}. */
    public StorageConfig(String jdbcUrl, Optional<String> user, Optional<String> password, KeysetSource keyset,
                         boolean generateKeyset, int poolSize) {
        this(jdbcUrl, user, password, keyset, generateKeyset, poolSize, DEFAULT_MISSING_KEYSET_HINT);
    }

    /**
     * This configuration, with {@code hint} ending the error a missing keyset file causes, in the host's own terms
     * (its command that creates a keyset, its setting that enables generation); storage does not know them.
     */
    public StorageConfig withMissingKeysetHint(String hint) {
        Objects.requireNonNull(hint, "hint");
        return new StorageConfig(jdbcUrl, user, password, keyset, generateKeyset, poolSize, hint, statementTimeout);
    }

    /** This configuration, with PostgreSQL statements cancelled after {@code timeout} (at least 1 ms). */
    public StorageConfig withStatementTimeout(Duration timeout) {
        return new StorageConfig(jdbcUrl, user, password, keyset, generateKeyset, poolSize, missingKeysetHint,
                timeout);
    }

    /**
     * Zero setup: {@code <dataDir>/patchbay.db} (SQLite, WAL) and {@code <dataDir>/keyset.json}, both created on
     * first start; the keyset file is owner-only (600) and its location is logged.
     */
    public static StorageConfig embeddedDefault(Path dataDir) {
        Objects.requireNonNull(dataDir, "dataDir");
        return new StorageConfig(SQLITE_PREFIX + dataDir.resolve(EMBEDDED_DATABASE_FILE), Optional.empty(),
                Optional.empty(), KeysetSource.file(dataDir.resolve(EMBEDDED_KEYSET_FILE)), true, DEFAULT_POOL_SIZE);
    }

    boolean sqlite() {
        return jdbcUrl.startsWith(SQLITE_PREFIX);
    }

    /** The SQLite database file, absolute; empty for PostgreSQL. */
    Optional<Path> databaseFile() {
        return sqlite() ? Optional.of(Path.of(sqliteFile(jdbcUrl)).toAbsolutePath()) : Optional.empty();
    }

    /** This configuration, with a missing keyset file refused rather than generated. */
    StorageConfig withoutKeysetGeneration() {
        return new StorageConfig(jdbcUrl, user, password, keyset, false, poolSize, missingKeysetHint,
                statementTimeout);
    }

    /** The database file of a SQLite URL, without URL parameters. */
    static String sqliteFile(String url) {
        String rest = url.substring(SQLITE_PREFIX.length());
        int query = rest.indexOf('?');
        return query < 0 ? rest : rest.substring(0, query);
    }

    /**
     * The URL (or any text holding one) for messages: a password given as a URL parameter or as user information
     * ({@code //user:password@host}) is hidden.
     */
    static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^&;\\s]*", "$1***")
                .replaceAll("(//[^/:@\\s]*:)[^/\\s]*@", "$1***@");
    }

    /**
     * Text from the driver or the pool (which may echo the URL, or a part of it such as its user information) with
     * the URL's passwords and the configured password hidden.
     */
    String redactSecrets(String text) {
        String redacted = redact(text);
        for (String secret : secretsInUrl()) {
            redacted = redacted.replace(secret, "***");
        }
        if (password.isPresent() && !password.get().isEmpty()) {
            redacted = redacted.replace(password.get(), "***");
        }
        return redacted;
    }

    /** The literal passwords the URL holds, so that a message quoting them in pieces is still cleaned. */
    private List<String> secretsInUrl() {
        List<String> secrets = new ArrayList<>();
        for (String pattern : new String[] {"(?i)password=([^&;\\s]+)", "//[^/:@\\s]*:([^/\\s]+)@"}) {
            Matcher matcher = Pattern.compile(pattern).matcher(jdbcUrl);
            while (matcher.find()) {
                secrets.add(matcher.group(1));
            }
        }
        return secrets;
    }

    @Override
    public String toString() {
        return "StorageConfig[jdbcUrl=" + redact(jdbcUrl) + ", user=" + user.orElse("") + ", password="
                + (password.isPresent() ? "***" : "") + ", keyset=" + keyset.describe() + ", generateKeyset="
                + generateKeyset + ", poolSize=" + poolSize + ", statementTimeout=" + statementTimeout + "]";
    }
}
