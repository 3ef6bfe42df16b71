package io.patchbay.server.http;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.JsonDataException;
import com.squareup.moshi.JsonEncodingException;
import com.squareup.moshi.JsonReader;
import com.squareup.moshi.JsonWriter;
import com.squareup.moshi.Moshi;
import com.squareup.moshi.Types;
import io.javalin.http.Context;
import io.javalin.json.JsonMapper;
import io.patchbay.spi.FieldError;
import java.io.EOFException;
import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import okio.Buffer;

/**
 * JSON for the REST API, on Moshi: responses are public records with snake_case {@code @Json} names, nulls written
 * out, {@link Optional} as value-or-null and {@link Instant} as RFC 3339. Request bodies are read strictly into plain
 * maps (see {@link #parseObject}) so every error can name its field.
 */
public final class Json {
    /** The JSON nesting a request may have; deeper bodies are refused instead of recursing without bound. */
    static final int MAX_DEPTH = 64;

    private static final Moshi MOSHI = new Moshi.Builder()
            .add(Instant.class, new InstantAdapter().nullSafe())
            .add(new OptionalAdapterFactory())
            .build();
    private static final java.util.regex.Pattern JSON_NUMBER =
            java.util.regex.Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");
    private static final JsonAdapter<Object> ANY = MOSHI.adapter(Object.class).serializeNulls();

    private Json() {
    }

    public static Moshi moshi() {
        return MOSHI;
    }

    /** The Javalin mapper: {@code ctx.json(record)} writes with the rules above. */
    public static JsonMapper mapper() {
        return new JsonMapper() {
            @Override
            public String toJsonString(Object obj, Type type) {
                return write(obj, type);
            }

            @Override
            public <T> T fromJsonString(String json, Type targetType) {
                try {
                    @SuppressWarnings("unchecked")
                    T value = (T) MOSHI.adapter(targetType).failOnUnknown().fromJson(json);
                    return value;
                } catch (IOException | JsonDataException e) {
                    throw new ApiException(400, "malformed_json", "Malformed JSON", e.getMessage());
                }
            }
        };
    }

    public static String write(Object value) {
        return write(value, value == null ? Object.class : value.getClass());
    }

    static String write(Object value, Type type) {
        if (value instanceof Map<?, ?> || value instanceof List<?> || value == null) {
            return ANY.toJson(value);
        }
        return MOSHI.adapter(type).serializeNulls().toJson(value);
    }

