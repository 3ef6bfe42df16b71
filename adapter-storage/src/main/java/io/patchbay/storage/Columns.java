package io.patchbay.storage;

import io.patchbay.core.error.InvalidInputException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/** How values are laid out in columns: instants as epoch nanoseconds, absent optionals as NULL. */
final class Columns {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private Columns() {
    }

    /**
     * A text value as stored. PostgreSQL's text cannot hold U+0000 (it would refuse the statement with a driver
     * error); it is refused on SQLite as well, so that both databases accept the same accounts.
     *
     * @throws InvalidInputException naming {@code field}
     */
    static String text(String field, String value) {
        if (value != null && value.indexOf('\u0000') >= 0) {
            throw InvalidInputException.of(field, "nul_character", field + " must not contain the NUL character "
                    + "(U+0000), which the database cannot store");
        }
        return value;
    }

    static String text(String field, Optional<String> value) {
        return text(field, value.orElse(null));
    }

    /** Whether these keys can name a stored row: one holding U+0000 cannot, as no stored text holds it. */
    static boolean storable(String... keys) {
        for (String key : keys) {
            if (key != null && key.indexOf('\u0000') >= 0) {
                return false;
            }
        }
        return true;
    }

    static long nanos(Instant instant) {
        try {
            return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), NANOS_PER_SECOND), instant.getNano());
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("instant " + instant + " is outside the storable range (years 1678-2262)");
        }
    }

    static Long nanos(Optional<Instant> instant) {
        return instant.map(Columns::nanos).orElse(null);
    }

    static Instant instant(long nanos) {
        return Instant.ofEpochSecond(Math.floorDiv(nanos, NANOS_PER_SECOND), Math.floorMod(nanos, NANOS_PER_SECOND));
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        return instant(rs.getLong(column));
    }

    static Optional<Instant> optionalInstant(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? Optional.empty() : Optional.of(instant(value));
    }

    static Optional<String> optional(ResultSet rs, String column) throws SQLException {
        return Optional.ofNullable(rs.getString(column));
    }
}
