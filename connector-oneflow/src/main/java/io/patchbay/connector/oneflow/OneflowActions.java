package io.patchbay.connector.oneflow;

import static io.patchbay.connector.oneflow.OneflowActionDefinitions.*;

import io.patchbay.spi.ActionCall;
import io.patchbay.spi.ActionDefinition;
import io.patchbay.spi.ActionResult;
import io.patchbay.spi.ConnectorException;
import io.patchbay.spi.FieldError;
import io.patchbay.spi.InputRejected;
import io.patchbay.spi.InsufficientPermissions;
import io.patchbay.spi.InvalidCredentials;
import io.patchbay.spi.ProviderRejected;
import io.patchbay.spi.ProviderUnavailable;
import io.patchbay.spi.RateLimited;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Runs the actions of {@link OneflowActionDefinitions}: input checks first, then Oneflow, then the output shape. */
final class OneflowActions {
    /** Oneflow's own example of a datetime filter writes the offset as {@code +00:00}. */
    private static final DateTimeFormatter FILTER_TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssxxx");
    private static final Set<String> PAGING = Set.of("limit", "offset");

    private final OneflowHttp http;
    private final OneflowFiles files;

    OneflowActions(OneflowHttp http) {
        this.http = http;
        this.files = new OneflowFiles(http);
    }

    List<ActionDefinition> definitions() {
        return ALL;
    }

    ActionResult invoke(ActionCall call) {
        OneflowApi.Auth auth = OneflowCredentials.auth(call.credentials());
        Object output = switch (call.action()) {
            case LIST_WORKSPACES -> listWorkspaces(auth, call);
            case LIST_USERS -> listUsers(auth, call);
            case LIST_TEMPLATES -> listTemplates(auth, call);
            case LIST_CONTRACTS -> listContracts(auth, call);
            case GET_CONTRACT -> getContract(auth, call);
            case LIST_CONTRACT_PARTICIPANTS -> listParticipants(auth, call);
            case CREATE_CONTRACT -> createContract(auth, call);
            case PUBLISH_CONTRACT -> publishContract(auth, call);
            case LIST_CONTRACT_EVENTS -> listEvents(auth, call);
            case GET_CONTRACT_DATA_FIELDS -> getDataFields(auth, call);
            case UPDATE_CONTRACT_DATA_FIELDS -> updateDataFields(auth, call);
            case LIST_CONTRACT_FILES -> listFiles(auth, call);
            case DOWNLOAD_CONTRACT_FILE -> files.download(auth, call);
            default -> {
                String message = "Oneflow has no action '" + call.action() + "'; it offers "
                        + ALL.stream().map(ActionDefinition::name).toList();
                throw new InputRejected("unknown_action", message,
                        List.of(new FieldError("action", "unknown_action", message)));
            }
        };
        return new ActionResult(output);
    }

    private Object listWorkspaces(OneflowApi.Auth auth, ActionCall call) {
        Input in = new Input(call.action(), call.input(), with(PAGING, "sort"));
        int limit = limit(in);
        int offset = offset(in);
        Optional<String> sort = in.commaList("sort", NAME_SORTS);
        in.done();
        Map<String, String> query = paging(limit, offset);
        sort.ifPresent(s -> query.put("sort", s));
        Dto.Page<Dto.Workspace> page = body(http.read(auth, api -> api.workspaces(auth, query)));
        return Output.page(page, limit, offset, "workspaces", page.items().stream().map(Output::workspace).toList());
    }

    private Object listUsers(OneflowApi.Auth auth, ActionCall call) {
        Input in = new Input(call.action(), call.input(), PAGING);
        int limit = limit(in);
        int offset = offset(in);
        in.done();
        Dto.Page<Dto.User> page = body(http.read(auth, api -> api.users(auth, limit, offset)));
        return Output.page(page, limit, offset, "users", page.items().stream().map(Output::user).toList());
    }

    private Object listTemplates(OneflowApi.Auth auth, ActionCall call) {
        Input in = new Input(call.action(), call.input(), with(PAGING, "workspace_id", "active", "sort"));
        Optional<Long> workspace = in.workspaceId("workspace_id", call.workspaceId(), false);
        String active = in.oneOf("active", TEMPLATE_ACTIVE).orElse("active");
        Optional<String> sort = in.commaList("sort", NAME_SORTS);
        int limit = limit(in);
        int offset = offset(in);
        in.done();
        Map<String, String> query = paging(limit, offset);
        workspace.ifPresent(id -> query.put("filter[workspace_ids]", id.toString()));
        // Oneflow lists only active templates unless filter[active] says otherwise; empty means both.
        query.put("filter[active]", switch (active) {
            case "inactive" -> "false";
            case "all" -> "";
            default -> "true";
        });
        sort.ifPresent(s -> query.put("sort", s));
        Dto.Page<Dto.Template> page = body(http.read(auth, api -> api.templates(auth, query)));
        return Output.page(page, limit, offset, "templates", page.items().stream().map(Output::template).toList());
    }

