package io.patchbay.connector.oneflow;

import io.patchbay.spi.ActionDefinition;
import java.util.List;

/** The action catalog: names, descriptions and JSON Schemas (draft 2020-12) of input and output. */
final class OneflowActionDefinitions {
    static final String LIST_WORKSPACES = "list_workspaces";
    static final String LIST_USERS = "list_users";
    static final String LIST_TEMPLATES = "list_templates";
    static final String LIST_CONTRACTS = "list_contracts";
    static final String GET_CONTRACT = "get_contract";
    static final String LIST_CONTRACT_PARTICIPANTS = "list_contract_participants";
    static final String CREATE_CONTRACT = "create_contract";
    static final String PUBLISH_CONTRACT = "publish_contract";
    static final String LIST_CONTRACT_EVENTS = "list_contract_events";
    static final String GET_CONTRACT_DATA_FIELDS = "get_contract_data_fields";
    static final String UPDATE_CONTRACT_DATA_FIELDS = "update_contract_data_fields";
    static final String LIST_CONTRACT_FILES = "list_contract_files";
    static final String DOWNLOAD_CONTRACT_FILE = "download_contract_file";

    static final List<String> CONTRACT_STATES = List.of("draft", "pending", "overdue", "signed", "declined");
    static final List<String> CONTRACT_SORTS = List.of("name", "-name", "state", "-state", "state_updated_time",
            "-state_updated_time", "published_time", "-published_time");
    static final List<String> NAME_SORTS = List.of("name", "-name");
    static final List<String> EVENT_SORTS = List.of("created_time", "-created_time", "id", "-id", "type", "-type");
    static final List<String> TEMPLATE_ACTIVE = List.of("active", "inactive", "all");

    private static final String ID = "{\"type\":\"integer\",\"minimum\":1}";
    private static final String NULLABLE_ID = "{\"type\":[\"integer\",\"null\"]}";
    private static final String STR = "{\"type\":[\"string\",\"null\"]}";
    private static final String BOOL = "{\"type\":[\"boolean\",\"null\"]}";
    private static final String TIME = "{\"type\":[\"string\",\"null\"],\"format\":\"date-time\"}";
    private static final String PAGING = """
            "limit":{"type":"integer","minimum":1,"maximum":100,"default":100,"description":"Items per page (Oneflow allows at most 100)."},
            "offset":{"type":"integer","minimum":0,"maximum":19900,"default":0,"description":"Items to skip; Oneflow stops at 19900."}""";
    private static final String WORKSPACE_INPUT = """
            "workspace_id":{"type":"integer","minimum":1,"description":"Defaults to the linked workspace."}""";
    private static final String CONTRACT_INPUT = """
            "contract_id":{"type":"integer","minimum":1}""";
    private static final String TAGS = "{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{\"id\":"
            + ID + ",\"name\":" + STR + "}}}";

