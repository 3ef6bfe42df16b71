package io.patchbay.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Operational routes, API key management and the HTTP layer's refusals, over real HTTP on the real store. */
class ServerBasicsTest {
    @TempDir
    static Path data;
    static PatchbayServer server;
    static Api api;
    static String admin;

    @BeforeAll
    static void start() {
        server = TestServers.start(data, Map.of());
        api = new Api(server.port());
        admin = server.firstAdminKey().orElseThrow();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void healthReadyAndMetricsAnswerWithoutAuthentication() {
        assertThat(api.get("/health").send().string("status")).isEqualTo("ok");
        assertThat(api.get("/ready").send().string("status")).isEqualTo("ready");
        Api.Response metrics = api.get("/metrics").send();
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.body()).contains("patchbay_http_requests_seconds_count").contains("jvm_memory_used_bytes");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theOpenApiDocumentDescribesExactlyTheRegisteredRoutes() {
        Api.Response doc = api.get("/openapi.json").send();
        assertThat(doc.status()).isEqualTo(200);
        assertThat(doc.string("openapi")).isEqualTo("3.1.0");
        Set<String> documented = new TreeSet<>();
        Map<String, Object> paths = (Map<String, Object>) doc.at("paths");
        paths.forEach((path, item) -> ((Map<String, Object>) item).keySet().stream()
                .filter(k -> !k.equals("parameters"))
                .forEach(method -> documented.add(method.toUpperCase(Locale.ROOT) + " " + path)));
        Set<String> registered = new TreeSet<>();
        server.routes().forEach(r -> registered.add(r.replace("<path>", "{path}")));
        assertThat(documented).isEqualTo(registered);

        // Every path parameter of every route is declared, so generated clients can fill it in.
        paths.forEach((path, item) -> {
            Map<String, Object> operations = (Map<String, Object>) item;
            Set<String> declared = new TreeSet<>();
            for (Object p : (List<Object>) operations.getOrDefault("parameters", List.of())) {
                String ref = (String) ((Map<String, Object>) p).get("$ref");
                Map<String, Object> parameter = ref == null ? (Map<String, Object>) p
                        : (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) doc.at("components"))
                        .get("parameters")).get(ref.substring(ref.lastIndexOf('/') + 1));
                if ("path".equals(parameter.get("in"))) {
                    declared.add((String) parameter.get("name"));
                }
            }
            Set<String> inPath = new TreeSet<>();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\{([a-z_]+)}").matcher(path);
            while (m.find()) {
                inPath.add(m.group(1));
            }
            assertThat(declared).as(path).isEqualTo(inPath);
        });
    }

    @Test
    void anyMethodTokenCountsAsOneMetricsSeriesNotOneEach() {
        for (int i = 0; i < 3; i++) {
            assertThat(api.method("PROBE" + i, "/nowhere").send().status()).isEqualTo(404);
        }

        String metrics = api.get("/metrics").send().body();
        assertThat(metrics).doesNotContain("PROBE")
                .contains("patchbay_http_requests_seconds_count{method=\"OTHER\",route=\"unmatched\",status=\"404\"}");
    }

    @Test
    void theFirstAdminKeyIsAnAdminKeyOfTheDefaultTenant() {
        assertThat(admin).startsWith("pb_sk_").hasSize(6 + 32);
        Api.Response list = api.get("/v1/admin/tenants/default/api-keys").token(admin).send();
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.list("data")).anySatisfy(k -> {
            assertThat(k.get("scopes")).isEqualTo(List.of("admin"));
            assertThat(k.get("hint")).isEqualTo(admin.substring(admin.length() - 4));
            assertThat(k).doesNotContainKey("secret_hash");
            assertThat(k.get("key")).isNull();
        });
    }

    @Test
    void missingOrUnknownTokensAreRefusedWithAProblem() {
        Api.Response none = api.get("/v1/accounts").send();
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.header("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(none.string("code")).isEqualTo("unauthenticated");
        assertThat(none.string("type")).isEqualTo("urn:patchbay:problem:unauthenticated");
        assertThat(none.header("WWW-Authenticate")).as("no credentials: the scheme alone (RFC 6750, 3.1)")
                .contains("Bearer");

        Api.Response unknown = api.get("/v1/accounts").token("pb_sk_" + "a".repeat(32)).send();
        assertThat(unknown.status()).isEqualTo(401);
        assertThat(unknown.string("code")).isEqualTo("invalid_api_key");
        assertThat(unknown.header("WWW-Authenticate")).contains("Bearer error=\"invalid_token\"");

        Api.Response basic = api.get("/v1/accounts").header("Authorization", "Basic Zm9vOmJhcg==").send();
        assertThat(basic.status()).isEqualTo(401);

        Api.Response foreign = api.get("/v1/accounts").token("sk_live_x").send();
        assertThat(foreign.string("code")).isEqualTo("invalid_token");
        assertThat(foreign.string("detail")).as("problems are UTF-8 like every JSON answer").contains("pb_sk_…");
    }

    @Test
    void aTenantKeyIsShownOnceWorksUntilRevokedAndLacksAdminRights() {
        Api.Response created = api.post("/v1/admin/tenants/acme/api-keys").token(admin)
                .json(Map.of("name", "backend", "scopes", List.of("accounts:read"))).send();
        assertThat(created.status()).isEqualTo(201);
        String key = created.string("key");
        assertThat(key).startsWith("pb_sk_");
        assertThat(created.string("tenant_id")).isEqualTo("acme");
        String id = created.string("id");

        assertThat(api.get("/v1/accounts").token(key).send().status()).isEqualTo(200);
        Api.Response noScope = api.post("/v1/connect-sessions").token(key).json(Map.of()).send();
        assertThat(noScope.status()).isEqualTo(403);
        assertThat(noScope.string("code")).isEqualTo("insufficient_scope");
        assertThat(noScope.string("required_scope")).isEqualTo("connect_sessions:write");
        assertThat(api.get("/v1/admin/tenants/acme/api-keys").token(key).send().status()).isEqualTo(403);

        Api.Response listed = api.get("/v1/admin/tenants/acme/api-keys/" + id).token(admin).send();
        assertThat(listed.body()).doesNotContain(key);

        Api.Response revoked = api.delete("/v1/admin/tenants/acme/api-keys/" + id).token(admin).send();
        assertThat(revoked.status()).isEqualTo(200);
        assertThat(revoked.at("active")).isEqualTo(false);
        assertThat(api.get("/v1/accounts").token(key).send().string("code")).isEqualTo("invalid_api_key");
    }

    @Test
    void keyCreationNamesEveryBadField() {
        Api.Response bad = api.post("/v1/admin/tenants/acme/api-keys").token(admin)
                .json(Map.of("name", "x", "scopes", List.of("accounts:read", "root")))
                .send();
        assertThat(bad.status()).isEqualTo(422);
        assertThat(bad.errorFields()).containsExactly("scopes[1]");

        Api.Response shape = api.post("/v1/admin/tenants/acme/api-keys").token(admin)
                .json(Map.of("name", 5, "scope", "admin")).send();
        assertThat(shape.status()).isEqualTo(400);
        assertThat(shape.string("code")).isEqualTo("invalid_request");
        assertThat(shape.errorFields()).containsExactlyInAnyOrder("name", "scope");

        Api.Response adminElsewhere = api.post("/v1/admin/tenants/acme/api-keys").token(admin)
                .json(Map.of("name", "x", "scopes", List.of("admin"))).send();
        assertThat(adminElsewhere.status()).isEqualTo(422);
        assertThat(adminElsewhere.errorFields()).containsExactly("scopes");
        Api.Response adminAndAccounts = api.post("/v1/admin/tenants/default/api-keys").token(admin)
                .json(Map.of("name", "x", "scopes", List.of("admin", "accounts:read"))).send();
        assertThat(adminAndAccounts.status()).as(adminAndAccounts.toString()).isEqualTo(422);
        assertThat(adminAndAccounts.string("errors.0.code")).isEqualTo("admin_alone");

        // 100 characters is the schema's maxLength, counted as characters: 100 emoji are 200 UTF-16 units.
        String emoji = "\uD83D\uDE00";
        assertThat(api.post("/v1/admin/tenants/acme/api-keys").token(admin).json(Map.of("name", emoji.repeat(100)))
                .send().status()).isEqualTo(201);
        Api.Response tooLong = api.post("/v1/admin/tenants/acme/api-keys").token(admin)
                .json(Map.of("name", emoji.repeat(101))).send();
        assertThat(tooLong.status()).isEqualTo(422);
        assertThat(tooLong.errorFields()).containsExactly("name");

        Api.Response badTenant = api.post("/v1/admin/tenants/Not%20Valid/api-keys").token(admin)
                .json(Map.of("name", "x")).send();
        assertThat(badTenant.status()).isEqualTo(400);
        assertThat(badTenant.errorFields()).containsExactly("tenant_id");
    }

    @Test
    void theLastAdminKeyCannotBeRevoked() {
        String adminId = (String) api.get("/v1/admin/tenants/default/api-keys").token(admin).send().list("data")
                .stream().filter(k -> k.get("scopes").equals(List.of("admin")) && Boolean.TRUE.equals(k.get("active")))
                .findFirst().orElseThrow().get("id");
        Api.Response refused = api.delete("/v1/admin/tenants/default/api-keys/" + adminId).token(admin).send();
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.string("code")).isEqualTo("last_admin_key");
    }

    @Test
    void malformedAndOversizedBodiesAreClientErrorsNeverServerErrors() {
        Api.Response malformed = api.post("/v1/admin/tenants/acme/api-keys").token(admin).raw("{\"name\": ").send();
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.string("code")).isEqualTo("malformed_json");
        assertThat(malformed.string("detail")).isEqualTo("The request body is not valid JSON: it ends before the JSON "
                + "object does");

        // Latin-1 bytes where UTF-8 is due: refused, not stored as replacement characters.
        Api.Response latin1 = api.post("/v1/admin/tenants/acme/api-keys").token(admin)
                .header("Content-Type", "application/json")
                .bytes("{\"name\":\"caf\u00e9\"}".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)).send();
        assertThat(latin1.status()).isEqualTo(400);
        assertThat(latin1.string("code")).isEqualTo("malformed_json");
        assertThat(latin1.string("detail")).isEqualTo("The request body is not valid UTF-8, the encoding JSON requires");
        Api.Response utf8 = api.post("/v1/admin/tenants/acme/api-keys").token(admin)
                .raw("{\"name\":\"caf\u00e9\"}").send();
        assertThat(utf8.status()).isEqualTo(201);
        assertThat(utf8.string("name")).isEqualTo("caf\u00e9");

        Api.Response trailing = api.post("/v1/admin/tenants/acme/api-keys").token(admin).raw("{\"name\":\"a\"} x")
                .send();
        assertThat(trailing.status()).isEqualTo(400);
        assertThat(trailing.string("detail")).startsWith("The request body is not valid JSON").doesNotContain("Lenient");

        Api.Response text = api.post("/v1/admin/tenants/acme/api-keys").token(admin)
                .header("Content-Type", "text/plain").raw("{\"name\":\"plain\"}").send();
        assertThat(text.status()).isEqualTo(415);
        assertThat(text.string("code")).isEqualTo("unsupported_media_type");
        for (String json : List.of("application/json; charset=utf-8", "application/merge-patch+json")) {
            Api.Response accepted = api.post("/v1/admin/tenants/acme/api-keys").token(admin)
                    .header("Content-Type", json).raw("{\"name\":\"typed\"}").send();
            assertThat(accepted.status()).as(json).isEqualTo(201);
        }

        // Exponents past what a number can hold, in either direction, are the same out-of-range refusal as 1e400:
        // valid JSON, so named by field.
        for (String number : List.of("1e400", "1e2147483648", "1e-2147483649", "1.5e-2147483647")) {
            Api.Response outOfRange = api.post("/v1/admin/tenants/acme/api-keys").token(admin)
                    .raw("{\"name\":\"n\",\"x\":" + number + "}").send();
            assertThat(outOfRange.status()).as(number).isEqualTo(400);
            assertThat(outOfRange.string("code")).as(number).isEqualTo("invalid_request");
            assertThat(outOfRange.errorFields()).as(number).containsExactly("x");
            assertThat(outOfRange.string("errors.0.code")).as(number).isEqualTo("out_of_range");
        }

        Api.Response array = api.post("/v1/admin/tenants/acme/api-keys").token(admin).raw("[1,2]").send();
        assertThat(array.status()).isEqualTo(400);
        assertThat(array.string("detail")).contains("must be a JSON object");

        Api.Response duplicate = api.post("/v1/admin/tenants/acme/api-keys").token(admin)
                .raw("{\"name\":\"a\",\"name\":\"b\"}").send();
        assertThat(duplicate.status()).isEqualTo(400);
        assertThat(duplicate.string("detail")).contains("Duplicate key");

        Api.Response empty = api.post("/v1/admin/tenants/acme/api-keys").token(admin).send();
        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.string("code")).isEqualTo("missing_body");

        Api.Response huge = api.post("/v1/admin/tenants/acme/api-keys").token(admin)
                .raw("{\"name\":\"" + "x".repeat(70 * 1024) + "\"}").send();
        assertThat(huge.status()).isEqualTo(413);
        assertThat(huge.string("code")).isEqualTo("body_too_large");

        // Without a Content-Length (chunked), the limit still holds.
        byte[] big = ("{\"name\":\"" + "y".repeat(70 * 1024) + "\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Api.Response chunked = api.post("/v1/admin/tenants/acme/api-keys").token(admin)
                .header("Content-Type", "application/json")
                .stream(() -> new java.io.ByteArrayInputStream(big)).send();
        assertThat(chunked.status()).isEqualTo(413);
        assertThat(chunked.string("code")).isEqualTo("body_too_large");
    }

    @Test
    @SuppressWarnings("unchecked")
    void aConnectorsActionsComeWithTheirSchemas() {
        String key = Tenants.key(api, admin, "acme-actions");
        Api.Response actions = api.get("/v1/connectors/toggl/actions").token(key).send();
        assertThat(actions.status()).isEqualTo(200);
        Map<String, Object> workspaces = actions.list("data").stream()
                .filter(a -> a.get("name").equals("list_workspaces")).findFirst().orElseThrow();
        assertThat((Map<String, Object>) workspaces.get("input_schema")).containsEntry("type", "object")
                .containsEntry("additionalProperties", false);
        assertThat((Map<String, Object>) workspaces.get("output_schema")).containsEntry("type", "object");
        assertThat(actions.list("data")).extracting(a -> a.get("name")).contains("list_projects");
        // Integers keep their form: a schema's "minimum": 1 is not shown back as 1.0.
        assertThat(actions.body()).contains("\"minimum\":1").doesNotContain("\"minimum\":1.0");

        Api.Response unknown = api.get("/v1/connectors/nope/actions").token(key).send();
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.string("code")).isEqualTo("connector_not_found");
    }

    @Test
    void unknownRoutesAndQueryParametersAreNamed() {
        Api.Response route = api.get("/v1/nothing-here").send();
        assertThat(route.status()).isEqualTo(404);
        assertThat(route.string("code")).isEqualTo("route_not_found");

        Api.Response method = api.method("DELETE", "/v1/admin/tenants/acme/api-keys").token(admin).send();
        assertThat(method.status()).isEqualTo(405);
        assertThat(method.string("code")).isEqualTo("method_not_allowed");
        // HEAD is answered wherever GET is.
        assertThat(method.header("Allow")).contains("GET, POST, HEAD");
        assertThat(method.string("detail"))
                .isEqualTo("DELETE is not allowed on /v1/admin/tenants/acme/api-keys; it answers GET, POST, HEAD");

        Api.Response param = api.get("/v1/admin/tenants/acme/api-keys?limt=5").token(admin).send();
        assertThat(param.status()).isEqualTo(400);
        assertThat(param.errorFields()).containsExactly("limt");

        Api.Response limit = api.get("/v1/admin/tenants/acme/api-keys?limit=0").token(admin).send();
        assertThat(limit.errorFields()).containsExactly("limit");

        Api.Response cursor = api.get("/v1/admin/tenants/acme/api-keys?cursor=zzz").token(admin).send();
        assertThat(cursor.errorFields()).containsExactly("cursor");
    }
}