    private Object listContracts(OneflowApi.Auth auth, ActionCall call) {
        Input in = new Input(call.action(), call.input(), with(PAGING, "workspace_id", "all_workspaces", "states",
                "name", "query", "published_after", "published_before", "data_field", "sort"));
        boolean everywhere = in.bool("all_workspaces").orElse(false);
        Optional<Long> workspace;
        if (everywhere) {
            workspace = Optional.empty();
            if (call.input().get("workspace_id") != null) {
                in.error("workspace_id", "conflict", "give workspace_id or all_workspaces, not both");
            }
        } else {
            workspace = in.workspaceId("workspace_id", call.workspaceId(), false);
        }
        Optional<String> states = in.commaList("states", CONTRACT_STATES);
        Optional<String> name = in.text("name", false, 200);
        Optional<String> text = in.text("query", false, 200);
        Optional<OffsetDateTime> after = in.time("published_after");
        Optional<OffsetDateTime> before = in.time("published_before");
        if (after.isPresent() && before.isPresent() && after.get().isAfter(before.get())) {
            in.error("published_before", "range", "published_before must not be earlier than published_after");
        }
        Optional<String> dataField = in.object("data_field").flatMap(df -> dataFieldMatch(in, df));
        Optional<String> sort = in.commaList("sort", CONTRACT_SORTS);
        int limit = limit(in);
        int offset = offset(in);
        in.done();

        Map<String, String> query = paging(limit, offset);
        workspace.ifPresent(id -> query.put("filter[workspace_ids]", id.toString()));
        states.ifPresent(s -> query.put("filter[states]", s));
        name.ifPresent(s -> query.put("filter[name]", s));
        text.ifPresent(s -> query.put("filter[query]", s));
        if (after.isPresent() || before.isPresent()) {
            // Both ends are inclusive and Oneflow's range takes whole seconds, as its times are: a fraction would be
            // cut off, widening the range, so each end rounds inward instead.
            Optional<OffsetDateTime> from = after.map(OneflowActions::roundUpToSecond);
            Optional<OffsetDateTime> to = before.map(t -> t.truncatedTo(ChronoUnit.SECONDS));
            if (from.isPresent() && to.isPresent() && from.get().isAfter(to.get())) {
                // Both ends within one second and no whole second between them: no contract can match, and a
                // reversed range is not Oneflow's to interpret.
                return Output.page(new Dto.Page<>(Map.of(), 0, List.of()), limit, offset, "contracts", List.of());
            }
            query.put("filter[published_time]", from.map(FILTER_TIME::format).orElse("") + "|"
                    + to.map(FILTER_TIME::format).orElse(""));
        }
        dataField.ifPresent(s -> query.put("filter[data_field_match]", s));
        sort.ifPresent(s -> query.put("sort", s));
        Dto.Page<Dto.Contract> page = body(http.read(auth, api -> api.contracts(auth, query)));
        return Output.page(page, limit, offset, "contracts",
                page.items().stream().map(Output::contractSummary).toList());
    }

    private static Optional<String> dataFieldMatch(Input in, Map<String, Object> df) {
        Object customId = df.get("custom_id");
        Object value = df.get("value");
        boolean ok = true;
        if (!(customId instanceof String c) || c.isBlank()) {
            in.error("data_field.custom_id", "required", "data_field.custom_id must be a non-blank string");
            ok = false;
        } else if (c.contains(":")) {
            // Oneflow's filter is custom_id:value; a ':' in the id would move the split.
            in.error("data_field.custom_id", "pattern", "data_field.custom_id must not contain ':'");
            ok = false;
        }
        if (!(value instanceof String v) || v.isEmpty()) {
            in.error("data_field.value", "required", "data_field.value must be a non-empty string");
            ok = false;
        }
        for (String key : df.keySet()) {
            if (!key.equals("custom_id") && !key.equals("value")) {
                in.error("data_field." + key, "unknown_field", "data_field takes only custom_id and value");
                ok = false;
            }
        }
        return ok ? Optional.of(customId + ":" + value) : Optional.empty();
    }

    private Object getContract(OneflowApi.Auth auth, ActionCall call) {
        long contractId = contractId(call);
        return Output.contract(body(http.read(auth, api -> api.contract(auth, contractId))));
    }