    private static final String WORKSPACE = obj("""
            "id":%s,"name":%s,"description":%s,"company_name":%s,"country_code":%s,"can_create_contracts":%s,
            "created_time":%s,"updated_time":%s""".formatted(ID, STR, STR, STR, STR, BOOL, TIME, TIME), "id", "name");
    private static final String USER = obj("""
            "id":%s,"email":%s,"name":%s,"title":%s,"active":{"type":"boolean"},"is_admin":{"type":"boolean"},"state":%s"""
            .formatted(ID, STR, STR, STR, STR), "id", "email", "active", "is_admin");
    private static final String TEMPLATE = obj("""
            "id":%s,"name":%s,"active":%s,
            "template_type":{"type":["object","null"],"properties":{"id":%s,"name":%s,"extension_type":%s}},
            "tags":%s,"created_time":%s,"updated_time":%s"""
            .formatted(ID, STR, BOOL, ID, STR, STR, TAGS, TIME, TIME), "id", "name");
    private static final String CONTRACT_FIELDS = """
            "id":%s,"name":%s,"state":{"enum":["draft","pending","overdue","signed","declined",null]},
            "workspace_id":%s,"template_id":%s,"template_type_id":%s,
            "value":{"type":["object","null"],"properties":{"amount":%s,"currency":%s}},"tags":%s,
            "created_time":%s,"published_time":%s,"state_updated_time":%s,"updated_time":%s,
            "signing_period_expiry_time":%s""".formatted(ID, STR, NULLABLE_ID, NULLABLE_ID, NULLABLE_ID, STR, STR,
            TAGS, TIME, TIME, TIME, TIME, TIME);
    private static final String CONTRACT_SUMMARY = obj(CONTRACT_FIELDS, "id", "name", "state");
    private static final String PARTICIPANT = obj("""
            "id":%s,"name":%s,"email":%s,"phone_number":%s,"title":%s,"signatory":%s,"organizer":%s,
            "my_participant":%s,"sign_state":%s,"sign_state_updated_time":%s,"sign_method":%s,"delivery_channel":%s,
            "delivery_status":%s,"two_step_authentication_method":%s"""
            .formatted(NULLABLE_ID, STR, STR, STR, STR, BOOL, BOOL, BOOL, STR, TIME, STR, STR, STR, STR), "id");
    /** Oneflow's participant rules: an email for the email channel, a phone for sms, a signatory's sign method and permissions. */
    private static final String PARTICIPANT_INPUT = """
            {"type":"object","allOf":[
              {"if":{"required":["delivery_channel"],"properties":{"delivery_channel":{"enum":["email","email_and_sms"]}}},
               "then":{"required":["email"],"properties":{"email":{"type":"string","pattern":"\\\\S"}}}},
              {"if":{"anyOf":[{"required":["delivery_channel"],"properties":{"delivery_channel":{"enum":["sms","email_and_sms"]}}},
                              {"required":["sign_method"],"properties":{"sign_method":{"const":"sms"}}}]},
               "then":{"required":["phone_number"],"properties":{"phone_number":{"type":"string","pattern":"\\\\S"}}}},
              {"if":{"required":["signatory"],"properties":{"signatory":{"const":true}}},
               "then":{"required":["sign_method","_permissions"],"properties":{"sign_method":{"type":"string","pattern":"\\\\S"},
                 "_permissions":{"type":"object"}}}}],
             "description":"A Oneflow participant. email is required for the email delivery channel, phone_number for sms (delivery or sign method), sign_method and _permissions for a signatory."}""";

    private static final String PARTY = obj("""
            "id":%s,"name":%s,"type":{"enum":["company","individual",null]},"my_party":%s,"country_code":%s,
            "identification_number":%s,"participants":{"type":"array","items":%s}"""
            .formatted(NULLABLE_ID, STR, BOOL, STR, STR, PARTICIPANT), "id", "participants");
    private static final String CONTRACT = obj(CONTRACT_FIELDS + """
            ,"lifecycle_state":{"type":["object","null"]},"parties":{"type":"array","items":%s}""".formatted(PARTY),
            "id", "name", "state", "parties");
    private static final String DATA_FIELD = obj("""
            "id":%s,"custom_id":%s,"name":%s,"value":%s,"description":%s,"placeholder":%s"""
            .formatted(ID, STR, STR, STR, STR, STR), "id", "value");
    private static final String EVENT = obj("""
            "id":%s,"type":{"type":"string"},"created_time":%s,"actor":{"type":["object","null"]},"data":{"type":["object","null"]}"""
            .formatted(ID, TIME), "id", "type");
    private static final String FILE = obj("""
            "id":%s,"name":%s,"extension":%s,"type":{"enum":["contract","verification","attachment","pdf",null]}"""
            .formatted(ID, STR, STR), "id", "type");
    /** Whole-list outputs read every page Oneflow serves, which stops at 20000 items. */
    private static final String TRUNCATED = ",\"truncated\":{\"type\":\"boolean\",\"description\":\"True when "
            + "the contract has more than " + OneflowPages.MAX_ITEMS + " of these: Oneflow serves no offset past "
            + OneflowPages.MAX_OFFSET + ", so the list holds the first " + OneflowPages.MAX_ITEMS + " only.\"}";
    private static final String DATA_FIELD_VALUE = """
            {"type":"object","additionalProperties":false,
             "properties":{"custom_id":{"type":"string","minLength":1,"maxLength":255,"pattern":"\\\\S","not":{"enum":[".",".."]},
                 "description":"Not blank, not . or ..; no two items may name the same field (JSON Schema cannot say so; the connector refuses it)."},"id":%s,
               "value":{"type":["string","null"],"description":"Left out: the field keeps its value; null or an empty string empties it."}},
             "oneOf":[{"required":["custom_id"]},{"required":["id"]}]}""".formatted(ID);

