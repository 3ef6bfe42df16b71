package io.patchbay.connector.toggl.fake;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.Moshi;
import java.util.LinkedHashMap;
import java.util.Map;

/** One HTTP answer of the fake, before it becomes a MockResponse. */
record Answer(int status, Map<String, String> headers, String body) {
    static final JsonAdapter<Object> JSON = new Moshi.Builder().build().adapter(Object.class).serializeNulls();
    private static final String JSON_TYPE = "application/json; charset=utf-8";

    Answer {
        headers = new LinkedHashMap<>(headers);
    }

    static Answer json(Object value) {
        return json(200, value);
    }

    static Answer json(int status, Object value) {
        return new Answer(status, Map.of("Content-Type", JSON_TYPE), JSON.toJson(value));
    }

    /** Toggl's usual error: the message as a JSON string. */
    static Answer message(int status, String message) {
        return json(status, message);
    }

    /** No body and no Content-Type, as Toggl's 401 and 405. */
    static Answer empty(int status) {
        return new Answer(status, Map.of(), "");
    }

    static Answer text(int status, String text) {
        return new Answer(status, Map.of("Content-Type", "text/plain; charset=utf-8"), text);
    }

    Answer withHeader(String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(headers);
        copy.put(name, value);
        return new Answer(status, copy, body);
    }
}
