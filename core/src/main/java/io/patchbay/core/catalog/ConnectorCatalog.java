package io.patchbay.core.catalog;

import io.patchbay.core.error.NotFoundException;
import io.patchbay.spi.ActionDefinition;
import io.patchbay.spi.Connector;
import io.patchbay.spi.ConnectorInfo;
import io.patchbay.spi.CredentialSpec;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Use case: which connectors exist, what credentials they need and what they can do. What a connector declares about
 * itself is read once, when the catalog is made: listing the catalog then runs no connector code, so one connector
 * that fails (or is slow) there cannot break the listing of every other one.
 */
public final class ConnectorCatalog {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectorCatalog.class);
    private final Map<String, Entry> byId;
    private final List<Description> descriptions;

    /** A connector's self-description, as read once from its {@code info()}, {@code credentialSpec()} and actions. */
    public record Description(ConnectorInfo info, CredentialSpec credentialSpec, List<ActionDefinition> actions) {
        public Description {
            Objects.requireNonNull(info, "info");
            Objects.requireNonNull(credentialSpec, "credentialSpec");
            actions = List.copyOf(actions);
        }

        public String id() {
            return info.id();
        }

        /** The action with this name. */
        public ActionDefinition action(String name) {
            Objects.requireNonNull(name, "name");
            return actions.stream().filter(a -> a.name().equals(name)).findFirst()
                    .orElseThrow(() -> new NotFoundException("action", id() + "/" + name));
        }
    }

    private record Entry(Connector connector, Description description) {
    }

    /**
     * A connector that fails to describe itself is left out, logged with the reason, as a connector that fails to
     * load is: the others stay in service.
     *
     * @throws IllegalArgumentException when two connectors share an id
     */
    public ConnectorCatalog(Collection<Connector> connectors) {
        Map<String, Entry> entries = new TreeMap<>();
        for (Connector connector : Objects.requireNonNull(connectors, "connectors")) {
            Optional<Description> description = describe(connector);
            if (description.isEmpty()) {
                continue;
            }
            if (entries.putIfAbsent(description.get().id(), new Entry(connector, description.get())) != null) {
                throw new IllegalArgumentException("two connectors with id " + description.get().id());
            }
        }
        this.byId = Map.copyOf(entries);
        this.descriptions = entries.values().stream().map(Entry::description).toList();
    }

    private static Optional<Description> describe(Connector connector) {
        try {
            return Optional.of(new Description(connector.info(), connector.credentialSpec(), connector.actions()));
        } catch (RuntimeException | LinkageError | AssertionError e) {
            // A class the connector lacks (NoClassDefFoundError) fails it alone, as a thrown exception does.
            LOG.error("Connector {} left out of the catalog: it failed to describe itself", connector.getClass()
                    .getName(), e);
            return Optional.empty();
        }
    }

    /** All connectors, by id. */
    public List<Connector> list() {
        return descriptions.stream().map(d -> byId.get(d.id()).connector()).toList();
    }

    /** What every connector declares, by id. */
    public List<Description> descriptions() {
        return descriptions;
    }

    public Connector get(String connectorId) {
        return entry(connectorId).connector();
    }

    public Description description(String connectorId) {
        return entry(connectorId).description();
    }

    public ActionDefinition action(String connectorId, String actionName) {
        Objects.requireNonNull(actionName, "actionName");
        return description(connectorId).action(actionName);
    }

    private Entry entry(String connectorId) {
        Objects.requireNonNull(connectorId, "connectorId");
        Entry entry = byId.get(connectorId);
        if (entry == null) {
            throw new NotFoundException("connector", connectorId);
        }
        return entry;
    }
}
