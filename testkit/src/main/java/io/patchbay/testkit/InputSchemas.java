package io.patchbay.testkit;

import com.networknt.schema.InputFormat;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import io.patchbay.spi.ActionDefinition;
import io.patchbay.spi.Connector;
import java.util.List;

/**
 * An action's input checked against its declared schema as the REST API checks it before the connector runs (draft
 * 2020-12, formats asserted), so a connector's tests can show what its schema lets through to its own checks.
 */
public final class InputSchemas {
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
            builder -> builder.schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true)
                    .build()));

    private InputSchemas() {
    }

    /** Where and why the JSON input breaks the action's input schema; empty when the schema accepts it. */
    public static List<String> problems(Connector connector, String action, String inputJson) {
        ActionDefinition definition = connector.actions().stream().filter(a -> a.name().equals(action)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no action " + action));
        return REGISTRY.getSchema(definition.inputSchema(), InputFormat.JSON).validate(inputJson, InputFormat.JSON)
                .stream().map(e -> e.getInstanceLocation() + " " + e.getKeyword() + ": " + e.getMessage()).toList();
    }
}