    private Object listParticipants(OneflowApi.Auth auth, ActionCall call) {
        long contractId = contractId(call);
        // Every page within one call timeout, retried as a whole, like the files.
        OneflowPages.Read<Map<String, Object>> parties = http.retrying(deadline -> OneflowPages.all(offset ->
                body(http.once(auth, api -> api.parties(auth, contractId, OneflowPages.LIMIT, offset), deadline))));
        return Output.obj("contract_id", contractId, "parties", Output.parties(parties.items()),
                "truncated", parties.truncated());
    }

    private static OffsetDateTime roundUpToSecond(OffsetDateTime time) {
        OffsetDateTime whole = time.truncatedTo(ChronoUnit.SECONDS);
        return whole.equals(time) ? time : whole.plusSeconds(1);
    }

    private Object createContract(OneflowApi.Auth auth, ActionCall call) {
        Input in = new Input(call.action(), call.input(),
                Set.of("workspace_id", "template_id", "name", "data_fields", "parties"));
        Optional<Long> workspace = in.workspaceId("workspace_id", call.workspaceId(), true);
        Optional<Long> template = in.id("template_id", true);
        Optional<String> name = in.text("name", false, 130);
        List<Map<String, Object>> dataFields = in.objects("data_fields", false, 0, 500);
        List<Map<String, Object>> parties = in.objects("parties", false, 0, 40);
        List<Object> fieldValues = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < dataFields.size(); i++) {
            Map<String, Object> field = dataFields.get(i);
            String at = "data_fields[" + i + "]";
            Object customId = field.get("custom_id");
            Object value = field.get("value");
            if (!(customId instanceof String c) || c.isBlank()) {
                in.error(at + ".custom_id", "required", at + ".custom_id must be a non-blank string");
            } else if (!seen.add(c)) {
                in.error(at + ".custom_id", "duplicate", at + " sets custom_id '" + c + "' a second time");
            }
            if (value != null && !(value instanceof String)) {
                in.error(at + ".value", "type", at + ".value must be a string or null");
            }
            field.keySet().stream().filter(k -> !k.equals("custom_id") && !k.equals("value")).forEach(k ->
                    in.error(at + "." + k, "unknown_field", at + " takes only custom_id and value"));
            // Oneflow's create takes a data field without value (the template's value stays): left out, not "".
            fieldValues.add(field.containsKey("value")
                    ? Output.obj("custom_id", customId, "value", value == null ? "" : value)
                    : Output.obj("custom_id", customId));
        }
        for (int i = 0; i < parties.size(); i++) {
            checkParty(in, "parties[" + i + "]", parties.get(i));
        }
        in.done();