    static final List<ActionDefinition> ALL = List.of(
            new ActionDefinition(LIST_WORKSPACES, "List workspaces",
                    "Workspaces the linked user can reach, with whether the user may create contracts in each.",
                    input(PAGING + ",\"sort\":" + sortSchema(NAME_SORTS)),
                    page("workspaces", WORKSPACE), true),
            new ActionDefinition(LIST_USERS, "List users",
                    "Users of the Oneflow account, active or not, with their admin flag.",
                    input(PAGING), page("users", USER), true),
            new ActionDefinition(LIST_TEMPLATES, "List templates",
                    "Contract templates of a workspace (default: the linked one) that the user may use.",
                    input(WORKSPACE_INPUT + ",\"active\":{\"enum\":" + json(TEMPLATE_ACTIVE)
                            + ",\"default\":\"active\"},\"sort\":" + sortSchema(NAME_SORTS) + "," + PAGING),
                    page("templates", TEMPLATE), true),
            new ActionDefinition(LIST_CONTRACTS, "List contracts",
                    "Contracts of a workspace (default: the linked one), filtered by state, name, free text, "
                            + "publish time or a data field value, one page at a time.",
                    inputWithRules(WORKSPACE_INPUT + """
                            ,"all_workspaces":{"type":"boolean","default":false,"description":"List every workspace the user reaches instead of one; not together with workspace_id."},
                            "states":{"type":"array","minItems":1,"uniqueItems":true,"items":{"enum":%s}},
                            "name":{"type":"string","minLength":1,"maxLength":200,"pattern":"\\\\S"},
                            "query":{"type":"string","minLength":1,"maxLength":200,"pattern":"\\\\S","description":"Free-text search."},
                            "published_after":{"type":"string","format":"date-time"},
                            "published_before":{"type":"string","format":"date-time"},
                            "data_field":{"type":"object","additionalProperties":false,"required":["custom_id","value"],
                              "properties":{"custom_id":{"type":"string","minLength":1,"pattern":"^[^:]*[^:\\\\s][^:]*$",
                                "description":"Not blank and without ':' (Oneflow's filter is custom_id:value)."},"value":{"type":"string","minLength":1}}},
                            "sort":%s,%s""".formatted(json(CONTRACT_STATES), sortSchema(CONTRACT_SORTS), PAGING),
                            // all_workspaces: true and a workspace_id contradict each other.
                            """
                            "if":{"required":["all_workspaces"],"properties":{"all_workspaces":{"const":true}}},
                            "then":{"not":{"required":["workspace_id"]}}"""),
                    page("contracts", CONTRACT_SUMMARY), true),
            new ActionDefinition(GET_CONTRACT, "Get contract",
                    "One contract with its lifecycle, parties and participants.",
                    input(CONTRACT_INPUT, "contract_id"), CONTRACT, true),
            new ActionDefinition(LIST_CONTRACT_PARTICIPANTS, "List contract participants",
                    "The parties of a contract and the participants of each, with signing and delivery state.",
                    input(CONTRACT_INPUT, "contract_id"),
                    obj("\"contract_id\":" + ID + ",\"parties\":{\"type\":\"array\",\"items\":" + PARTY + "}" + TRUNCATED,
                            "contract_id", "parties", "truncated"), true),
            new ActionDefinition(CREATE_CONTRACT, "Create contract",
                    "Creates a draft contract from a template in a workspace (default: the linked one), optionally "
                            + "with a name, data field values and counterparties. Sent once, never retried.",
                    input(WORKSPACE_INPUT + """
                            ,"template_id":{"type":"integer","minimum":1},
                            "name":{"type":"string","minLength":1,"maxLength":130,"pattern":"\\\\S"},
                            "data_fields":{"type":"array","maxItems":500,"description":"Each custom_id at most once (JSON Schema cannot say so; the connector refuses a repeat).",
                              "items":{"type":"object","additionalProperties":false,
                              "required":["custom_id"],"properties":{"custom_id":{"type":"string","minLength":1,"pattern":"\\\\S"},
                                "value":{"type":["string","null"],"description":"Left out: the template's value stays; null or an empty string empties the field."}}}},
                            "parties":{"type":"array","maxItems":40,"items":{"type":"object","required":["type"],
                              "properties":{"type":{"enum":["company","individual"]},"name":{"type":"string"},
                                "country_code":{"type":"string"},"identification_number":{"type":"string"},
                                "participants":{"type":"array","items":%1$s},"participant":%1$s},
                              "allOf":[
                                {"if":{"required":["type"],"properties":{"type":{"const":"company"}}},
                                 "then":{"required":["name"],"properties":{"name":{"pattern":"\\\\S"}},"not":{"required":["participant"]}}},
                                {"if":{"required":["type"],"properties":{"type":{"const":"individual"}}},
                                 "then":{"anyOf":[{"required":["participant"]},{"required":["participants"]}]}}],
                              "description":"Oneflow party objects: a company has a name and lists participants, an individual has one participant."}}""".formatted(PARTICIPANT_INPUT),
                            "template_id"),
                    CONTRACT, false),
            new ActionDefinition(PUBLISH_CONTRACT, "Publish contract",
                    "Sends a draft contract to its participants for signing, with the invitation's subject and "
                            + "message. Not available on Oneflow's free plan. Sent once, never retried.",
                    input(CONTRACT_INPUT + """
                            ,"subject":{"type":"string","minLength":1,"maxLength":255,"pattern":"\\\\S"},
                            "message":{"type":"string","minLength":1,"maxLength":10000,"pattern":"\\\\S"}""",
                            "contract_id", "subject", "message"),
                    CONTRACT, false),
            new ActionDefinition(LIST_CONTRACT_EVENTS, "List contract events",
                    "What happened to a contract (published, signed, data field updated, ...), one page at a time.",
                    input(CONTRACT_INPUT + ",\"sort\":" + sortSchema(EVENT_SORTS) + "," + PAGING, "contract_id"),
                    page("events", EVENT, "\"contract_id\":" + ID + ",", "\"contract_id\","), true),
            new ActionDefinition(GET_CONTRACT_DATA_FIELDS, "Get contract data fields",
                    "The data fields (contract variables) of a contract with their custom ids and values.",
                    input(CONTRACT_INPUT, "contract_id"),
                    obj("\"contract_id\":" + ID + ",\"data_fields\":{\"type\":\"array\",\"items\":" + DATA_FIELD + "}" + TRUNCATED,
                            "contract_id", "data_fields", "truncated"), true),
            new ActionDefinition(UPDATE_CONTRACT_DATA_FIELDS, "Update contract data fields",
                    "Sets data field values of a contract, each field named by custom_id or id. Fields are updated "
                            + "in order and the first failure stops the rest; sent once, never retried.",
                    input(CONTRACT_INPUT + ",\"data_fields\":{\"type\":\"array\",\"minItems\":1,\"maxItems\":100,\"items\":"
                            + DATA_FIELD_VALUE + "}", "contract_id", "data_fields"),
                    obj("\"contract_id\":" + ID + ",\"data_fields\":{\"type\":\"array\",\"items\":" + DATA_FIELD + "}",
                            "contract_id", "data_fields"), false),
            new ActionDefinition(LIST_CONTRACT_FILES, "List contract files",
                    "The files of a contract: the contract PDF (id 1), the verification (id 2) and attachments.",
                    input(CONTRACT_INPUT, "contract_id"),
                    obj("\"contract_id\":" + ID + ",\"files\":{\"type\":\"array\",\"items\":" + FILE + "}" + TRUNCATED,
                            "contract_id", "files", "truncated"), true),
            new ActionDefinition(DOWNLOAD_CONTRACT_FILE, "Download contract file",
                    "Downloads one file of a contract (default: the contract PDF) and returns it base64-encoded "
                            + "with its content type and file name.",
                    input(CONTRACT_INPUT + ",\"file_id\":{\"type\":\"integer\",\"minimum\":1,\"default\":1,"
                            + "\"description\":\"1 is the contract PDF, 2 the verification; see list_contract_files.\"}",
                            "contract_id"),
                    obj("""
                            "contract_id":%s,"file_id":%s,"file_name":{"type":"string"},"content_type":{"type":"string"},
                            "file_type":%s,"size":{"type":"integer","minimum":0},"content_base64":{"type":"string","contentEncoding":"base64"}"""
                            .formatted(ID, ID, STR), "contract_id", "file_id", "file_name", "content_type", "size",
                            "content_base64"), true));

