package io.patchbay.core.catalog;

import io.patchbay.core.error.NotFoundException;
import io.patchbay.spi.ActionDefinition;
import io.patchbay.spi.Connector;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Use case: which connectors exist, what credentials they need and what they can do. */
public final class ConnectorCatalog {
    private final Map<String, Connector> connectors;

    public ConnectorCatalog(Collection<Connector> connectors) {
        Map<String, Connector> byId = new LinkedHashMap<>();
        Objects.requireNonNull(connectors, "connectors").stream()
                .sorted(Comparator.comparing(c -> c.info().id()))
                .forEach(c -> {
                    if (byId.putIfAbsent(c.info().id(), c) != null) {
                        throw new IllegalArgumentException("two connectors with id " + c.info().id());
                    }
                });
        this.connectors = Map.copyOf(byId);
    }

    /** All connectors, by id. */
    public List<Connector> list() {
        return connectors.values().stream().sorted(Comparator.comparing(c -> c.info().id())).toList();
    }

    public Connector get(String connectorId) {
        Objects.requireNonNull(connectorId, "connectorId");
        Connector connector = connectors.get(connectorId);
        if (connector == null) {
            throw new NotFoundException("connector", connectorId);
        }
        return connector;
    }

    public ActionDefinition action(String connectorId, String actionName) {
        return get(connectorId).actions().stream()
                .filter(a -> a.name().equals(actionName))
                .findFirst()
                .orElseThrow(() -> new NotFoundException("action", connectorId + "/" + actionName));
    }
}
