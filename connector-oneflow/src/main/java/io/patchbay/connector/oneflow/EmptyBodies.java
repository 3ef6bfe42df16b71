package io.patchbay.connector.oneflow;

import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.util.Objects;
import okhttp3.RequestBody;
import okhttp3.ResponseBody;
import retrofit2.Converter;
import retrofit2.Retrofit;

/**
 * The JSON converter, except that a success answer with an empty body, where JSON was expected, is reported as
 * such: Moshi would throw an {@code EOFException} ("End of input"), which reads like a broken connection.
 * Bodies read as raw bytes ({@code ResponseBody}, {@code Void}) never come here: Retrofit's own converters take them.
 */
final class EmptyBodies extends Converter.Factory {
    /** A success answer without a body where the request expects JSON. */
    static final class Empty extends RuntimeException {
        Empty() {
            super("empty answer body where JSON was expected", null, false, false);
        }
    }

    private final Converter.Factory json;

    EmptyBodies(Converter.Factory json) {
        this.json = Objects.requireNonNull(json, "json");
    }

    @Override
    public Converter<ResponseBody, ?> responseBodyConverter(Type type, Annotation[] annotations, Retrofit retrofit) {
        Converter<ResponseBody, ?> delegate = json.responseBodyConverter(type, annotations, retrofit);
        if (delegate == null) {
            return null;
        }
        return body -> {
            if (body.source().exhausted()) {
                body.close();
                throw new Empty();
            }
            return delegate.convert(body);
        };
    }

    @Override
    public Converter<?, RequestBody> requestBodyConverter(Type type, Annotation[] parameterAnnotations,
                                                          Annotation[] methodAnnotations, Retrofit retrofit) {
        return json.requestBodyConverter(type, parameterAnnotations, methodAnnotations, retrofit);
    }
}
