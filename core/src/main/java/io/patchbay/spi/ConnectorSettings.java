package io.patchbay.spi;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * A connector's settings as the host gave them ({@link ConnectorContext#settings()}, from
 * {@code PATCHBAY_CONNECTOR_<ID>_<KEY>}), read against the keys the connector knows. Keys match case-insensitively,
 * with {@code -} or {@code .} standing for {@code _}. A key the connector does not know is refused, so a misspelt
 * setting never passes silently (since SPI 1.1).
 */
public final class ConnectorSettings {
    private final String connectorId;
    private final Map<String, String> values;

    private ConnectorSettings(String connectorId, Map<String, String> values) {
        this.connectorId = connectorId;
        this.values = values;
    }

    /**
     * @param known the keys the connector reads, in snake_case
     * @throws IllegalArgumentException naming every unknown key and the known ones
     */
    public static ConnectorSettings read(String connectorId, Map<String, String> raw, Set<String> known) {
        Objects.requireNonNull(connectorId, "connectorId");
        Map<String, String> values = new HashMap<>();
        raw.forEach((key, value) -> values.put(key.toLowerCase(Locale.ROOT).replace('-', '_').replace('.', '_'),
                value.strip()));
        Set<String> unknown = new TreeSet<>(values.keySet());
        unknown.removeAll(known);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("Unknown setting(s) " + unknown + " for connector " + connectorId
                    + "; it knows " + new TreeSet<>(known) + " (and base_url)");
        }
        return new ConnectorSettings(connectorId, Map.copyOf(values));
    }

    /**
     * The value of {@code key} parsed, or {@code fallback} when it is not set or empty.
     *
     * @param expected what a value must be, for the message when {@code parse} refuses it (e.g. "a whole number")
     * @throws IllegalArgumentException naming the key and what was expected, never the value
     */
    public <T> T get(String key, Function<String, T> parse, T fallback, String expected) {
        String value = values.get(key);
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        try {
            return parse.apply(value);
        } catch (RuntimeException e) {
            // A setting may be secret and this message ends up in the start-up error and the log: neither the value
            // nor the parser's exception (whose message usually quotes it) goes in.
            throw new IllegalArgumentException("Connector " + connectorId + " setting " + key + " must be " + expected
                    + "; the value given is not (it is not shown, as settings may be secret)");
        }
    }

    /** Shows keys only: a host might pass something secret as a setting. */
    @Override
    public String toString() {
        return "ConnectorSettings[" + connectorId + ", keys=" + new TreeSet<>(values.keySet()) + "]";
    }
}