    /**
     * The request body as text. JSON travels as UTF-8 (RFC 8259); other bytes are refused, not replaced, so a
     * mangled owner id or label is never stored. A leading byte order mark is ignored, as RFC 8259 allows.
     *
     * @throws ApiException 415 {@code unsupported_media_type} naming the header for a body that is not JSON in
     *                      UTF-8 as sent (another media type or charset, or any content coding), 400
     *                      {@code malformed_json} for bytes that are not UTF-8
     */
    public static String body(Context ctx) {
        byte[] bytes = ctx.bodyAsBytes();
        if (bytes.length > 0) {
            // The API does not decode request bodies: a compressed one would otherwise be read as garbled text.
            List<String> codings = java.util.Collections.list(ctx.req().getHeaders("Content-Encoding"));
            if (!codings.stream().allMatch(io.patchbay.core.proxy.ContentDecoding::isIdentity)) {
                throw unsupported("Content-Encoding", "unsupported_encoding", "The request body must be sent "
                        + "unencoded: the API does not decode a Content-Encoding (gzip or any other)");
            }
            contentTypeProblem(ctx.contentType()).ifPresent(problem -> {
                throw problem;
            });
        }
        String text;
        try {
            text = strictUtf8(bytes);
        } catch (CharacterCodingException e) {
            throw new ApiException(400, "malformed_json", "Malformed JSON",
                    "The request body is not valid UTF-8, the encoding JSON requires");
        }
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    /** {@code bytes} as UTF-8 text; bytes that are not UTF-8 are refused, not replaced. */
    public static String strictUtf8(byte[] bytes) throws CharacterCodingException {
        return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    }

    /**
     * Reads a request body that must be one JSON object. Integers become {@link Long}, other numbers
     * {@link Double}; duplicate keys and trailing data are refused.
     *
     * @throws ApiException 400 {@code malformed_json} saying where the JSON breaks, never echoing it
     */
    public static Map<String, Object> parseObject(String body) {
        if (body == null || body.isBlank()) {
            throw new ApiException(400, "missing_body", "Missing request body", "The request needs a JSON object body");
        }
        Buffer source = new Buffer().writeUtf8(body);
        JsonReader reader = JsonReader.of(source);
        try {
            if (reader.peek() != JsonReader.Token.BEGIN_OBJECT) {
                throw new ApiException(400, "invalid_request", "Invalid request body",
                        "The request body must be a JSON object, not " + describe(reader.peek()));
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> value = (Map<String, Object>) read(reader, source, 0);
            if (reader.peek() != JsonReader.Token.END_DOCUMENT) {
                throw new JsonEncodingException("Unexpected data after the JSON object at " + reader.getPath());
            }
            return value;
        } catch (NumberOutOfRange e) {
            // Valid JSON with a value no field takes: named as Fields names a whole number beyond a long.
            throw ApiException.invalidRequest(List.of(outOfRange(e.field)));
        } catch (JsonEncodingException | JsonDataException e) {
            throw new ApiException(400, "malformed_json", "Malformed JSON",
                    "The request body is not valid JSON: " + stripValue(e.getMessage()));
        } catch (EOFException e) {
            throw new ApiException(400, "malformed_json", "Malformed JSON",
                    "The request body is not valid JSON: it ends before the JSON object does");
        } catch (IOException e) {
            throw new ApiException(400, "malformed_json", "Malformed JSON", "The request body could not be read");
        }
    }

    private static Object read(JsonReader reader, Buffer source, int depth) throws IOException {
        if (depth > MAX_DEPTH) {
            throw new JsonEncodingException("Nesting deeper than " + MAX_DEPTH + " levels at " + reader.getPath());
        }
        switch (peek(reader, source)) {
            case BEGIN_OBJECT -> {
                Map<String, Object> map = new LinkedHashMap<>();
                reader.beginObject();
                while (reader.hasNext()) {
                    String name = reader.nextName();
                    if (map.containsKey(name)) {
                        throw new JsonEncodingException("Duplicate key '" + name + "' at " + reader.getPath());
                    }
                    map.put(name, read(reader, source, depth + 1));
                }
                reader.endObject();
                return map;
            }
            case BEGIN_ARRAY -> {
                List<Object> list = new ArrayList<>();
                reader.beginArray();
                while (peek(reader, source) != JsonReader.Token.END_ARRAY) {
                    list.add(read(reader, source, depth + 1));
                }
                reader.endArray();
                return list;
            }
            case STRING -> {
                return reader.nextString();
            }
            case NUMBER -> {
                // The path before the value is read: after it, an array's path names the next element.
                String path = reader.getPath();
                return number(reader.nextString(), path);
            }
            case BOOLEAN -> {
                return reader.nextBoolean();
            }
            case NULL -> {
                return reader.nextNull();
            }
            default -> throw new JsonEncodingException("Unexpected " + reader.peek() + " at " + reader.getPath());
        }
    }

    /**
     * The next token. Moshi reads an integer's digits into a long that wraps around, and takes one that wraps to 0
     * (1 followed by 64 zeros or more) for unquoted text; the token it stopped at is still unread in {@code source}.
     * Such a number is far beyond any whole number a field takes, so it is out of range.
     */
    private static JsonReader.Token peek(JsonReader reader, Buffer source) throws IOException {
        try {
            return reader.peek();
        } catch (JsonEncodingException e) {
            if (startsWithNumber(source)) {
                throw new NumberOutOfRange(reader.getPath());
            }
            throw e;
        }
    }

    /** Whether {@code source} starts with a JSON number, followed by the end or what may follow a value. */
    private static boolean startsWithNumber(Buffer source) {
        StringBuilder token = new StringBuilder();
        long i = 0;
        for (; i < source.size() && "+-.eE0123456789".indexOf(source.getByte(i)) >= 0; i++) {
            token.append((char) source.getByte(i));
        }
        return JSON_NUMBER.matcher(token).matches()
                && (i == source.size() || " \t\r\n,]}".indexOf(source.getByte(i)) >= 0);
    }

    private static Object number(String text, String path) throws NumberOutOfRange {
        BigDecimal decimal;
        try {
            decimal = new BigDecimal(text);
        } catch (NumberFormatException exponentOutOfRange) {
            // JSON's grammar has no limit on the exponent, BigDecimal has: 1e2147483648 is valid JSON but no number.
            throw new NumberOutOfRange(path);
        }
        try {
            return decimal.longValueExact();
        } catch (ArithmeticException notIntegral) {
            double value = decimal.doubleValue();
            if (Double.isInfinite(value)) {
                throw new NumberOutOfRange(path);
            }
            return value;
        }
    }

    /** The error on a number too large for the field it is in: beyond a long, or beyond a double when parsed. */
    static FieldError outOfRange(String field) {
        return new FieldError(field, "out_of_range", field + " is out of range");
    }

    /** Valid JSON, but a number beyond what a double holds, at {@link #field}. */
    private static final class NumberOutOfRange extends IOException {
        private final String field;

        NumberOutOfRange(String path) {
            super("A number is out of range at " + path);
            this.field = path.startsWith("$.") ? path.substring(2) : path;
        }
    }

    /**
     * Parses JSON the server itself trusts (e.g. a connector's schema); failures are programming errors. Integers
     * stay integers, so a schema's {@code "minimum": 1} is not shown back as {@code 1.0}.
     */
    public static Object readTrusted(String json) {
        try {
            Buffer source = new Buffer().writeUtf8(json);
            return read(JsonReader.of(source), source, 0);
        } catch (IOException e) {
            throw new IllegalStateException("unreadable JSON from a trusted source", e);
        }
    }

    /**
     * Why a text from a trusted source (a connector's action schema, checked as the connector loads) is not one JSON
     * value, naming where; empty when it is.
     */
    public static Optional<String> syntaxProblem(String json) {
        Buffer source = new Buffer().writeUtf8(json);
        JsonReader reader = JsonReader.of(source);
        try {
            read(reader, source, 0);
            if (reader.peek() != JsonReader.Token.END_DOCUMENT) {
                return Optional.of("more text after the JSON value at " + reader.getPath());
            }
            return Optional.empty();
        } catch (EOFException e) {
            return Optional.of("the text ends inside the JSON value at " + reader.getPath());
        } catch (IOException | JsonDataException e) {
            return Optional.of(e.getMessage());
        }
    }

    /** A JSON value as text, e.g. to hand to a JSON Schema validator. */
    public static String writeValue(Object value) {
        return ANY.toJson(value);
    }

    static String describe(JsonReader.Token token) {
        return switch (token) {
            case BEGIN_ARRAY -> "an array";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> "empty";
        };
    }

    /** The kind of a parsed value, for type errors. */
    public static String kind(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof String) {
            return "a string";
        }
        if (value instanceof Number) {
            return "a number";
        }
        if (value instanceof Boolean) {
            return "a boolean";
        }
        if (value instanceof List<?>) {
            return "an array";
        }
        return "an object";
    }

    /**
     * Why a body with this {@code Content-Type} is not taken, if it is not: JSON is {@code application/json} or a
     * {@code +json} type (none at all, from a plain client, is read as JSON), in UTF-8, the only charset JSON has.
     */
    static Optional<ApiException> contentTypeProblem(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return Optional.empty();
        }
        String[] parts = contentType.split(";");
        String type = parts[0].strip().toLowerCase(java.util.Locale.ROOT);
        if (!type.equals("application/json") && !type.endsWith("+json")) {
            return Optional.of(unsupported("Content-Type", "unsupported_media_type", "The request body must be "
                    + "JSON, sent with 'Content-Type: application/json'"));
        }
        for (int i = 1; i < parts.length; i++) {
            int equals = parts[i].indexOf('=');
            if (equals > 0 && parts[i].substring(0, equals).strip().equalsIgnoreCase("charset")) {
                String charset = parts[i].substring(equals + 1).strip().replace("\"", "");
                if (!charset.equalsIgnoreCase("utf-8")) {
                    return Optional.of(unsupported("Content-Type", "unsupported_charset", "The request body must "
                            + "be UTF-8 (charset=utf-8 or none); charset " + charset + " is not accepted"));
                }
            }
        }
        return Optional.empty();
    }