        Map<String, Object> body = new LinkedHashMap<>();
        body.put("workspace_id", workspace.orElseThrow());
        body.put("template_id", template.orElseThrow());
        name.ifPresent(n -> body.put("name", n));
        if (!fieldValues.isEmpty()) {
            body.put("data_fields", fieldValues);
        }
        if (!parties.isEmpty()) {
            body.put("parties", parties);
        }
        return Output.contract(body(http.once(auth, api -> api.createContract(auth, body))));
    }

    /** The shape rules Oneflow documents; the rest of a party is Oneflow's to judge. */
    private static void checkParty(Input in, String at, Map<String, Object> party) {
        Object type = party.get("type");
        if (!"company".equals(type) && !"individual".equals(type)) {
            in.error(at + ".type", "not_allowed", at + ".type must be company or individual");
            return;
        }
        Object participants = party.get("participants");
        Object participant = party.get("participant");
        if (participants != null && !(participants instanceof List<?> list && list.stream().allMatch(p -> p instanceof Map))) {
            in.error(at + ".participants", "type", at + ".participants must be an array of objects");
        }
        if (participant != null && !(participant instanceof Map)) {
            in.error(at + ".participant", "type", at + ".participant must be an object");
        }
        if ("company".equals(type) && participant != null) {
            in.error(at + ".participant", "not_allowed", "a company party lists its people in participants");
        }
        if ("company".equals(type) && !(party.get("name") instanceof String n && !n.isBlank())) {
            in.error(at + ".name", "required", at + ".name is required for a company party");
        }
        if ("individual".equals(type) && participant == null && participants == null) {
            in.error(at + ".participant", "required", "an individual party needs its participant");
        }
        if (participants instanceof List<?> list) {
            for (int j = 0; j < list.size(); j++) {
                if (list.get(j) instanceof Map<?, ?> person) {
                    checkParticipant(in, at + ".participants[" + j + "]", person);
                }
            }
        }
        if (participant instanceof Map<?, ?> person) {
            checkParticipant(in, at + ".participant", person);
        }
    }

    /**
     * Oneflow's participant rules, checked here so a refusal names the field before anything is sent: an email for
     * the email channel, a phone number for sms, a sign method and permissions for a signatory. Oneflow documents no
     * defaults for them, so none are filled in.
     */
    private static void checkParticipant(Input in, String at, Map<?, ?> person) {
        String channel = person.get("delivery_channel") instanceof String c ? c : "";
        if ((channel.equals("email") || channel.equals("email_and_sms")) && !present(person.get("email"))) {
            in.error(at + ".email", "required", at + ".email is required for the " + channel + " delivery channel");
        }
        boolean sms = channel.equals("sms") || channel.equals("email_and_sms") || "sms".equals(person.get("sign_method"));
        if (sms && !present(person.get("phone_number"))) {
            in.error(at + ".phone_number", "required", at + ".phone_number is required to deliver or sign by sms");
        }
        if (Boolean.TRUE.equals(person.get("signatory"))) {
            if (!present(person.get("sign_method"))) {
                in.error(at + ".sign_method", "required", at + ".sign_method is required for a signatory");
            }
            if (!(person.get("_permissions") instanceof Map)) {
                in.error(at + "._permissions", "required", at + "._permissions is required for a signatory");
            }
        }
    }

    private static boolean present(Object value) {
        return value instanceof String text && !text.isBlank();
    }

    private Object publishContract(OneflowApi.Auth auth, ActionCall call) {
        Input in = new Input(call.action(), call.input(), Set.of("contract_id", "subject", "message"));
        Optional<Long> contractId = in.id("contract_id", true);
        Optional<String> subject = in.text("subject", true, 255);
        Optional<String> message = in.text("message", true, 10_000);
        in.done();
        Map<String, Object> body = Output.obj("subject", subject.orElseThrow(), "message", message.orElseThrow());
        long id = contractId.orElseThrow();
        return Output.contract(body(http.once(auth, api -> api.publish(auth, id, body))));
    }

    private Object listEvents(OneflowApi.Auth auth, ActionCall call) {
        Input in = new Input(call.action(), call.input(), with(PAGING, "contract_id", "sort"));
        Optional<Long> contractId = in.id("contract_id", true);
        Optional<String> sort = in.commaList("sort", EVENT_SORTS);
        int limit = limit(in);
        int offset = offset(in);
        in.done();
        long id = contractId.orElseThrow();
        Map<String, String> query = paging(limit, offset);
        sort.ifPresent(s -> query.put("sort", s));
        Dto.Page<Dto.Event> page = body(http.read(auth, api -> api.events(auth, id, query)));
        Map<String, Object> out = Output.obj("contract_id", id);
        out.putAll(Output.page(page, limit, offset, "events", page.items().stream().map(Output::event).toList()));
        return out;
    }

    private Object getDataFields(OneflowApi.Auth auth, ActionCall call) {
        long contractId = contractId(call);
        OneflowPages.Read<Dto.DataField> fields = http.retrying(deadline -> OneflowPages.all(offset ->
                body(http.once(auth, api -> api.dataFields(auth, contractId, OneflowPages.LIMIT, offset), deadline))));
        return Output.obj("contract_id", contractId, "data_fields",
                fields.items().stream().map(Output::dataField).toList(), "truncated", fields.truncated());
    }

    private Object updateDataFields(OneflowApi.Auth auth, ActionCall call) {
        Input in = new Input(call.action(), call.input(), Set.of("contract_id", "data_fields"));
        Optional<Long> contractId = in.id("contract_id", true);
        List<Map<String, Object>> fields = in.objects("data_fields", true, 1, 100);
        List<String> refs = new ArrayList<>();
        List<Map<String, Object>> values = new ArrayList<>();
        for (int i = 0; i < fields.size(); i++) {
            Map<String, Object> field = fields.get(i);
            String at = "data_fields[" + i + "]";
            Object customId = field.get("custom_id");
            Long id = field.get("id") == null ? null : Input.toLong(field.get("id"));
            Object value = field.get("value");
            String ref = null;
            if (customId != null && field.get("id") != null) {
                in.error(at, "conflict", at + " must name the field by custom_id or id, not both");
            } else if (customId instanceof String c && !c.isBlank() && !c.equals(".") && !c.equals("..")) {
                ref = "c::" + c;
            } else if (customId != null) {
                in.error(at + ".custom_id", "invalid", at + ".custom_id must be a non-blank string");
            } else if (id != null && id > 0) {
                ref = id.toString();
            } else if (field.get("id") != null) {
                in.error(at + ".id", "invalid_id", at + ".id must be a positive whole number");
            } else {
                in.error(at, "required", at + " needs custom_id or id");
            }
            if (ref != null && refs.contains(ref)) {
                in.error(at, "duplicate", at + " names a field that an earlier item already sets");
            }
            if (value != null && !(value instanceof String)) {
                in.error(at + ".value", "type", at + ".value must be a string or null");
            }
            field.keySet().stream().filter(k -> !Set.of("custom_id", "id", "value").contains(k)).forEach(k ->
                    in.error(at + "." + k, "unknown_field", at + " takes only custom_id or id, and value"));
            refs.add(ref);
            // Oneflow leaves a field whose value is left out unchanged (null or "" empties it): the body says so.
            values.add(field.containsKey("value") ? Output.obj("value", value == null ? "" : value) : Map.of());
        }
        in.done();
        long contract = contractId.orElseThrow();
        List<Object> updated = new ArrayList<>();
        for (int i = 0; i < refs.size(); i++) {
            String ref = refs.get(i);
            Map<String, Object> body = values.get(i);
            try {
                updated.add(Output.dataField(body(http.once(auth, api -> api.updateDataField(auth, contract, ref, body)))));
            } catch (ConnectorException e) {
                throw afterUpdates(e, "data_fields[" + i + "]", i);
            }
        }
        return Output.obj("contract_id", contract, "data_fields", updated);
    }

    /**
     * The failure of one field of a batch, saying how many earlier fields were written: whatever the failure (a
     * refusal, a 429, the budget, 401/403, a 5xx or timeout), a caller that replays the whole batch would write
     * those again. Same type, code and status, so the host maps it as before.
     */
    private static ConnectorException afterUpdates(ConnectorException e, String at, int done) {
        String progress = " (" + done + " earlier field" + (done == 1 ? " was" : "s were") + " updated): ";
        if (e instanceof ProviderRejected r) {
            List<FieldError> errors = new ArrayList<>();
            r.fieldErrors().forEach(f -> errors.add(new FieldError(at + "." + f.field(), f.code(), f.message())));
            errors.add(new FieldError(at, r.code(), r.getMessage()));
            return new ProviderRejected(r.status(), r.code(), at + " was refused" + progress + r.getMessage(), errors);
        }
        String message = at + " failed" + progress + e.getMessage();
        if (e instanceof RateLimited r) {
            return new RateLimited(r.code(), message, r.retryAfter(), r.quotaExhausted());
        }
        if (e instanceof ProviderUnavailable u) {
            return new ProviderUnavailable(u.code(), message, u.getCause());
        }
        if (e instanceof InvalidCredentials c) {
            return new InvalidCredentials(c.code(), c.field().orElse(null), message);
        }
        if (e instanceof InsufficientPermissions p) {
            return p.providerStatus().isPresent()
                    ? new InsufficientPermissions(p.code(), message, p.providerStatus().getAsInt())
                    : new InsufficientPermissions(p.code(), message);
        }
        if (e instanceof InputRejected r) {
            return new InputRejected(r.code(), message, r.fieldErrors());
        }
        // CredentialFormatException: the credentials are checked before the first request, so none was written.
        return e;
    }

    private Object listFiles(OneflowApi.Auth auth, ActionCall call) {
        long contractId = contractId(call);
        OneflowPages.Read<Dto.File> all = http.retrying(deadline -> files.all(auth, contractId, deadline));
        return Output.obj("contract_id", contractId, "files", all.items().stream().map(Output::file).toList(),
                "truncated", all.truncated());
    }

    private static long contractId(ActionCall call) {
        Input in = new Input(call.action(), call.input(), Set.of("contract_id"));
        Optional<Long> id = in.id("contract_id", true);
        in.done();
        return id.orElseThrow();
    }

    private static int limit(Input in) {
        return in.integer("limit", 1, 100, 100);
    }

    private static int offset(Input in) {
        return in.integer("offset", 0, 19_900, 0);
    }

    private static Map<String, String> paging(int limit, int offset) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("limit", Integer.toString(limit));
        query.put("offset", Integer.toString(offset));
        return query;
    }

    private static Set<String> with(Set<String> base, String... more) {
        Set<String> keys = new HashSet<>(base);
        keys.addAll(List.of(more));
        return keys;
    }

    /** A success without a body is not an answer the connector can use. */
    static <T> T body(T value) {
        if (value == null) {
            throw new ProviderUnavailable("unreadable_response", "Oneflow answered without a body", null);
        }
        return value;
    }
}
