package io.patchbay.connector.oneflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patchbay.connector.oneflow.fake.FakeOneflow;
import io.patchbay.connector.oneflow.fake.RecordedCall;
import io.patchbay.spi.FieldError;
import io.patchbay.spi.InputRejected;
import io.patchbay.spi.InsufficientPermissions;
import io.patchbay.spi.ProviderRejected;
import io.patchbay.spi.ProviderUnavailable;
import io.patchbay.testkit.InputSchemas;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WriteActionsTest extends FakeServerTest {

    private RecordedCall onlyWrite(String method, String apiPath, String email) {
        List<RecordedCall> calls = fake.requests(method, apiPath);
        assertThat(calls).as(method + " " + apiPath).hasSize(1);
        RecordedCall call = calls.get(0);
        assertThat(call.header("x-oneflow-api-token")).isEqualTo(FakeOneflow.TOKEN);
        assertThat(call.header("x-oneflow-user-email")).isEqualTo(email);
        assertThat(call.header("content-type")).startsWith("application/json");
        return call;
    }

    @Test
    void createContractPostsTheTemplateWorkspaceNameFieldsAndParties() {
        Map<String, Object> party = Map.of("type", "company", "name", "Hooli", "country_code", "US",
                "participants", List.of(Map.of("name", "Gavin Belson", "email", "gavin@hooli.example",
                        "signatory", true, "delivery_channel", "email", "sign_method", "standard_esign",
                        "_permissions", Map.of("contract:update", false))));
        Map<String, Object> out = map(invoke(MEMBER, "create_contract", Map.of(
                "template_id", FakeOneflow.TEMPLATE_NDA,
                "name", "NDA – Hooli",
                "data_fields", List.of(Map.of("custom_id", "counterparty_name", "value", "Hooli Inc")),
                "parties", List.of(party))));

        RecordedCall call = onlyWrite("POST", "/contracts/create", FakeOneflow.MEMBER_EMAIL);
        Map<String, Object> body = call.json();
        assertThat(body).containsEntry("workspace_id", (double) FakeOneflow.WORKSPACE_SALES)
                .containsEntry("template_id", (double) FakeOneflow.TEMPLATE_NDA)
                .containsEntry("name", "NDA – Hooli")
                .containsEntry("data_fields", List.of(Map.of("custom_id", "counterparty_name", "value", "Hooli Inc")));
        assertThat(list(body.get("parties")).get(0)).containsEntry("name", "Hooli").containsEntry("type", "company");
        assertThat(list(list(body.get("parties")).get(0).get("participants")).get(0))
                .containsEntry("email", "gavin@hooli.example").containsEntry("signatory", true)
                .containsEntry("_permissions", Map.of("contract:update", false));

        long id = (Long) out.get("id");
        assertThat(out).containsEntry("name", "NDA – Hooli").containsEntry("state", "draft")
                .containsEntry("workspace_id", FakeOneflow.WORKSPACE_SALES)
                .containsEntry("template_id", FakeOneflow.TEMPLATE_NDA).containsEntry("published_time", null);
        assertThat(list(out.get("parties"))).extracting(p -> p.get("name")).containsExactly("Acme Contracts AB", "Hooli");
        assertThat(fake.contractState(id)).contains("draft");
        assertThat(fake.dataFieldValue(id, "counterparty_name")).contains("Hooli Inc");
    }

    @Test
    void createContractSendsOnlyWhatWasGivenAndNullValuesAsEmpty() {
        invokeUnlinked(ADMIN, "create_contract", Map.of("workspace_id", FakeOneflow.WORKSPACE_HR,
                "template_id", FakeOneflow.TEMPLATE_EMPLOYMENT,
                "data_fields", List.of(mapWithNull("custom_id", "employee_name", "value"))));

        Map<String, Object> body = onlyWrite("POST", "/contracts/create", FakeOneflow.ADMIN_EMAIL).json();
        assertThat(body.keySet()).containsExactly("workspace_id", "template_id", "data_fields");
        assertThat(body.get("data_fields")).isEqualTo(List.of(Map.of("custom_id", "employee_name", "value", "")));
    }

    @Test
    void createContractTakesADataFieldWithoutValueAndSendsNone() {
        String input = "{\"workspace_id\":" + FakeOneflow.WORKSPACE_HR + ",\"template_id\":"
                + FakeOneflow.TEMPLATE_EMPLOYMENT + ",\"data_fields\":[{\"custom_id\":\"employee_name\"}]}";
        assertThat(InputSchemas.problems(connector, "create_contract", input)).isEmpty();

        invokeUnlinked(ADMIN, "create_contract", Map.of("workspace_id", FakeOneflow.WORKSPACE_HR,
                "template_id", FakeOneflow.TEMPLATE_EMPLOYMENT,
                "data_fields", List.of(Map.of("custom_id", "employee_name"))));

        assertThat(onlyWrite("POST", "/contracts/create", FakeOneflow.ADMIN_EMAIL).json().get("data_fields"))
                .isEqualTo(List.of(Map.of("custom_id", "employee_name")));
    }

    @Test
    void theSchemaSaysACompanyPartyNeedsANameAsTheCodeDoes() {
        String company = "{\"template_id\":1,\"parties\":[{\"type\":\"company\",\"participants\":[]}]}";
        String blank = "{\"template_id\":1,\"parties\":[{\"type\":\"company\",\"name\":\"  \"}]}";
        String individual = "{\"template_id\":1,\"parties\":[{\"type\":\"individual\",\"participant\":{}}]}";

        assertThat(InputSchemas.problems(connector, "create_contract", company))
                .containsExactly("/parties/0 required: required property 'name' not found");
        assertThat(InputSchemas.problems(connector, "create_contract", blank)).hasSize(1)
                .allSatisfy(p -> assertThat(p).startsWith("/parties/0/name pattern:"));
        assertThat(InputSchemas.problems(connector, "create_contract", individual)).isEmpty();
        assertThatThrownBy(() -> invoke(ADMIN, "create_contract", Map.of("template_id", FakeOneflow.TEMPLATE_NDA,
                "parties", List.of(Map.of("type", "company", "name", " ")))))
                .isInstanceOfSatisfying(InputRejected.class, e -> assertThat(e.fieldErrors())
                        .extracting(FieldError::field, FieldError::code)
                        .containsExactly(org.assertj.core.groups.Tuple.tuple("parties[0].name", "required")));
        assertThat(fake.requests()).isEmpty();
    }

    @Test
    void participantsOneflowWouldRefuseAreRefusedBeforeAnyRequestNamingTheField() {
        Map<String, Object> company = Map.of("type", "company", "name", "Hooli", "participants", List.of(
                Map.of("name", "Gavin", "delivery_channel", "email", "signatory", true),
                Map.of("name", "Jared", "email", "jared@hooli.example", "delivery_channel", "sms")));
        Map<String, Object> individual = Map.of("type", "individual", "participant", Map.of("name", "Jane",
                "email", "jane@example.com", "signatory", true, "sign_method", "sms",
                "_permissions", Map.of("contract:update", false)));
        String input = "{\"template_id\":" + FakeOneflow.TEMPLATE_NDA + ",\"parties\":[{\"type\":\"individual\","
                + "\"participant\":{\"name\":\"Jane\",\"delivery_channel\":\"email\",\"signatory\":true}}]}";

        assertThatThrownBy(() -> invoke(ADMIN, "create_contract", Map.of("template_id", FakeOneflow.TEMPLATE_NDA,
                "parties", List.of(company, individual))))
                .isInstanceOfSatisfying(InputRejected.class, e -> assertThat(e.fieldErrors())
                        .extracting(FieldError::field, FieldError::code).containsExactlyInAnyOrder(
                                org.assertj.core.groups.Tuple.tuple("parties[0].participants[0].email", "required"),
                                org.assertj.core.groups.Tuple.tuple("parties[0].participants[0].sign_method", "required"),
                                org.assertj.core.groups.Tuple.tuple("parties[0].participants[0]._permissions", "required"),
                                org.assertj.core.groups.Tuple.tuple("parties[0].participants[1].phone_number", "required"),
                                org.assertj.core.groups.Tuple.tuple("parties[1].participant.phone_number", "required")));
        assertThat(fake.requests()).isEmpty();
        assertThat(InputSchemas.problems(connector, "create_contract", input)).as("the schema says so too")
                .anySatisfy(p -> assertThat(p).contains("email"))
                .anySatisfy(p -> assertThat(p).contains("sign_method"));
    }

    @Test
    void createContractInputIsCheckedBeforeAnyRequest() {
        Map<String, Object> input = new HashMap<>();
        input.put("name", "x".repeat(131));
        input.put("data_fields", List.of(Map.of("custom_id", "a", "value", "1"), Map.of("custom_id", "a", "value", 2)));
        input.put("parties", List.of(Map.of("type", "robot"), Map.of("type", "individual")));
        assertThatThrownBy(() -> invokeUnlinked(ADMIN, "create_contract", input))
                .isInstanceOfSatisfying(InputRejected.class, e -> {
                    assertThat(e.code()).isEqualTo("invalid_input");
                    assertThat(e.fieldErrors()).extracting(FieldError::field).containsExactlyInAnyOrder(
                            "workspace_id", "template_id", "name", "data_fields[1].custom_id",
                            "data_fields[1].value", "parties[0].type", "parties[1].participant");
                    assertThat(e.fieldErrors()).filteredOn(f -> f.field().equals("workspace_id"))
                            .extracting(FieldError::message).containsExactly(
                                    "workspace_id is required: this account is not linked to a workspace");
                });
        assertThat(fake.requests()).isEmpty();
    }

    @Test
    void createWithoutPermissionInTheWorkspaceIsInsufficientPermissions() {
        assertThatThrownBy(() -> invoke(MEMBER, "create_contract", Map.of("workspace_id", FakeOneflow.WORKSPACE_HR,
                "template_id", FakeOneflow.TEMPLATE_EMPLOYMENT)))
                .isInstanceOfSatisfying(InsufficientPermissions.class, e -> {
                    assertThat(e.code()).isEqualTo("insufficient_permissions");
                    assertThat(e.getMessage()).contains("permission to create contracts");
                });
    }

    @Test
    void createFromAnInactiveTemplateIsInsufficientPermissions() {
        assertThatThrownBy(() -> invoke(ADMIN, "create_contract", Map.of("template_id", FakeOneflow.TEMPLATE_INACTIVE)))
                .isInstanceOfSatisfying(InsufficientPermissions.class, e ->
                        assertThat(e.getMessage()).isEqualTo("The template is not active."));
    }

    @Test
    void duplicateParticipantCarriesOneflowsErrorCodeAndParameterProblems() {
        Map<String, Object> party = Map.of("type", "company", "name", "Hooli", "participants", List.of(
                Map.of("name", "A", "email", "same@hooli.example", "signatory", true, "delivery_channel", "email",
                        "sign_method", "standard_esign", "_permissions", Map.of("contract:update", false)),
                Map.of("name", "B", "email", "same@hooli.example", "signatory", false, "delivery_channel", "email")));

        assertThatThrownBy(() -> invoke(ADMIN, "create_contract", Map.of("template_id", FakeOneflow.TEMPLATE_NDA,
                "parties", List.of(party))))
                .isInstanceOfSatisfying(ProviderRejected.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.code()).isEqualTo("oneflow_4000003");
                    assertThat(e.getMessage()).startsWith("You tried to add two identical participants");
                    assertThat(e.fieldErrors()).containsExactly(new FieldError("parties[0].participants[1].email",
                            "rejected", "You tried to add a duplicate participant with the email address "
                            + "same@hooli.example."));
                });
    }

    @Test
    void unknownDataFieldIsAFieldErrorFromOneflow() {
        assertThatThrownBy(() -> invoke(ADMIN, "create_contract", Map.of("template_id", FakeOneflow.TEMPLATE_NDA,
                "data_fields", List.of(Map.of("custom_id", "nope", "value", "x")))))
                .isInstanceOfSatisfying(ProviderRejected.class, e -> {
                    assertThat(e.code()).isEqualTo("oneflow_http_400");
                    assertThat(e.fieldErrors()).extracting(FieldError::field).containsExactly("data_fields[0].custom_id");
                });
    }

    @Test
    void createIsNeverRetried() {
        fake.failNext(503, 1);

        assertThatThrownBy(() -> invoke(ADMIN, "create_contract", Map.of("template_id", FakeOneflow.TEMPLATE_NDA)))
                .isInstanceOf(ProviderUnavailable.class);
        assertThat(fake.requests("POST", "/contracts/create")).hasSize(1);
    }

    @Test
    void createThatTimesOutIsReportedNotReplayed() {
        fake.delayNext(java.time.Duration.ofSeconds(2), 5);
        try (var impatient = new OneflowConnectorFactory().create(TestContexts.fast(fake.baseUrl())
                .withTimeouts(java.time.Duration.ofMillis(500), java.time.Duration.ofMillis(300)))) {
            assertThatThrownBy(() -> impatient.invoke(new io.patchbay.spi.ActionCall("create_contract", ADMIN,
                    java.util.Optional.of(Long.toString(FakeOneflow.WORKSPACE_SALES)),
                    Map.of("template_id", FakeOneflow.TEMPLATE_NDA))))
                    .isInstanceOfSatisfying(ProviderUnavailable.class, e -> {
                        assertThat(e.code()).isEqualTo(ProviderUnavailable.TIMEOUT);
                        assertThat(e.getMessage()).contains("Oneflow may have applied it");
                    });
        }
        assertThat(fake.requests("POST", "/contracts/create")).hasSize(1);
    }

    @Test
    void createWhoseConnectionDropsIsSentOnceAndTheErrorSaysItMayHaveHappened() {
        invoke(ADMIN, "list_users", Map.of());
        int contracts = fake.contractCount();
        fake.dropNext(1);

        assertThatThrownBy(() -> invoke(ADMIN, "create_contract", Map.of("template_id", FakeOneflow.TEMPLATE_NDA)))
                .isInstanceOfSatisfying(ProviderUnavailable.class, e -> {
                    assertThat(e.code()).isEqualTo("provider_unavailable");
                    assertThat(e.getMessage()).contains("POST /v1/contracts/create")
                            .contains("Oneflow may have applied it");
                });
        assertThat(fake.requests("POST", "/contracts/create")).hasSize(1);
        assertThat(fake.contractCount()).isEqualTo(contracts);
    }

    @Test
    void publishSendsSubjectAndMessageAndReturnsThePendingContract() {
        Map<String, Object> out = map(invoke(MEMBER, "publish_contract", Map.of("contract_id", FakeOneflow.CONTRACT_DRAFT,
                "subject", "Please sign", "message", "Hi Peter, here is our NDA.")));

        RecordedCall call = onlyWrite("POST", "/contracts/" + FakeOneflow.CONTRACT_DRAFT + "/publish",
                FakeOneflow.MEMBER_EMAIL);
        assertThat(call.json()).isEqualTo(Map.of("subject", "Please sign", "message", "Hi Peter, here is our NDA."));
        assertThat(out).containsEntry("state", "pending").containsEntry("id", FakeOneflow.CONTRACT_DRAFT);
        assertThat(out.get("published_time")).isNotNull();
        assertThat(fake.contractState(FakeOneflow.CONTRACT_DRAFT)).contains("pending");
    }

    @Test
    void publishingTwiceIsAConflict() {
        assertThatThrownBy(() -> invoke(ADMIN, "publish_contract", Map.of("contract_id", FakeOneflow.CONTRACT_SIGNED,
                "subject", "s", "message", "m")))
                .isInstanceOfSatisfying(ProviderRejected.class, e -> {
                    assertThat(e.status()).isEqualTo(409);
                    assertThat(e.code()).isEqualTo("oneflow_http_409");
                    assertThat(e.getMessage()).contains("Only a draft contract can be published");
                });
    }

    @Test
    void publishingOnTheFreePlanIsPaymentRequired() {
        fake.freePlan(true);

        assertThatThrownBy(() -> invoke(ADMIN, "publish_contract", Map.of("contract_id", FakeOneflow.CONTRACT_DRAFT,
                "subject", "s", "message", "m")))
                .isInstanceOfSatisfying(InsufficientPermissions.class, e -> {
                    assertThat(e.code()).isEqualTo("plan_required");
                    assertThat(e.providerStatus()).hasValue(402);
                    assertThat(e.getMessage()).isEqualTo("Publishing contracts is not available in the free plan.");
                });
        assertThat(fake.requests("POST", "/contracts/" + FakeOneflow.CONTRACT_DRAFT + "/publish")).hasSize(1);
        assertThat(fake.contractState(FakeOneflow.CONTRACT_DRAFT)).contains("draft");
    }

    @Test
    void publishIsNeverRetriedAndNeedsSubjectAndMessage() {
        assertThatThrownBy(() -> invoke(ADMIN, "publish_contract", Map.of("contract_id", FakeOneflow.CONTRACT_DRAFT)))
                .isInstanceOfSatisfying(InputRejected.class, e -> assertThat(e.fieldErrors())
                        .extracting(FieldError::field).containsExactly("subject", "message"));
        assertThat(fake.requests()).isEmpty();

        fake.failNext(502, 1);
        assertThatThrownBy(() -> invoke(ADMIN, "publish_contract", Map.of("contract_id", FakeOneflow.CONTRACT_DRAFT,
                "subject", "s", "message", "m"))).isInstanceOf(ProviderUnavailable.class);
        assertThat(fake.requests("POST", "/contracts/" + FakeOneflow.CONTRACT_DRAFT + "/publish")).hasSize(1);
        assertThat(fake.contractState(FakeOneflow.CONTRACT_DRAFT)).contains("draft");
    }

    @Test
    void updateDataFieldsPutsEachValueByCustomIdOrId() {
        Map<String, Object> before = map(invoke(ADMIN, "get_contract_data_fields",
                Map.of("contract_id", FakeOneflow.CONTRACT_DRAFT)));
        long effectiveDateId = (Long) list(before.get("data_fields")).get(1).get("id");
        fake.clearRequests();

        Map<String, Object> out = map(invoke(MEMBER, "update_contract_data_fields", Map.of(
                "contract_id", FakeOneflow.CONTRACT_DRAFT,
                "data_fields", List.of(Map.of("custom_id", "counterparty_name", "value", "Initech LLC"),
                        Map.of("id", effectiveDateId, "value", "2024-06-01")))));

        RecordedCall byCustomId = onlyWrite("PUT", "/contracts/" + FakeOneflow.CONTRACT_DRAFT
                + "/data_fields/c::counterparty_name", FakeOneflow.MEMBER_EMAIL);
        assertThat(byCustomId.json()).isEqualTo(Map.of("value", "Initech LLC"));
        RecordedCall byId = onlyWrite("PUT", "/contracts/" + FakeOneflow.CONTRACT_DRAFT + "/data_fields/"
                + effectiveDateId, FakeOneflow.MEMBER_EMAIL);
        assertThat(byId.json()).isEqualTo(Map.of("value", "2024-06-01"));
        assertThat(list(out.get("data_fields"))).extracting(d -> d.get("custom_id"), d -> d.get("value")).containsExactly(
                org.assertj.core.groups.Tuple.tuple("counterparty_name", "Initech LLC"),
                org.assertj.core.groups.Tuple.tuple("effective_date", "2024-06-01"));
        assertThat(fake.dataFieldValue(FakeOneflow.CONTRACT_DRAFT, "counterparty_name")).contains("Initech LLC");

        Map<String, Object> events = map(invoke(ADMIN, "list_contract_events", Map.of("contract_id",
                FakeOneflow.CONTRACT_DRAFT, "sort", List.of("-id"), "limit", 1)));
        Map<String, Object> data = map(list(events.get("events")).get(0).get("data"));
        assertThat(list(events.get("events")).get(0)).containsEntry("type", "data_field:update");
        assertThat(list(data.get("changes")).get(0)).containsEntry("to", "2024-06-01");
    }

    @Test
    void aDataFieldWithoutValueIsSentWithoutOneAndKeepsItsValue() {
        invoke(ADMIN, "update_contract_data_fields", Map.of("contract_id", FakeOneflow.CONTRACT_DRAFT,
                "data_fields", List.of(Map.of("custom_id", "counterparty_name", "value", "Initech LLC"))));
        fake.clearRequests();
        String input = "{\"contract_id\":" + FakeOneflow.CONTRACT_DRAFT
                + ",\"data_fields\":[{\"custom_id\":\"counterparty_name\"}]}";
        assertThat(InputSchemas.problems(connector, "update_contract_data_fields", input)).isEmpty();

        Map<String, Object> out = map(invoke(ADMIN, "update_contract_data_fields", Map.of(
                "contract_id", FakeOneflow.CONTRACT_DRAFT,
                "data_fields", List.of(Map.of("custom_id", "counterparty_name")))));

        assertThat(onlyWrite("PUT", "/contracts/" + FakeOneflow.CONTRACT_DRAFT + "/data_fields/c::counterparty_name",
                FakeOneflow.ADMIN_EMAIL).json()).isEmpty();
        assertThat(list(out.get("data_fields"))).extracting(d -> d.get("value")).containsExactly("Initech LLC");
        assertThat(fake.dataFieldValue(FakeOneflow.CONTRACT_DRAFT, "counterparty_name")).contains("Initech LLC");
    }

    @Test
    void nullClearsADataField() {
        invoke(ADMIN, "update_contract_data_fields", Map.of("contract_id", FakeOneflow.CONTRACT_HR,
                "data_fields", List.of(mapWithNull("custom_id", "employee_name", "value"))));

        assertThat(fake.requests().get(0).json()).isEqualTo(Map.of("value", ""));
        assertThat(fake.dataFieldValue(FakeOneflow.CONTRACT_HR, "employee_name")).contains("");
    }

    @Test
    void aRefusedFieldStopsTheRestAndSaysHowManyWereUpdated() {
        assertThatThrownBy(() -> invoke(ADMIN, "update_contract_data_fields", Map.of(
                "contract_id", FakeOneflow.CONTRACT_DRAFT,
                "data_fields", List.of(Map.of("custom_id", "counterparty_name", "value", "Initech LLC"),
                        Map.of("custom_id", "no_such_field", "value", "x"),
                        Map.of("custom_id", "effective_date", "value", "2024-06-01")))))
                .isInstanceOfSatisfying(ProviderRejected.class, e -> {
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.getMessage()).startsWith("data_fields[1] was refused (1 earlier field was updated)");
                    assertThat(e.fieldErrors()).extracting(FieldError::field).containsExactly("data_fields[1]");
                });
        assertThat(fake.requests()).extracting(RecordedCall::method).containsExactly("PUT", "PUT");
        assertThat(fake.dataFieldValue(FakeOneflow.CONTRACT_DRAFT, "effective_date")).contains("");
    }

    private static final List<Object> TWO_FIELDS = List.of(
            Map.of("custom_id", "counterparty_name", "value", "Initech LLC"),
            Map.of("custom_id", "effective_date", "value", "2024-06-01"));

    @Test
    void anyFailureAfterAWrittenFieldSaysHowManyWereUpdated() {
        fake.passNext(1).failNext(503, 1);
        assertThatThrownBy(() -> invoke(ADMIN, "update_contract_data_fields", Map.of(
                "contract_id", FakeOneflow.CONTRACT_DRAFT, "data_fields", TWO_FIELDS)))
                .isInstanceOfSatisfying(ProviderUnavailable.class, e -> {
                    assertThat(e.code()).isEqualTo("provider_error");
                    assertThat(e.getMessage()).startsWith("data_fields[1] failed (1 earlier field was updated): "
                            + "Oneflow failed with HTTP 503");
                });
        assertThat(fake.dataFieldValue(FakeOneflow.CONTRACT_DRAFT, "counterparty_name")).contains("Initech LLC");

        fake.reset();
        fake.passNext(1).dropNext(1);
        assertThatThrownBy(() -> invoke(ADMIN, "update_contract_data_fields", Map.of(
                "contract_id", FakeOneflow.CONTRACT_DRAFT, "data_fields", TWO_FIELDS)))
                .isInstanceOfSatisfying(ProviderUnavailable.class, e -> assertThat(e.getMessage())
                        .startsWith("data_fields[1] failed (1 earlier field was updated): ")
                        .contains("Oneflow may have applied it"));

        fake.reset();
        fake.passNext(1).failNext(403, 1);
        assertThatThrownBy(() -> invoke(ADMIN, "update_contract_data_fields", Map.of(
                "contract_id", FakeOneflow.CONTRACT_DRAFT, "data_fields", TWO_FIELDS)))
                .isInstanceOfSatisfying(InsufficientPermissions.class, e -> {
                    assertThat(e.providerStatus()).hasValue(403);
                    assertThat(e.getMessage()).startsWith("data_fields[1] failed (1 earlier field was updated): ");
                });

        fake.reset();
        fake.passNext(1).failNext(401, 1);
        assertThatThrownBy(() -> invoke(ADMIN, "update_contract_data_fields", Map.of(
                "contract_id", FakeOneflow.CONTRACT_DRAFT, "data_fields", TWO_FIELDS)))
                .isInstanceOfSatisfying(io.patchbay.spi.InvalidCredentials.class, e -> assertThat(e.getMessage())
                        .startsWith("data_fields[1] failed (1 earlier field was updated): "));
        assertThat(fake.requests()).extracting(RecordedCall::method).containsExactly("PUT", "PUT");
    }

    @Test
    void oneflowsRateLimitAfterAWrittenFieldSaysHowManyWereUpdated() {
        fake.limitRequests(1, java.time.Duration.ofMinutes(5));
        assertThatThrownBy(() -> invoke(ADMIN, "update_contract_data_fields", Map.of(
                "contract_id", FakeOneflow.CONTRACT_DRAFT, "data_fields", TWO_FIELDS)))
                .isInstanceOfSatisfying(io.patchbay.spi.RateLimited.class, e -> {
                    assertThat(e.code()).isEqualTo("rate_limited");
                    assertThat(e.getMessage()).startsWith("data_fields[1] failed (1 earlier field was updated): ");
                });
        assertThat(fake.requests()).hasSize(2);
        assertThat(fake.dataFieldValue(FakeOneflow.CONTRACT_DRAFT, "counterparty_name")).contains("Initech LLC");
    }

    @Test
    void theConnectorsOwnBudgetAfterAWrittenFieldSaysHowManyWereUpdated() {
        Map<String, String> settings = new HashMap<>(TestContexts.FAST_RETRIES);
        settings.put("rate_limit_requests", "1");
        try (io.patchbay.spi.Connector budgeted = new OneflowConnectorFactory().create(
                TestContexts.fast(fake.baseUrl()).withSettings(settings))) {
            assertThatThrownBy(() -> budgeted.invoke(new io.patchbay.spi.ActionCall("update_contract_data_fields",
                    ADMIN, java.util.Optional.empty(), Map.of("contract_id", FakeOneflow.CONTRACT_DRAFT,
                    "data_fields", TWO_FIELDS))))
                    .isInstanceOfSatisfying(io.patchbay.spi.RateLimited.class, e -> assertThat(e.getMessage())
                            .startsWith("data_fields[1] failed (1 earlier field was updated): This token has used"));
        }
        assertThat(fake.requests()).hasSize(1);
    }

    @Test
    void signedContractsDataFieldsAreAConflict() {
        assertThatThrownBy(() -> invoke(ADMIN, "update_contract_data_fields", Map.of(
                "contract_id", FakeOneflow.CONTRACT_SIGNED,
                "data_fields", List.of(Map.of("custom_id", "counterparty_name", "value", "x")))))
                .isInstanceOfSatisfying(ProviderRejected.class, e -> assertThat(e.status()).isEqualTo(409));
    }

    @Test
    void dataFieldInputIsCheckedBeforeAnyRequest() {
        List<Object> fields = new ArrayList<>();
        fields.add(Map.of("value", "x"));
        fields.add(Map.of("custom_id", "a", "id", 3, "value", "x"));
        fields.add(Map.of("custom_id", "b"));
        fields.add(Map.of("custom_id", "c", "value", 5, "colour", "red"));
        fields.add(Map.of("custom_id", "d", "value", "1"));
        fields.add(Map.of("custom_id", "d", "value", "2"));
        assertThatThrownBy(() -> invoke(ADMIN, "update_contract_data_fields", Map.of(
                "contract_id", FakeOneflow.CONTRACT_DRAFT, "data_fields", fields)))
                .isInstanceOfSatisfying(InputRejected.class, e -> assertThat(e.fieldErrors())
                        .extracting(FieldError::field).containsExactlyInAnyOrder("data_fields[0]", "data_fields[1]",
                                "data_fields[3].value", "data_fields[3].colour",
                                "data_fields[5]"));
        assertThatThrownBy(() -> invoke(ADMIN, "update_contract_data_fields", Map.of(
                "contract_id", FakeOneflow.CONTRACT_DRAFT, "data_fields", List.of())))
                .isInstanceOfSatisfying(InputRejected.class, e -> assertThat(e.fieldErrors())
                        .extracting(FieldError::code).containsExactly("size"));
        assertThat(fake.requests()).isEmpty();
    }

    private static Map<String, Object> mapWithNull(String key, String value, String nullKey) {
        Map<String, Object> map = new HashMap<>();
        map.put(key, value);
        map.put(nullKey, null);
        return map;
    }
}
