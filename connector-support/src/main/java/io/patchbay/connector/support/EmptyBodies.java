package io.patchbay.connector.support;

import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.util.Objects;
import okhttp3.RequestBody;
import okhttp3.ResponseBody;
import retrofit2.Converter;
import retrofit2.Retrofit;

/**
 * A JSON converter factory, except that a success answer with an empty body, where JSON was expected, is reported as
 * such ({@link Empty}): Moshi, say, would throw an {@code EOFException} ("End of input"), which reads like a broken
 * connection. Bodies read as raw bytes ({@code ResponseBody}, {@code Void}) never come here: Retrofit's own
 * converters take them.
 */
public final class EmptyBodies extends Converter.Factory {
    /** A success answer from the provider without a body where the request expects JSON. */
    public static final class Empty extends RuntimeException {
        private Empty() {
            super("empty answer body where JSON was expected", null, false, false);
        }
    }

    private final Converter.Factory json;

    /** Wraps {@code json}, the factory that converts bodies to and from JSON (Moshi's, say). */
    public EmptyBodies(Converter.Factory json) {
        this.json = Objects.requireNonNull(json, "json");
    }

    /** {@code json}'s converter for {@code type}, throwing {@link Empty} for an empty body; none where it has none. */
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

    /** {@code json}'s converter for {@code type}, unchanged. */
    @Override
    public Converter<?, RequestBody> requestBodyConverter(Type type, Annotation[] parameterAnnotations,
                                                          Annotation[] methodAnnotations, Retrofit retrofit) {
        return json.requestBodyConverter(type, parameterAnnotations, methodAnnotations, retrofit);
    }
}
