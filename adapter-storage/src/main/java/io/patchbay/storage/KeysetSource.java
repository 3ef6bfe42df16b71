package io.patchbay.storage;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the Tink keyset that seals account secrets comes from. It always lives outside the database: a stolen
 * database alone opens nothing. The format is Tink's JSON keyset (AES-256-GCM keys with TINK output prefix).
 */
public sealed interface KeysetSource permits KeysetSource.File, KeysetSource.Json {

    /** A JSON keyset file; key rotation writes changes back to it atomically. */
    static KeysetSource file(Path path) {
        return new File(path);
    }

    /**
     * The JSON keyset held in an environment variable. Read once, now; rotation cannot write it back, so keyset
     * changes are made with {@link Keysets} and deployed by the operator.
     *
     * @throws IllegalArgumentException when the variable is unset or blank
     */
    static KeysetSource environment(String variable) {
        Objects.requireNonNull(variable, "variable");
        String value = System.getenv(variable);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("keyset: environment variable " + variable
                    + " is not set; it must hold the JSON keyset");
        }
        return new Json("environment variable " + variable, value);
    }

    /** Says where the keyset is, for messages; never the keys. */
    String describe();

    /** A keyset file. */
    record File(Path path) implements KeysetSource {
        public File {
            Objects.requireNonNull(path, "path");
        }

        @Override
        public String describe() {
            return "file " + path.toAbsolutePath();
        }
    }

    /**
     * A keyset given as JSON text by the embedding program.
     *
     * @param origin where the text came from, e.g. {@code environment variable PATCHBAY_KEYSET}
     */
    record Json(String origin, String keysetJson) implements KeysetSource {
        public Json {
            Objects.requireNonNull(origin, "origin");
            Objects.requireNonNull(keysetJson, "keysetJson");
        }

        @Override
        public String describe() {
            return origin;
        }

        @Override
        public String toString() {
            return "Json[origin=" + origin + ", keysetJson=***]";
        }
    }
}
