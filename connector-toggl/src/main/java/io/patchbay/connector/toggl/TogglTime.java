package io.patchbay.connector.toggl;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.JsonDataException;
import com.squareup.moshi.JsonReader;
import com.squareup.moshi.JsonWriter;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.util.Optional;

/**
 * Toggl's timestamps in one place. The API mixes {@code 2024-12-16T02:18:20Z}, {@code ...+00:00}, microsecond
 * fractions in {@code at}, and the user's own offset in Reports; all are read into an {@link Instant} and written
 * back as RFC 3339 in UTC.
 */
final class TogglTime {

    /**
     * RFC 3339 date-time with 0 to 9 fraction digits and {@code Z}, {@code ±hh:mm} or {@code ±hhmm}. Strict: an
     * impossible date such as February 31 is refused, not moved to the month's last day.
     */
    static final DateTimeFormatter LENIENT = new DateTimeFormatterBuilder()
            .parseCaseInsensitive()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .appendLiteral('T')
            .appendValue(ChronoField.HOUR_OF_DAY, 2)
            .appendLiteral(':')
            .appendValue(ChronoField.MINUTE_OF_HOUR, 2)
            .appendLiteral(':')
            .appendValue(ChronoField.SECOND_OF_MINUTE, 2)
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
            .optionalStart().appendOffset("+HH:MM", "Z").optionalEnd()
            .optionalStart().appendOffset("+HHMM", "Z").optionalEnd()
            .toFormatter()
            .withResolverStyle(ResolverStyle.STRICT);

    private TogglTime() {
    }

    static Instant parse(String text) {
        return parseOffset(text).toInstant();
    }

    /** As {@link #parse}, keeping the offset: a report entry's day is the one in the user's own zone. */
    static OffsetDateTime parseOffset(String text) {
        return OffsetDateTime.parse(text.strip(), LENIENT);
    }

    static Optional<Instant> tryParse(String text) {
        try {
            return Optional.of(parse(text));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** {@code YYYY-MM-DD}; ISO_LOCAL_DATE resolves strictly, so February 30 is refused. */
    static Optional<LocalDate> tryParseDate(String text) {
        try {
            return Optional.of(LocalDate.parse(text.strip(), DateTimeFormatter.ISO_LOCAL_DATE));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** RFC 3339 in UTC, e.g. {@code 2024-12-16T02:18:20Z}. */
    static String format(Instant instant) {
        return instant == null ? null : DateTimeFormatter.ISO_INSTANT.format(instant);
    }

    /** The Moshi adapter; register it null-safe. */
    static final class Adapter extends JsonAdapter<Instant> {
        @Override
        public Instant fromJson(JsonReader reader) throws IOException {
            String text = reader.nextString();
            try {
                return parse(text);
            } catch (DateTimeParseException e) {
                throw new JsonDataException("not an RFC 3339 timestamp at " + reader.getPath() + ": " + text);
            }
        }

        @Override
        public void toJson(JsonWriter writer, Instant value) throws IOException {
            writer.value(format(value));
        }
    }

    /** The Moshi adapter for times whose offset matters; register it null-safe. Written back in UTC. */
    static final class OffsetAdapter extends JsonAdapter<OffsetDateTime> {
        @Override
        public OffsetDateTime fromJson(JsonReader reader) throws IOException {
            String text = reader.nextString();
            try {
                return parseOffset(text);
            } catch (DateTimeParseException e) {
                throw new JsonDataException("not an RFC 3339 timestamp at " + reader.getPath() + ": " + text);
            }
        }

        @Override
        public void toJson(JsonWriter writer, OffsetDateTime value) throws IOException {
            writer.value(format(value.toInstant()));
        }
    }
}
