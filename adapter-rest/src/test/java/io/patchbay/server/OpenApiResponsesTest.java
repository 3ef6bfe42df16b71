package io.patchbay.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.dialect.OpenApi31;
import io.patchbay.connector.oneflow.fake.FakeOneflow;
import io.patchbay.connector.toggl.fake.FakeToggl;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real answers of the real server, checked against the schemas {@code GET /openapi.json} declares for them: the
 * status must be declared for the operation, the media type must be the declared one, and the body must be valid
 * against its schema (OpenAPI 3.1 dialect, formats such as {@code date-time} asserted). A client generated from the
 * document must be able to read what the server sends.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OpenApiResponsesTest {
    private static final String DOC_URI = "https://patchbay.invalid/openapi.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path data;
    static FakeToggl toggl;
    static FakeOneflow oneflow;
    static PatchbayServer server;
    static Api api;
    static String admin;
    static String key;
    static JsonNode doc;
    static SchemaRegistry schemas;
    /** The operations ({@code "GET /v1/accounts 200"}) the tests below compared, to check none is forgotten. */
    static final Set<String> checked = new TreeSet<>();

    @BeforeAll
    static void start() throws Exception {
        toggl = FakeToggl.start();
        oneflow = FakeOneflow.start();
        server = TestServers.start(data, Map.of("toggl", toggl.baseUrl(), "oneflow", oneflow.baseUrl()));
        api = new Api(server.port());
        admin = server.firstAdminKey().orElseThrow();
        key = Tenants.key(api, admin, "openapi");
        doc = JSON.readTree(api.get("/openapi.json").send().body());
        // Checked strictly: a member the server sends must be declared, though clients should ignore new ones.
        JsonNode strict = doc.deepCopy();
        closeObjects(strict);
        String text = JSON.writeValueAsString(strict);
        schemas = SchemaRegistry.withDefaultDialect(OpenApi31.getInstance(), b -> b
                .schemas(Map.of(DOC_URI, text))
                .schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));
    }

    @AfterAll
    static void stop() {
        server.close();
        toggl.close();
        oneflow.close();
    }

    /** Adds {@code unevaluatedProperties: false} to every object schema that says nothing about other members. */
    private static void closeObjects(JsonNode node) {
        if (node instanceof ObjectNode object) {
            if (object.has("properties") && !object.has("additionalProperties")
                    && !object.has("unevaluatedProperties")) {
                object.put("unevaluatedProperties", false);
            }
        }
        node.forEach(OpenApiResponsesTest::closeObjects);
    }

    /** Asserts that {@code response} is what the document declares for {@code method path} and its status. */
    static Api.Response conforms(String method, String path, Api.Response response) {
        JsonNode operation = doc.path("paths").path(path).path(method.toLowerCase(java.util.Locale.ROOT));
        assertThat(operation.isObject()).as("%s %s is in openapi.json", method, path).isTrue();
        String status = Integer.toString(response.status());
        String pointer = "/paths/" + escape(path) + "/" + method.toLowerCase(java.util.Locale.ROOT) + "/responses/";
        JsonNode declared = operation.path("responses").path(status);
        if (declared.isMissingNode()) {
            declared = operation.path("responses").path("default");
            pointer += "default";
        } else {
            pointer += status;
        }
        assertThat(declared.isMissingNode()).as("%s %s declares status %s; the server answered %s", method, path,
                status, response).isFalse();
        while (declared.has("$ref")) {
            pointer = declared.get("$ref").asText().substring(1);
            declared = doc.at(pointer);
        }
        checked.add(method + " " + path + " " + status);
        if (response.header("Retry-After").isPresent()) {
            assertThat(declared.path("headers").has("Retry-After")).as("%s %s %s declares the Retry-After it sends",
                    method, path, status).isTrue();
        }
        JsonNode content = declared.path("content");
        if (content.isMissingNode() || content.isEmpty()) {
            assertThat(response.body()).as("%s %s %s declares no body", method, path, status).isEmpty();
            return response;
        }
        String mediaType = response.header("Content-Type").orElse("").split(";")[0].trim();
        if (!content.has(mediaType) && content.has("*/*")) {
            return response; // a provider's answer passed on: any body
        }
        assertThat(content.has(mediaType)).as("%s %s %s declares %s; the server sent %s", method, path, status,
                content.fieldNames(), mediaType).isTrue();
        Schema schema = schemas.getSchema(SchemaLocation.of(DOC_URI + "#" + pointer + "/content/"
                + escape(mediaType) + "/schema"));
        List<Error> errors = schema.validate(response.body(), InputFormat.JSON);
        assertThat(errors).as("%s %s %s against its schema: %s", method, path, status, response.body()).isEmpty();
        return response;
    }

    private static String escape(String pointerPart) {
        return pointerPart.replace("~", "~0").replace("/", "~1");
    }

    private static Map<String, Object> link(String owner, String token, String workspace) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("connector_id", "toggl");
        body.put("credentials", Map.of("api_token", token));
        body.put("owner_id", owner);
        if (workspace != null) {
            body.put("workspace_id", workspace);
        }
        return body;
    }

    @Test
    void operationsAndCatalogAnswerAsDeclared() {
        conforms("GET", "/health", api.get("/health").send());
        conforms("GET", "/ready", api.get("/ready").send());
        conforms("GET", "/v1/connectors", api.get("/v1/connectors").token(key).send());
        conforms("GET", "/v1/connectors/{connector_id}", api.get("/v1/connectors/toggl").token(key).send());
        conforms("GET", "/v1/connectors/{connector_id}", api.get("/v1/connectors/oneflow").token(key).send());
        conforms("GET", "/v1/connectors/{connector_id}", api.get("/v1/connectors/nope").token(key).send());
        conforms("GET", "/v1/connectors/{connector_id}/actions",
                api.get("/v1/connectors/toggl/actions").token(key).send());
        conforms("GET", "/v1/connectors/{connector_id}/actions",
                api.get("/v1/connectors/oneflow/actions").token(key).send());
        conforms("GET", "/v1/connectors", api.get("/v1/connectors?limit=5").token(key).send());
        conforms("GET", "/v1/connectors", api.get("/v1/connectors").send());
        // A method the path does not take: each of its operations declares the 405.
        Api.Response wrongMethod = conforms("GET", "/v1/connectors",
                api.method("DELETE", "/v1/connectors").token(key).send());
        assertThat(wrongMethod.status()).isEqualTo(405);
        conforms("POST", "/v1/connectors/{connector_id}/check", api.post("/v1/connectors/toggl/check").token(key)
                .json(Map.of("credentials", Map.of("api_token", FakeToggl.ALICE.apiToken()))).send());
        conforms("POST", "/v1/connectors/{connector_id}/check", api.post("/v1/connectors/toggl/check").token(key)
                .json(Map.of("credentials", Map.of("api_token", "short"))).send());
        conforms("POST", "/v1/connectors/{connector_id}/check", api.post("/v1/connectors/oneflow/check").token(key)
                .json(Map.of("credentials", Map.of("api_token", FakeOneflow.TOKEN,
                        "user_email", FakeOneflow.ADMIN_EMAIL))).send());
    }

    @Test
    void anAccountsLifeAnswersAsDeclared() {
        String alice = FakeToggl.ALICE.apiToken();
        Api.Response choose = conforms("POST", "/v1/accounts",
                api.post("/v1/accounts").token(key).json(link("u-alice", alice, null)).send());
        assertThat(choose.status()).isEqualTo(422);
        Api.Response linked = conforms("POST", "/v1/accounts", api.post("/v1/accounts").token(key)
                .json(link("u-alice", alice, Long.toString(FakeToggl.WS_STUDIO))).send());
        assertThat(linked.status()).as(linked.toString()).isEqualTo(201);
        String id = linked.string("account.id");
        String path = "/v1/accounts/" + id;
        Api.Response twice = conforms("POST", "/v1/accounts", api.post("/v1/accounts").token(key)
                .json(link("u-alice", alice, Long.toString(FakeToggl.WS_STUDIO))).send());
        assertThat(twice.status()).isEqualTo(409);
        conforms("POST", "/v1/accounts", api.post("/v1/accounts").token(key)
                .json(Map.of("connector_id", "toggl")).send());

        conforms("GET", "/v1/accounts", api.get("/v1/accounts?limit=1").token(key).send());
        conforms("GET", "/v1/accounts", api.get("/v1/accounts?status=bogus").token(key).send());
        conforms("GET", "/v1/accounts/{account_id}", api.get(path).token(key).send());
        conforms("GET", "/v1/accounts/{account_id}", api.get("/v1/accounts/acc_nope").token(key).send());
        conforms("PATCH", "/v1/accounts/{account_id}", api.patch(path).token(key)
                .json(Map.of("label", "Studio")).send());
        conforms("PATCH", "/v1/accounts/{account_id}", api.patch(path).token(key).header("If-Match", "\"0\"")
                .json(Map.of("label", "Studio again")).send());
        conforms("PATCH", "/v1/accounts/{account_id}", api.patch(path).token(key).json(Map.of()).send());
        conforms("PATCH", "/v1/accounts/{account_id}", api.patch(path).token(key)
                .json(Map.of("label", "x", "version", 0)).send());
        conforms("PUT", "/v1/accounts/{account_id}/credentials", api.put(path + "/credentials").token(key)
                .json(Map.of("credentials", Map.of("api_token", alice))).send());
        conforms("PUT", "/v1/accounts/{account_id}/credentials", api.put(path + "/credentials").token(key)
                .json(Map.of("credentials", Map.of("api_token", FakeToggl.BOB.apiToken()))).send());
        conforms("POST", "/v1/accounts/{account_id}/verify", api.post(path + "/verify").token(key).send());
        conforms("POST", "/v1/accounts/{account_id}/actions/{action}",
                api.post(path + "/actions/list_projects").token(key).json(Map.of()).send());
        conforms("POST", "/v1/accounts/{account_id}/actions/{action}",
                api.post(path + "/actions/get_time_entry").token(key).json(Map.of("time_entry_id", 0)).send());
        conforms("POST", "/v1/accounts/{account_id}/actions/{action}",
                api.post(path + "/actions/nope").token(key).json(Map.of()).send());
        conforms("GET", "/v1/accounts/{account_id}/proxy/{path}",
                api.get(path + "/proxy/api/v9/me/../me").token(key).send());
        conforms("POST", "/v1/accounts/{account_id}/proxy/{path}",
                api.post(path + "/proxy/api/v9/me/reset_token").token(key).send());
        // The provider's own answers, its success and its refusals alike, with their bodies.
        Api.Response me = conforms("GET", "/v1/accounts/{account_id}/proxy/{path}",
                api.get(path + "/proxy/api/v9/me").token(key).send());
        assertThat(me.status()).isEqualTo(200);
        Api.Response missing = conforms("GET", "/v1/accounts/{account_id}/proxy/{path}",
                api.get(path + "/proxy/api/v9/nothing-here").token(key).send());
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.header("Content-Type").orElse("")).doesNotContain("problem+json");
        conforms("DELETE", "/v1/accounts/{account_id}", api.delete(path).token(key).header("If-Match", "\"0\"")
                .send());
        conforms("DELETE", "/v1/accounts/{account_id}", api.delete(path).token(key).send());
    }

    @Test
    void connectSessionsAnswerAsDeclared() {
        Api.Response session = conforms("POST", "/v1/connect-sessions", api.post("/v1/connect-sessions").token(key)
                .json(Map.of("owner_id", "u-dave", "allowed_connectors", List.of("toggl"))).send());
        assertThat(session.status()).as(session.toString()).isEqualTo(201);
        conforms("POST", "/v1/connect-sessions", api.post("/v1/connect-sessions").token(key)
                .json(Map.of("owner_id", "u-dave")).send());
        String token = session.string("token");
        conforms("GET", "/v1/connectors", api.get("/v1/connectors").token(token).send());
        conforms("GET", "/v1/accounts", api.get("/v1/accounts").token(token).send());
        Api.Response linked = conforms("POST", "/v1/accounts", api.post("/v1/accounts").token(token)
                .json(Map.of("connector_id", "toggl", "credentials",
                        Map.of("api_token", FakeToggl.DAVE.apiToken()))).send());
        assertThat(linked.status()).as(linked.toString()).isEqualTo(201);
        Api.Response edit = conforms("POST", "/v1/connect-sessions", api.post("/v1/connect-sessions").token(key)
                .json(Map.of("owner_id", "u-dave", "account_id", linked.string("account.id"))).send());
        assertThat(edit.string("mode")).isEqualTo("edit");
    }

    @Test
    void administrationAnswersAsDeclared() {
        String base = "/v1/admin/tenants/{tenant_id}/api-keys";
        Api.Response created = conforms("POST", base, api.post("/v1/admin/tenants/other/api-keys").token(admin)
                .json(Map.of("name", "reader", "scopes", List.of("accounts:read"))).send());
        assertThat(created.status()).isEqualTo(201);
        conforms("POST", base, api.post("/v1/admin/tenants/other/api-keys").token(admin)
                .json(Map.of("name", "x", "scopes", List.of("nope"))).send());
        conforms("GET", base, api.get("/v1/admin/tenants/other/api-keys").token(admin).send());
        String one = "/v1/admin/tenants/other/api-keys/" + created.string("id");
        conforms("GET", base + "/{key_id}", api.get(one).token(admin).send());
        conforms("POST", "/v1/accounts", api.post("/v1/accounts").token(created.string("key"))
                .json(link("u", FakeToggl.ALICE.apiToken(), null)).send());
        conforms("DELETE", base + "/{key_id}", api.delete(one).token(admin).send());
        conforms("GET", "/v1/admin/keyset", api.get("/v1/admin/keyset").token(admin).send());
        conforms("GET", "/v1/admin/keyset", api.get("/v1/admin/keyset").token(key).send());
        conforms("POST", "/v1/admin/keyset/reencrypt", api.post("/v1/admin/keyset/reencrypt?limit=10").token(admin)
                .send());
        conforms("DELETE", "/v1/admin/keyset/unused-keys", api.delete("/v1/admin/keyset/unused-keys").token(admin)
                .send());
        conforms("POST", "/v1/admin/keyset/keys", api.post("/v1/admin/keyset/keys").token(admin).send());
    }

    /**
     * The listener refuses requests the same way on every API route, before any route sees them (malformed,
     * timed out, too large, an unmet {@code Expect}, headers too large, the API server not answering): every API
     * operation declares all of those answers.
     */
    @Test
    void everyApiOperationDeclaresTheListenersRefusals() {
        List<String> missing = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            if (!path.getKey().startsWith("/v1/")) {
                continue;
            }
            for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
                Map.Entry<String, JsonNode> op = ops.next();
                for (String status : List.of("400", "405", "408", "413", "414", "417", "431", "500", "503")) {
                    if (!op.getKey().equals("parameters") && !op.getValue().path("responses").has(status)) {
                        missing.add(op.getKey().toUpperCase(java.util.Locale.ROOT) + " " + path.getKey() + " "
                                + status);
                    }
                }
            }
        }
        assertThat(missing).isEmpty();
    }

    /** The JSON pointers of the document's objects that match. */
    private static List<String> objects(java.util.function.Predicate<JsonNode> matching) {
        Map<String, JsonNode> found = new LinkedHashMap<>();
        collect("", doc, found);
        return found.entrySet().stream().filter(e -> matching.test(e.getValue())).map(Map.Entry::getKey).toList();
    }

    private static void collect(String pointer, JsonNode node, Map<String, JsonNode> found) {
        if (node.isObject()) {
            found.put(pointer, node);
            node.fields().forEachRemaining(e -> collect(pointer + "/" + escape(e.getKey()), e.getValue(), found));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                collect(pointer + "/" + i, node.get(i), found);
            }
        }
    }

    /** Generators know no {@code null} type of its own (openapi-generator looks for a model {@code Null}). */
    @Test
    void noSchemaIsOfTheNullTypeAlone() {
        assertThat(objects(node -> node.path("type").asText().equals("null"))).as("schemas of type null alone")
                .isEmpty();
    }

    /**
     * Java clients read an integer without a format as {@code Integer}: one that may exceed it (Tink key ids are
     * unsigned 32-bit; counts and versions are the server's {@code long}) must say {@code int64}.
     */
    @Test
    void integersBeyondInt32AreInt64() {
        assertThat(objects(node -> node.path("type").asText().equals("integer")
                && node.path("maximum").asLong(0) > Integer.MAX_VALUE
                && !node.path("format").asText().equals("int64"))).as("integers that may exceed int32").isEmpty();
        for (String pointer : List.of("/components/schemas/KeysetKey/properties/secrets",
                "/components/schemas/KeysetStatus/properties/secrets_not_on_primary",
                "/components/schemas/ReencryptResult/properties/reencrypted",
                "/components/schemas/Account/properties/version")) {
            assertThat(doc.at(pointer).path("format").asText()).as(pointer).isEqualTo("int64");
        }
    }

    /** The request members the server bounds state the server's bounds, in characters (code points) as it counts. */
    @Test
    void requestTextMembersStateTheServersBounds() {
        Map<String, Integer> maxima = Map.of(
                "LinkRequest/properties/owner_id", io.patchbay.core.Ids.MAX_LENGTH,
                "LinkRequest/properties/team_id", io.patchbay.core.Ids.MAX_LENGTH,
                "LinkRequest/properties/label", io.patchbay.core.account.Labels.MAX_LENGTH,
                "CreateSessionRequest/properties/owner_id", io.patchbay.core.Ids.MAX_LENGTH,
                "CreateSessionRequest/properties/team_id", io.patchbay.core.Ids.MAX_LENGTH,
                "CreateSessionRequest/properties/label", io.patchbay.core.account.Labels.MAX_LENGTH,
                "UpdateAccountRequest/properties/label", io.patchbay.core.account.Labels.MAX_LENGTH,
                "CreateApiKeyRequest/properties/name", 100);
        maxima.forEach((member, max) -> {
            JsonNode schema = doc.at("/components/schemas/" + member);
            assertThat(schema.path("minLength").asInt(0)).as(member).isEqualTo(1);
            assertThat(schema.path("maxLength").asInt(0)).as(member).isEqualTo(max);
        });
        String tooLong = "o".repeat(io.patchbay.core.Ids.MAX_LENGTH + 1);
        Api.Response refused = api.post("/v1/connect-sessions").token(key)
                .json(Map.of("owner_id", tooLong, "allowed_connectors", List.of("toggl"))).send();
        assertThat(refused.status()).isEqualTo(422);
    }

    /** An enum without a type is {@code unknown} or {@code Object} to generated clients. */
    @Test
    void everyEnumHasAType() {
        assertThat(objects(node -> node.has("enum") && !node.has("type"))).as("enums without a type").isEmpty();
    }

    /**
     * A branch of a composition without a type is {@code unknown} to openapi-typescript; the account update states
     * "at least one member" as a plain object instead, which every generator models.
     */
    @Test
    void everyBranchOfACompositionHasATypeOrAReference() {
        List<String> untyped = new ArrayList<>();
        for (String pointer : objects(node -> node.has("anyOf") || node.has("oneOf") || node.has("allOf"))) {
            for (String keyword : List.of("anyOf", "oneOf", "allOf")) {
                doc.at(pointer).path(keyword).forEach(branch -> {
                    if (!branch.has("type") && !branch.has("$ref")) {
                        untyped.add(pointer + "/" + keyword + " " + branch);
                    }
                });
            }
        }
        assertThat(untyped).isEmpty();
        assertThat(doc.at("/components/schemas/UpdateAccountRequest/minProperties").asInt()).isEqualTo(1);
    }

    /**
     * The server sends Retry-After with every 429, 502 and 504 (a provider refusing or failing), every 503, and the
     * 409 {@code session_busy} of a credential replacement: each operation that answers them declares the header.
     */
    @Test
    void retryAfterIsDeclaredWhereverItIsSent() {
        List<String> missing = new ArrayList<>();
        doc.path("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(op -> {
            op.getValue().path("responses").fields().forEachRemaining(answer -> {
                boolean sends = List.of("429", "502", "503", "504").contains(answer.getKey())
                        || answer.getKey().equals("409") && path.getKey().endsWith("/credentials");
                JsonNode declared = answer.getValue();
                if (declared.has("$ref")) {
                    declared = doc.at(declared.get("$ref").asText().substring(1));
                }
                if (sends && !declared.path("headers").has("Retry-After")) {
                    missing.add(op.getKey() + " " + path.getKey() + " " + answer.getKey());
                }
            });
        }));
        assertThat(missing).isEmpty();
    }

    /** The checker itself: a body that breaks its schema, or an undeclared status, must not pass. */
    @Test
    void theCheckRefusesWhatTheDocumentDoesNotDeclare() {
        Api.Response real = api.get("/v1/connectors").token(key).send();
        Api.Response renamed = new Api.Response(200, real.headers(), real.body().replace("\"display_name\"",
                "\"displayName\""));
        List<String> failures = new ArrayList<>();
        for (Api.Response wrong : List.of(renamed, new Api.Response(418, real.headers(), real.body()))) {
            try {
                conforms("GET", "/v1/connectors", wrong);
            } catch (AssertionError expected) {
                failures.add(expected.getMessage());
            }
        }
        assertThat(failures).hasSize(2);
    }

    /** Every operation's success answer is compared by the tests above (proxy and static pages aside); runs last. */
    @Test
    @Order(Integer.MAX_VALUE)
    void everyOperationIsCovered() {
        List<String> missing = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            if (path.getKey().contains("/proxy/") || path.getKey().startsWith("/connect")
                    || path.getKey().equals("/metrics") || path.getKey().equals("/openapi.json")) {
                continue;
            }
            for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
                Map.Entry<String, JsonNode> op = ops.next();
                if (op.getKey().equals("parameters")) {
                    continue;
                }
                String success = op.getValue().path("responses").fieldNames().next();
                String name = op.getKey().toUpperCase(java.util.Locale.ROOT) + " " + path.getKey() + " " + success;
                if (!checked.contains(name)) {
                    missing.add(name);
                }
            }
        }
        assertThat(missing).as("operations whose success answer no test compared").isEmpty();
    }
}
