package io.patchbay.connector.oneflow;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.JsonDataException;
import com.squareup.moshi.JsonReader;
import com.squareup.moshi.JsonWriter;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.Objects;

/**
 * Oneflow timestamps. REST resources write {@code +00:00}, webhook payloads write {@code +0000} (no colon), which
 * {@link OffsetDateTime#parse(CharSequence)} rejects; this parser takes both, and {@code Z}.
 */
public final class OneflowTime {
    /** Lenient about the offset's form only: an impossible date such as November 31 is refused, not moved. */
    private static final DateTimeFormatter LENIENT = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE_TIME)
            .optionalStart().appendOffset("+HH:MM:ss", "Z").optionalEnd()
            .optionalStart().appendOffset("+HHMM", "Z").optionalEnd()
            .toFormatter()
            .withResolverStyle(ResolverStyle.STRICT);

    private OneflowTime() {
    }

    /**
     * Parses an ISO-8601 date-time with an offset written as {@code Z}, {@code +HH:MM} or {@code +HHMM}.
     *
     * @throws DateTimeParseException when the text is not such a timestamp (the message names the text, which
     *                                is never a secret)
     */
    public static OffsetDateTime parse(String text) {
        Objects.requireNonNull(text, "text");
        return OffsetDateTime.parse(text.strip(), LENIENT);
    }

    /** RFC 3339 text, the form Patchbay outputs. */
    static String format(OffsetDateTime time) {
        return time == null ? null : DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(time);
    }

    /** Moshi adapter built on {@link #parse(String)}. */
    static final class Adapter extends JsonAdapter<OffsetDateTime> {
        @Override
        public OffsetDateTime fromJson(JsonReader reader) throws IOException {
            if (reader.peek() == JsonReader.Token.NULL) {
                return reader.nextNull();
            }
            String text = reader.nextString();
            if (text.isEmpty()) {
                return null;
            }
            try {
                return parse(text);
            } catch (DateTimeParseException e) {
                throw new JsonDataException("Not a timestamp at " + reader.getPath() + ": " + text, e);
            }
        }

        @Override
        public void toJson(JsonWriter writer, OffsetDateTime value) throws IOException {
            if (value == null) {
                writer.nullValue();
            } else {
                writer.value(format(value));
            }
        }
    }
}
