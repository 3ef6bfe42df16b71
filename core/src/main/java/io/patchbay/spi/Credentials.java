package io.patchbay.spi;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The values a user entered for one auth method. Values are never printed: {@link #toString()} shows keys only,
 * so a credentials object that reaches a log or an exception message leaks nothing.
 */
public final class Credentials {
    private final String authMethod;
    private final Map<String, String> values;

    public Credentials(String authMethod, Map<String, String> values) {
        this.authMethod = Objects.requireNonNull(authMethod, "authMethod");
        Objects.requireNonNull(values, "values");
        TreeMap<String, String> copy = new TreeMap<>();
        values.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "key"), Objects.requireNonNull(v, k)));
        this.values = java.util.Collections.unmodifiableMap(copy);
    }

    public String authMethod() {
        return authMethod;
    }

    /** All values, sorted by key. Handle with care: these are secrets. */
    public Map<String, String> values() {
        return values;
    }

    public Optional<String> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    /** The value of a field the connector's spec marks required; fails loudly when the caller skipped the format check. */
    public String require(String key) {
        String value = values.get(key);
        if (value == null) {
            throw new IllegalStateException("credential field missing: " + key);
        }
        return value;
    }

    public Set<String> keys() {
        return new TreeSet<>(values.keySet());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Credentials other && authMethod.equals(other.authMethod) && values.equals(other.values);
    }

    @Override
    public int hashCode() {
        return Objects.hash(authMethod, values);
    }

    @Override
    public String toString() {
        return "Credentials[authMethod=" + authMethod + ", fields=" + values.keySet() + ", values=****]";
    }
}
