package io.patchbay.connector.oneflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.squareup.moshi.Moshi;
import com.squareup.moshi.Types;
import io.patchbay.connector.oneflow.fake.FakeOneflow;
import io.patchbay.spi.ActionDefinition;
import io.patchbay.spi.InputRejected;
import io.patchbay.testkit.InputSchemas;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * Input the connector refuses is refused by the action's schema too, where JSON Schema can say it: the REST API
 * checks the schema first, and a caller (or a form built from the schema) should learn the rules from it.
 */
class InputSchemaTest extends FakeServerTest {
    private static final long DRAFT = FakeOneflow.CONTRACT_DRAFT;
    private static final long NDA = FakeOneflow.TEMPLATE_NDA;

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
            "list_contracts | {\"all_workspaces\":true,\"workspace_id\":396198} | ",
            "list_contracts | {\"data_field\":{\"custom_id\":\"a:b\",\"value\":\"x\"}} | /data_field/custom_id",
            "list_contracts | {\"data_field\":{\"custom_id\":\"  \",\"value\":\"x\"}} | /data_field/custom_id",
            "list_contracts | {\"name\":\"  \"} | /name",
            "create_contract | {\"template_id\":" + NDA + ",\"parties\":[{\"type\":\"company\",\"name\":\"Hooli\",\"participant\":{}}]} | /parties/0",
            "create_contract | {\"template_id\":" + NDA + ",\"parties\":[{\"type\":\"individual\",\"name\":\"Jane\"}]} | /parties/0",
            "create_contract | {\"template_id\":" + NDA + ",\"data_fields\":[{\"custom_id\":\" \",\"value\":\"x\"}]} | /data_fields/0/custom_id",
            "create_contract | {\"template_id\":" + NDA + ",\"name\":\"   \"} | /name",
            "update_contract_data_fields | {\"contract_id\":" + DRAFT + ",\"data_fields\":[{\"custom_id\":\"  \",\"value\":\"x\"}]} | /data_fields/0",
            "update_contract_data_fields | {\"contract_id\":" + DRAFT + ",\"data_fields\":[{\"custom_id\":\"..\",\"value\":\"x\"}]} | /data_fields/0",
            "publish_contract | {\"contract_id\":" + DRAFT + ",\"subject\":\" \",\"message\":\"Please sign\"} | /subject",
    })
    void whatTheCodeRefusesTheSchemaRefuses(String action, String input, String where) {
        assertThatThrownBy(() -> invoke(ADMIN, action, json(input))).as("the connector refuses it")
                .isInstanceOf(InputRejected.class);
        assertThat(fake.requests()).isEmpty();
        assertThat(InputSchemas.problems(connector, action, input)).as("the schema refuses it").isNotEmpty()
                .allSatisfy(p -> assertThat(p).startsWith(where == null ? "" : where));
    }

    @Test
    void repeatedCustomIdsAreRefusedByTheCodeAndTheSchemaSaysSo() {
        // JSON Schema's uniqueItems compares whole items, so a repeat of one property is the connector's check.
        String create = "{\"template_id\":" + NDA + ",\"data_fields\":[{\"custom_id\":\"a\",\"value\":\"1\"},"
                + "{\"custom_id\":\"a\",\"value\":\"2\"}]}";
        String update = "{\"contract_id\":" + DRAFT + ",\"data_fields\":[{\"custom_id\":\"a\",\"value\":\"1\"},"
                + "{\"custom_id\":\"a\",\"value\":\"2\"}]}";
        assertThatThrownBy(() -> invoke(ADMIN, "create_contract", json(create))).isInstanceOf(InputRejected.class);
        assertThatThrownBy(() -> invoke(ADMIN, "update_contract_data_fields", json(update)))
                .isInstanceOf(InputRejected.class);
        assertThat(fake.requests()).isEmpty();
        assertThat(schema("create_contract")).contains("Each custom_id at most once");
        assertThat(schema("update_contract_data_fields")).contains("no two items may name the same field");
    }

    @Test
    void whatTheCodeAcceptsTheSchemaAccepts() {
        for (String[] sample : new String[][] {
                {"list_contracts", "{\"all_workspaces\":true}"},
                {"list_contracts", "{\"all_workspaces\":false,\"workspace_id\":" + FakeOneflow.WORKSPACE_SALES + "}"},
                {"list_contracts", "{\"data_field\":{\"custom_id\":\"counterparty_name\",\"value\":\"a:b\"}}"},
                {"create_contract", "{\"template_id\":" + NDA + ",\"parties\":[{\"type\":\"individual\","
                        + "\"participants\":[{\"name\":\"Jane Doe\",\"email\":\"jane@example.com\"}]}]}"}}) {
            assertThat(InputSchemas.problems(connector, sample[0], sample[1])).as(sample[1]).isEmpty();
            invoke(ADMIN, sample[0], json(sample[1]));
        }
    }

    private String schema(String action) {
        return connector.actions().stream().filter(a -> a.name().equals(action)).findFirst()
                .map(ActionDefinition::inputSchema).orElseThrow();
    }

    private static Map<String, Object> json(String text) {
        try {
            Map<String, Object> map = new Moshi.Builder().build().<Map<String, Object>>adapter(
                    Types.newParameterizedType(Map.class, String.class, Object.class)).fromJson(text);
            return map;
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