    private OneflowActionDefinitions() {
    }

    private static String input(String properties, String... required) {
        return "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"type\":\"object\","
                + "\"additionalProperties\":false,\"required\":" + json(List.of(required))
                + ",\"properties\":{" + properties + "}}";
    }

    /** An input schema with keywords beside its properties (rules across fields), required none. */
    private static String inputWithRules(String properties, String rules) {
        String schema = input(properties);
        return schema.substring(0, schema.length() - 1) + "," + rules + "}";
    }

    private static String obj(String properties, String... required) {
        return "{\"type\":\"object\",\"required\":" + json(List.of(required)) + ",\"properties\":{" + properties + "}}";
    }

    private static String page(String key, String item) {
        return page(key, item, "", "");
    }

    private static String page(String key, String item, String extraProperties, String extraRequired) {
        return "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"type\":\"object\","
                + "\"required\":[" + extraRequired + "\"count\",\"limit\",\"offset\",\"next_offset\",\"truncated\",\""
                + key + "\"],\"properties\":{" + extraProperties
                + "\"count\":{\"type\":[\"integer\",\"null\"],\"description\":\"All matches, not just this page.\"},"
                + "\"limit\":{\"type\":\"integer\"},\"offset\":{\"type\":\"integer\"},"
                + "\"next_offset\":{\"type\":[\"integer\",\"null\"],\"description\":\"Offset of the next page; null on "
                + "the last, and when the next page would start past " + OneflowPages.MAX_OFFSET + ".\"},"
                + "\"truncated\":{\"type\":\"boolean\",\"description\":\"True when more matches follow than Oneflow "
                + "serves: it serves no offset past " + OneflowPages.MAX_OFFSET + ", so next_offset is null though the "
                + "list goes on; narrow it with filters.\"},"
                + "\"" + key + "\":{\"type\":\"array\",\"items\":" + item + "}}}";
    }

    private static String sortSchema(List<String> allowed) {
        return "{\"type\":\"array\",\"minItems\":1,\"uniqueItems\":true,\"items\":{\"enum\":" + json(allowed)
                + "},\"description\":\"Sort keys in order; a leading - sorts descending.\"}";
    }

    private static String json(List<String> strings) {
        return strings.stream().map(s -> "\"" + s + "\"").collect(java.util.stream.Collectors.joining(",", "[", "]"));
    }
}