    private static ApiException unsupported(String header, String code, String message) {
        return new ApiException(415, "unsupported_media_type", "Unsupported media type", message,
                List.of(new FieldError(header, code, message)), Map.of(), Map.of());
    }

    // Moshi messages quote the offending token in some cases; the body may hold a secret, so drop quoted parts.
    private static String stripValue(String message) {
        if (message == null) {
            return "unreadable";
        }
        // Moshi's advice is for Java callers, not for an API's clients.
        return message.replace("Use JsonReader.setLenient(true) to accept malformed JSON", "unexpected content")
                .replaceAll("'[^']*'", "'…'").replaceAll("\"[^\"]*\"", "\"…\"");
    }

    public static FieldError fieldError(String field, String code, String message) {
        return new FieldError(field, code, message);
    }

    private static final class InstantAdapter extends JsonAdapter<Instant> {
        @Override
        public Instant fromJson(JsonReader reader) throws IOException {
            return Instant.parse(reader.nextString());
        }

        @Override
        public void toJson(JsonWriter writer, Instant value) throws IOException {
            writer.value(value.toString());
        }
    }

    private static final class OptionalAdapterFactory implements JsonAdapter.Factory {
        @Override
        public JsonAdapter<?> create(Type type, Set<? extends Annotation> annotations, Moshi moshi) {
            if (!(type instanceof ParameterizedType parameterized) || Types.getRawType(type) != Optional.class) {
                return null;
            }
            JsonAdapter<Object> inner = moshi.adapter(parameterized.getActualTypeArguments()[0], annotations);
            return new JsonAdapter<Optional<Object>>() {
                @Override
                public Optional<Object> fromJson(JsonReader reader) throws IOException {
                    return Optional.ofNullable(inner.fromJson(reader));
                }

                @Override
                public void toJson(JsonWriter writer, Optional<Object> value) throws IOException {
                    if (value == null || value.isEmpty()) {
                        writer.nullValue();
                    } else {
                        inner.toJson(writer, value.get());
                    }
                }
            };
        }
    }
}
