package io.patchbay.connector.oneflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patchbay.connector.oneflow.fake.FakeOneflow;
import io.patchbay.connector.oneflow.fake.RecordedCall;
import io.patchbay.spi.FieldError;
import io.patchbay.spi.InputRejected;
import io.patchbay.spi.ProviderRejected;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReadActionsTest extends FakeServerTest {

    private RecordedCall only(String method, String apiPath) {
        List<RecordedCall> calls = fake.requests(method, apiPath);
        assertThat(calls).as(method + " " + apiPath).hasSize(1);
        RecordedCall call = calls.get(0);
        assertThat(call.header("x-oneflow-api-token")).isEqualTo(FakeOneflow.TOKEN);
        assertThat(call.header("accept")).isEqualTo("application/json");
        return call;
    }

    @Test
    void listWorkspacesSendsBothHeadersAndTellsWhereTheUserMayCreate() {
        Map<String, Object> out = map(invoke(MEMBER, "list_workspaces", Map.of()));

        RecordedCall call = only("GET", "/workspaces");
        assertThat(call.header("x-oneflow-user-email")).isEqualTo(FakeOneflow.MEMBER_EMAIL);
        assertThat(call.query()).isEqualTo(Map.of("limit", "100", "offset", "0"));
        assertThat(out).containsEntry("count", 2L).containsEntry("next_offset", null);
        assertThat(list(out.get("workspaces"))).extracting(w -> w.get("name"), w -> w.get("can_create_contracts"))
                .containsExactly(org.assertj.core.groups.Tuple.tuple("Sales", true),
                        org.assertj.core.groups.Tuple.tuple("HR", false));
        assertThat(list(out.get("workspaces")).get(0)).containsEntry("id", FakeOneflow.WORKSPACE_SALES)
                .containsEntry("created_time", "2024-01-08T09:00:00Z");
    }

    @Test
    void listWorkspacesSortsAsAsked() {
        Map<String, Object> out = map(invoke(ADMIN, "list_workspaces", Map.of("sort", List.of("-name"))));

        assertThat(only("GET", "/workspaces").query("sort")).isEqualTo("-name");
        assertThat(list(out.get("workspaces"))).extracting(w -> w.get("name")).containsExactly("Sales", "Legal", "HR");
    }

    @Test
    void aNextPagePastOneflowsLastOffsetIsNoNextPageButATruncatedList() {
        fake.addUsers(20_000); // more users than Oneflow serves through offsets

        Map<String, Object> before = map(invoke(ADMIN, "list_users", Map.of("offset", 19_800)));
        Map<String, Object> last = map(invoke(ADMIN, "list_users", Map.of("offset", 19_900)));

        assertThat(fake.requests("GET", "/users")).extracting(RecordedCall::query).containsExactly(
                Map.of("limit", "100", "offset", "19800"), Map.of("limit", "100", "offset", "19900"));
        assertThat(before).containsEntry("next_offset", 19_900L).containsEntry("truncated", false);
        assertThat(last).containsEntry("count", (long) FakeOneflow.ACME_USERS + 20_000)
                .containsEntry("next_offset", null).containsEntry("truncated", true);
        assertThat(list(last.get("users"))).hasSize(100);
        // The offset next_offset would have named is one Oneflow (and our input) refuses.
        assertThatThrownBy(() -> invoke(ADMIN, "list_users", Map.of("offset", 20_000)))
                .isInstanceOf(InputRejected.class);
    }

    @Test
    void listUsersPagesWithLimitAndOffset() {
        Map<String, Object> first = map(invoke(ADMIN, "list_users", Map.of("limit", 100)));
        Map<String, Object> second = map(invoke(ADMIN, "list_users", Map.of("limit", 100, "offset", 100)));

        assertThat(fake.requests("GET", "/users")).extracting(RecordedCall::query).containsExactly(
                Map.of("limit", "100", "offset", "0"), Map.of("limit", "100", "offset", "100"));
        assertThat(first).containsEntry("count", (long) FakeOneflow.ACME_USERS).containsEntry("next_offset", 100L);
        assertThat(list(first.get("users"))).hasSize(100);
        assertThat(second).containsEntry("offset", 100L).containsEntry("next_offset", null)
                .containsEntry("truncated", false);
        assertThat(list(second.get("users"))).hasSize(FakeOneflow.ACME_USERS - 100);
        assertThat(list(first.get("users")).get(0)).containsEntry("email", FakeOneflow.ADMIN_EMAIL)
                .containsEntry("is_admin", true).containsEntry("active", true);
        assertThat(list(first.get("users")).get(1)).containsEntry("email", FakeOneflow.INACTIVE_EMAIL)
                .containsEntry("active", false);
    }

    @Test
    void listTemplatesDefaultsToTheLinkedWorkspaceAndActiveTemplates() {
        Map<String, Object> out = map(invoke(ADMIN, "list_templates", Map.of()));

        RecordedCall call = only("GET", "/templates");
        assertThat(call.query()).containsEntry("filter[workspace_ids]", Long.toString(FakeOneflow.WORKSPACE_SALES))
                .containsEntry("filter[active]", "true").containsEntry("limit", "100").containsEntry("offset", "0");
        assertThat(list(out.get("templates"))).extracting(t -> t.get("id"))
                .containsExactly(FakeOneflow.TEMPLATE_NDA, FakeOneflow.TEMPLATE_CONDUCT);
        Map<String, Object> nda = list(out.get("templates")).get(0);
        assertThat(nda).containsEntry("name", "Mutual NDA").containsEntry("active", true);
        assertThat(map(nda.get("template_type"))).containsEntry("id", 5L).containsEntry("extension_type", "custom");
        assertThat(list(out.get("templates")).get(1)).containsEntry("template_type", null);
    }

    @Test
    void listTemplatesCanShowInactiveOrAllInAnotherWorkspace() {
        Map<String, Object> inactive = map(invoke(ADMIN, "list_templates", Map.of("active", "inactive")));
        Map<String, Object> all = map(invokeUnlinked(ADMIN, "list_templates", Map.of("active", "all",
                "workspace_id", FakeOneflow.WORKSPACE_HR)));

        List<RecordedCall> calls = fake.requests("GET", "/templates");
        assertThat(calls.get(0).query("filter[active]")).isEqualTo("false");
        assertThat(calls.get(1).query()).containsEntry("filter[active]", "")
                .containsEntry("filter[workspace_ids]", Long.toString(FakeOneflow.WORKSPACE_HR));
        assertThat(list(inactive.get("templates"))).extracting(t -> t.get("id")).containsExactly(FakeOneflow.TEMPLATE_INACTIVE);
        assertThat(list(all.get("templates"))).extracting(t -> t.get("id"))
                .containsExactly(FakeOneflow.TEMPLATE_CONDUCT, FakeOneflow.TEMPLATE_EMPLOYMENT);
    }

    @Test
    void listContractsPagesThroughTheLinkedWorkspace() {
        Map<String, Object> first = map(invoke(ADMIN, "list_contracts", Map.of()));
        Map<String, Object> second = map(invoke(ADMIN, "list_contracts", Map.of("offset", first.get("next_offset"))));

        List<RecordedCall> calls = fake.requests("GET", "/contracts");
        assertThat(calls).extracting(c -> c.query("filter[workspace_ids]"))
                .containsOnly(Long.toString(FakeOneflow.WORKSPACE_SALES));
        assertThat(calls).extracting(c -> c.query("offset")).containsExactly("0", "100");
        assertThat(first).containsEntry("count", (long) FakeOneflow.SALES_CONTRACTS).containsEntry("next_offset", 100L);
        assertThat(list(first.get("contracts"))).hasSize(100);
        assertThat(list(second.get("contracts"))).hasSize(FakeOneflow.SALES_CONTRACTS - 100);
        assertThat(second).containsEntry("next_offset", null);
        Map<String, Object> signed = list(first.get("contracts")).get(0);
        assertThat(signed).containsEntry("id", FakeOneflow.CONTRACT_SIGNED)
                .containsEntry("name", "Mutual NDA – Globex").containsEntry("state", "signed")
                .containsEntry("workspace_id", FakeOneflow.WORKSPACE_SALES)
                .containsEntry("template_id", FakeOneflow.TEMPLATE_NDA)
                .containsEntry("published_time", "2024-01-09T09:00:00Z")
                .containsEntry("value", Map.of("amount", "500.10", "currency", "SEK"));
        assertThat(signed).doesNotContainKey("parties");
    }

    @Test
    void listContractsSendsEveryFilterInOneflowsSyntax() {
        Map<String, Object> out = map(invoke(ADMIN, "list_contracts", Map.of(
                "states", List.of("signed", "pending"),
                "name", "NDA",
                "query", "globex",
                "published_after", "2024-01-09T00:00:00Z",
                "published_before", "2024-01-10T10:00:00+01:00",
                "data_field", Map.of("custom_id", "counterparty_name", "value", "Globex Corp"),
                "sort", List.of("-published_time", "name"),
                "limit", 10)));

        RecordedCall call = only("GET", "/contracts");
        assertThat(call.query()).containsEntry("filter[states]", "signed,pending")
                .containsEntry("filter[name]", "NDA").containsEntry("filter[query]", "globex")
                // Decoded by the fake: a + sent unencoded would have arrived as a space.
                .containsEntry("filter[published_time]", "2024-01-09T00:00:00+00:00|2024-01-10T10:00:00+01:00")
                .containsEntry("filter[data_field_match]", "counterparty_name:Globex Corp")
                .containsEntry("sort", "-published_time,name").containsEntry("limit", "10");
        assertThat(list(out.get("contracts"))).extracting(c -> c.get("id")).containsExactly(FakeOneflow.CONTRACT_SIGNED);
        assertThat(out).containsEntry("count", 1L);
    }

    @Test
    void listContractsAcrossAllWorkspacesSendsNoWorkspaceFilter() {
        Map<String, Object> out = map(invoke(ADMIN, "list_contracts", Map.of("all_workspaces", true, "limit", 1)));

        assertThat(only("GET", "/contracts").query()).doesNotContainKey("filter[workspace_ids]");
        assertThat(out).containsEntry("count", (long) FakeOneflow.SALES_CONTRACTS + 2);
    }

    @Test
    void badListInputIsRefusedFieldByFieldBeforeAnyRequest() {
        assertThatThrownBy(() -> invoke(ADMIN, "list_contracts", Map.of("limit", 101, "offset", -1,
                "states", List.of("signed", "archived"), "published_after", "yesterday", "colour", "red")))
                .isInstanceOfSatisfying(InputRejected.class, e -> {
                    assertThat(e.code()).isEqualTo("invalid_input");
                    assertThat(e.fieldErrors()).extracting(FieldError::field).containsExactlyInAnyOrder(
                            "colour", "limit", "offset", "states[1]", "published_after");
                });
        assertThatThrownBy(() -> invoke(ADMIN, "list_contracts", Map.of("all_workspaces", true,
                "workspace_id", FakeOneflow.WORKSPACE_HR)))
                .isInstanceOfSatisfying(InputRejected.class, e ->
                        assertThat(e.fieldErrors()).extracting(FieldError::code).containsExactly("conflict"));
        assertThatThrownBy(() -> invoke(ADMIN, "list_contracts", Map.of("data_field",
                Map.of("custom_id", "a:b", "value", "x"))))
                .isInstanceOfSatisfying(InputRejected.class, e -> assertThat(e.fieldErrors())
                        .extracting(FieldError::field, FieldError::code)
                        .containsExactly(org.assertj.core.groups.Tuple.tuple("data_field.custom_id", "pattern")));
        assertThatThrownBy(() -> invoke(ADMIN, "launch_rocket", Map.of()))
                .isInstanceOfSatisfying(InputRejected.class, e -> assertThat(e.code()).isEqualTo("unknown_action"));
        assertThat(fake.requests()).isEmpty();
    }

    @Test
    void fractionsOfPublishedBoundsRoundInwardToWholeSeconds() {
        // CONTRACT_SIGNED was published at 2024-01-09T09:00:00Z: after a later instant of that second, it is out.
        Map<String, Object> later = map(invoke(ADMIN, "list_contracts", Map.of(
                "published_after", "2024-01-09T09:00:00.5Z", "published_before", "2024-01-09T10:00:05.999+01:00")));
        Map<String, Object> earlier = map(invoke(ADMIN, "list_contracts", Map.of(
                "published_after", "2024-01-09T08:59:59.1Z", "published_before", "2024-01-09T09:00:00.7Z")));

        List<RecordedCall> calls = fake.requests("GET", "/contracts");
        assertThat(calls).extracting(c -> c.query().get("filter[published_time]")).containsExactly(
                "2024-01-09T09:00:01+00:00|2024-01-09T10:00:05+01:00",
                "2024-01-09T09:00:00+00:00|2024-01-09T09:00:00+00:00");
        assertThat(list(later.get("contracts"))).extracting(c -> c.get("id"))
                .doesNotContain(FakeOneflow.CONTRACT_SIGNED);
        assertThat(list(earlier.get("contracts"))).extracting(c -> c.get("id"))
                .contains(FakeOneflow.CONTRACT_SIGNED);
    }

    @Test
    void boundsWithinOneSecondWithNoWholeSecondBetweenThemMatchNothingWithoutAsking() {
        Map<String, Object> none = map(invoke(ADMIN, "list_contracts", Map.of(
                "published_after", "2024-01-09T09:00:00.2Z", "published_before", "2024-01-09T09:00:00.8Z")));

        assertThat(list(none.get("contracts"))).isEmpty();
        assertThat(none.get("count")).isEqualTo(0L);
        assertThat(none.get("next_offset")).isNull();
        assertThat(fake.requests()).as("a reversed range is not sent").isEmpty();
    }

    @Test
    void impossibleCalendarDatesAreRefusedNotMovedToTheMonthsEnd() {
        assertThatThrownBy(() -> invoke(ADMIN, "list_contracts", Map.of("published_after", "2024-11-31T00:00:00Z",
                "published_before", "2025-02-29T00:00:00+0100")))
                .isInstanceOfSatisfying(InputRejected.class, e -> assertThat(e.fieldErrors())
                        .extracting(FieldError::field, FieldError::code).containsExactlyInAnyOrder(
                                org.assertj.core.groups.Tuple.tuple("published_after", "time"),
                                org.assertj.core.groups.Tuple.tuple("published_before", "time")));
        assertThat(fake.requests()).isEmpty();

        invoke(ADMIN, "list_contracts", Map.of("published_after", "2024-02-29T00:00:00Z"));
        assertThat(only("GET", "/contracts").query())
                .containsEntry("filter[published_time]", "2024-02-29T00:00:00+00:00|");
    }

    @Test
    void getContractReturnsPartiesAndParticipants() {
        Map<String, Object> out = map(invoke(ADMIN, "get_contract", Map.of("contract_id", FakeOneflow.CONTRACT_SIGNED)));

        only("GET", "/contracts/" + FakeOneflow.CONTRACT_SIGNED);
        assertThat(out).containsEntry("name", "Mutual NDA – Globex").containsEntry("state", "signed");
        assertThat(map(out.get("lifecycle_state"))).containsEntry("lifecycle_state", "active").containsEntry("period", 1L);
        List<Map<String, Object>> parties = list(out.get("parties"));
        assertThat(parties).extracting(p -> p.get("name"), p -> p.get("my_party")).containsExactly(
                org.assertj.core.groups.Tuple.tuple("Acme Contracts AB", true),
                org.assertj.core.groups.Tuple.tuple("Globex Corp", false));
        Map<String, Object> gina = list(parties.get(1).get("participants")).get(0);
        assertThat(gina).containsEntry("email", "gina@globex.example").containsEntry("signatory", true)
                .containsEntry("sign_state", "signed").containsEntry("sign_state_updated_time", "2024-01-10T09:00:00Z");
    }

    @Test
    void contractIdMayArriveAsAString() {
        Map<String, Object> out = map(invoke(ADMIN, "get_contract", Map.of("contract_id", "51874")));
        assertThat(out).containsEntry("id", FakeOneflow.CONTRACT_SIGNED);
    }

    @Test
    void listParticipantsReadsThePartiesEndpointIncludingAnIndividualsSingleParticipant() {
        Map<String, Object> out = map(invoke(ADMIN, "list_contract_participants",
                Map.of("contract_id", FakeOneflow.CONTRACT_HR)));

        only("GET", "/contracts/" + FakeOneflow.CONTRACT_HR + "/parties");
        assertThat(out).containsEntry("contract_id", FakeOneflow.CONTRACT_HR);
        Map<String, Object> jane = list(out.get("parties")).get(1);
        assertThat(jane).containsEntry("type", "individual").containsEntry("name", "Jane Doe");
        assertThat(list(jane.get("participants"))).extracting(p -> p.get("email")).containsExactly("jane@example.com");
    }

    @Test
    void contractOutsideTheUsersWorkspacesIsNotFound() {
        assertThatThrownBy(() -> invoke(MEMBER, "get_contract", Map.of("contract_id", FakeOneflow.CONTRACT_LEGAL)))
                .isInstanceOfSatisfying(ProviderRejected.class, e -> {
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.code()).isEqualTo("oneflow_http_404");
                    assertThat(e.getMessage()).startsWith("An object referenced in the request was not found");
                });
        assertThat(fake.requests("GET", "/contracts/" + FakeOneflow.CONTRACT_LEGAL)).as("a 404 is not retried").hasSize(1);
    }

    @Test
    void listEventsPagesAndSorts() {
        Map<String, Object> out = map(invoke(ADMIN, "list_contract_events", Map.of("contract_id",
                FakeOneflow.CONTRACT_SIGNED, "sort", List.of("-created_time"), "limit", 2)));

        RecordedCall call = only("GET", "/contracts/" + FakeOneflow.CONTRACT_SIGNED + "/events");
        assertThat(call.query()).isEqualTo(Map.of("sort", "-created_time", "limit", "2", "offset", "0"));
        assertThat(out).containsEntry("contract_id", FakeOneflow.CONTRACT_SIGNED).containsEntry("count", 4L)
                .containsEntry("next_offset", 2L);
        assertThat(list(out.get("events"))).extracting(e -> e.get("type"))
                .containsExactly("participant:sign", "contract:sign");
        assertThat(list(out.get("events")).get(0)).containsEntry("created_time", "2024-01-10T09:00:00Z");
        assertThat(map(list(out.get("events")).get(0).get("actor"))).containsEntry("name", "Gina Globex");
    }

    @Test
    void dataFieldsCarryTheCustomIdFromPrivateOwnerside() {
        Map<String, Object> out = map(invoke(ADMIN, "get_contract_data_fields",
                Map.of("contract_id", FakeOneflow.CONTRACT_SIGNED)));

        only("GET", "/contracts/" + FakeOneflow.CONTRACT_SIGNED + "/data_fields");
        assertThat(list(out.get("data_fields"))).extracting(d -> d.get("custom_id"), d -> d.get("value"))
                .containsExactly(org.assertj.core.groups.Tuple.tuple("counterparty_name", "Globex Corp"),
                        org.assertj.core.groups.Tuple.tuple("effective_date", "2024-03-01"));
        assertThat(list(out.get("data_fields")).get(0)).containsEntry("name", "Counterparty name")
                .containsEntry("placeholder", "Globex Corp");
    }

    @Test
    void dataFieldsArePagedThroughToTheLastOne() {
        fake.addDataFields(FakeOneflow.CONTRACT_SIGNED, 150);

        Map<String, Object> out = map(invoke(ADMIN, "get_contract_data_fields",
                Map.of("contract_id", FakeOneflow.CONTRACT_SIGNED)));

        assertThat(fake.requests("GET", "/contracts/" + FakeOneflow.CONTRACT_SIGNED + "/data_fields"))
                .extracting(RecordedCall::query).containsExactly(Map.of("limit", "100", "offset", "0"),
                        Map.of("limit", "100", "offset", "100"));
        List<Map<String, Object>> fields = list(out.get("data_fields"));
        assertThat(fields).hasSize(152);
        assertThat(fields.get(151)).containsEntry("custom_id", "extra_150").containsEntry("value", "value 150");
        assertThat(out).containsEntry("truncated", false);
    }

    @Test
    void dataFieldsAnsweredWholeWithoutPagingAreReadOnce() {
        fake.unpagedChildLists(true).addDataFields(FakeOneflow.CONTRACT_SIGNED, 150);

        Map<String, Object> out = map(invoke(ADMIN, "get_contract_data_fields",
                Map.of("contract_id", FakeOneflow.CONTRACT_SIGNED)));

        assertThat(fake.requests("GET", "/contracts/" + FakeOneflow.CONTRACT_SIGNED + "/data_fields"))
                .as("a page longer than the limit asked for is the whole list").hasSize(1);
        List<Map<String, Object>> fields = list(out.get("data_fields"));
        assertThat(fields).hasSize(152);
        assertThat(fields).extracting(f -> f.get("id")).doesNotHaveDuplicates();
        assertThat(out).containsEntry("truncated", false);
    }

    @Test
    void partiesAnsweredWholeWithoutPagingAreNotReadTwiceWhenTheyFillExactlyOnePage() {
        // 2 seeded parties + 98 = exactly the page size, so only the repeat of the same items shows the offset was
        // ignored.
        fake.unpagedChildLists(true).addCounterparties(FakeOneflow.CONTRACT_HR, 98);

        Map<String, Object> out = map(invoke(ADMIN, "list_contract_participants",
                Map.of("contract_id", FakeOneflow.CONTRACT_HR)));

        assertThat(fake.requests("GET", "/contracts/" + FakeOneflow.CONTRACT_HR + "/parties")).hasSize(2);
        List<Map<String, Object>> parties = list(out.get("parties"));
        assertThat(parties).hasSize(100);
        assertThat(parties).extracting(p -> p.get("id")).doesNotHaveDuplicates();
        assertThat(out).containsEntry("truncated", false);
    }

    /** All the pages of a whole-list action share one call timeout: give 200 of them room on a busy machine. */
    private void twoHundredPagesInOneCall() {
        connector.close();
        connector = new OneflowConnectorFactory().create(TestContexts.fast(fake.baseUrl())
                .withTimeouts(java.time.Duration.ofSeconds(2), java.time.Duration.ofSeconds(120)));
    }

    @Test
    void aListLongerThanOneflowServesSaysItIsTruncated() {
        twoHundredPagesInOneCall();
        fake.addDataFields(FakeOneflow.CONTRACT_SIGNED, 20_050);

        Map<String, Object> out = map(invoke(ADMIN, "get_contract_data_fields",
                Map.of("contract_id", FakeOneflow.CONTRACT_SIGNED)));

        List<RecordedCall> pages = fake.requests("GET", "/contracts/" + FakeOneflow.CONTRACT_SIGNED + "/data_fields");
        assertThat(pages).as("every page Oneflow serves").hasSize(200);
        assertThat(pages.get(199).query()).isEqualTo(Map.of("limit", "100", "offset", "19900"));
        assertThat(list(out.get("data_fields"))).hasSize(20_000);
        assertThat(out).as("20052 fields, 20000 served").containsEntry("truncated", true);
    }

    @Test
    void participantsArePagedThroughToTheLastParty() {
        fake.addCounterparties(FakeOneflow.CONTRACT_HR, 120);

        Map<String, Object> out = map(invoke(ADMIN, "list_contract_participants",
                Map.of("contract_id", FakeOneflow.CONTRACT_HR)));

        assertThat(fake.requests("GET", "/contracts/" + FakeOneflow.CONTRACT_HR + "/parties"))
                .extracting(RecordedCall::query).containsExactly(Map.of("limit", "100", "offset", "0"),
                        Map.of("limit", "100", "offset", "100"));
        List<Map<String, Object>> parties = list(out.get("parties"));
        assertThat(parties).hasSize(122);
        assertThat(out).containsEntry("truncated", false);
        assertThat(parties.get(121)).containsEntry("name", "Person 120");
    }

    @Test
    void listFilesReturnsTheContractPdfVerificationAndAttachments() {
        Map<String, Object> out = map(invoke(ADMIN, "list_contract_files", Map.of("contract_id", FakeOneflow.CONTRACT_SIGNED)));

        assertThat(only("GET", "/contracts/" + FakeOneflow.CONTRACT_SIGNED + "/files").query())
                .isEqualTo(Map.of("limit", "100", "offset", "0"));
        assertThat(list(out.get("files"))).extracting(f -> f.get("id"), f -> f.get("type")).containsExactly(
                org.assertj.core.groups.Tuple.tuple(1L, "contract"),
                org.assertj.core.groups.Tuple.tuple(2L, "verification"),
                org.assertj.core.groups.Tuple.tuple(7001L, "attachment"));
        assertThat(out).containsEntry("truncated", false);
    }
}
