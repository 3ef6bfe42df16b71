package io.patchbay.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.patchbay.connector.toggl.fake.FakeRequest;
import io.patchbay.connector.toggl.fake.Fault;
import io.patchbay.connector.toggl.fake.FakeToggl;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The REST contract every route keeps: strict query strings and paths, no ignored parameters or bodies, If-Match
 * as RFC 9110 has it, HEAD, caching headers, and an OpenAPI document that declares what the server answers.
 */
class RestContractTest extends ServerWithFakeTogglTest {
    @Override
    String tenantPrefix() {
        return "contract-";
    }

    private String link() {
        Api.Response linked = api.post("/v1/accounts").token(key).json(Map.of("connector_id", "toggl",
                "credentials", Map.of("api_token", FakeToggl.ALICE.apiToken()), "owner_id", "u-alice",
                "workspace_id", Long.toString(FakeToggl.WS_STUDIO))).send();
        assertThat(linked.status()).as(linked.toString()).isEqualTo(201);
        assertThat(linked.header("ETag")).contains("\"0\"");
        return linked.string("account.id");
    }

    /** A route's path with its parameters filled in. */
    private static String concrete(String route) {
        return route.replace("{tenant_id}", "acme").replaceAll("\\{[a-z_]+}", "x1");
    }

    private static List<String> apiRoutes() {
        return server.routes().stream().filter(r -> r.split(" ")[1].startsWith("/v1/"))
                .filter(r -> !r.contains("/proxy/")).sorted().toList();
    }

    @Test
    void malformedPercentEncodingInTheQueryIsRefusedNamingTheParameter() {
        for (String query : List.of("cursor=%ZZ", "label=%E9", "label=caf%C3", "label=%", "label=ok&cursor=%G1")) {
            Api.Response bad = api.sendBytes("GET", "/v1/accounts?" + query, Map.of("Authorization", "Bearer " + key),
                    StandardCharsets.US_ASCII);
            assertThat(bad.status()).as(query).isEqualTo(400);
            assertThat(bad.header("Content-Type")).as(query).contains("application/problem+json");
            assertThat(bad.string("code")).as(query).isEqualTo("invalid_encoding");
            String name = query.substring(query.lastIndexOf('&') + 1, query.lastIndexOf('='));
            assertThat(bad.errorFields()).as(query).containsExactly(name);
            assertThat(bad.string("detail")).as(query).contains(name);
        }
        // A name that does not decode is named as sent.
        Api.Response badName = api.sendBytes("GET", "/v1/accounts?%ZZ=1", Map.of("Authorization", "Bearer " + key),
                StandardCharsets.US_ASCII);
        assertThat(badName.status()).isEqualTo(400);
        assertThat(badName.errorFields()).containsExactly("%ZZ");

        // Well-formed UTF-8 still works, '+' as a space included.
        link();
        Api.Response label = api.get("/v1/accounts?label=caf%C3%A9+x").token(key).send();
        assertThat(label.status()).isEqualTo(200);
    }

    @Test
    void controlCharactersInQueryValuesAndIdFieldsAreRefusedBeforeStorage() {
        link();
        // No stored id or label holds one; PostgreSQL refuses a NUL outright, so none may reach the database.
        String nulCursor = java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString("c2:accounts:x:a\u0000b".getBytes(StandardCharsets.UTF_8));
        Map<String, String> cases = Map.of("label=a%00b", "label", "owner_id=a%00b", "owner_id",
                "connector_id=a%1Fb", "connector_id", "label=a%7Fb", "label", "cursor=" + nulCursor, "cursor");
        cases.forEach((query, field) -> {
            Api.Response bad = api.get("/v1/accounts?" + query).token(key).send();
            assertThat(bad.status()).as(query).isEqualTo(400);
            assertThat(bad.string("code")).as(query).isEqualTo("invalid_request");
            assertThat(bad.errorFields()).as(query).containsExactly(field);
        });
        Api.Response named = api.get("/v1/accounts?owner_id=a%0Ab").token(key).send();
        assertThat(named.string("errors.0.code")).isEqualTo("control_characters");
        assertThat(named.body()).contains("Query parameter 'owner_id' must not contain control characters");

        Api.Response session = api.post("/v1/connect-sessions").token(key)
                .raw("{\"owner_id\":\"u1\",\"account_id\":\"a\\u0000b\"}").send();
        assertThat(session.status()).as(session.toString()).isEqualTo(422);
        assertThat(session.errorFields()).containsExactly("account_id");
        Api.Response owner = api.post("/v1/connect-sessions").token(key)
                .raw("{\"owner_id\":\"u\\u0000\",\"allowed_connectors\":[\"toggl\"]}").send();
        assertThat(owner.status()).isEqualTo(422);
        assertThat(owner.errorFields()).containsExactly("owner_id");
    }

    @Test
    void everyApiRouteRefusesAnUnknownQueryParameterNamingItAndWhatItTakes() {
        for (String route : apiRoutes()) {
            String method = route.split(" ")[0];
            String path = concrete(route.split(" ")[1]);
            // Routes that take parameters check them once the caller is known.
            String token = path.startsWith("/v1/admin/") ? admin : key;
            Api.Response typo = api.method(method, path + "?onwer_id=u-alice").token(token).send();
            assertThat(typo.status()).as(route).isEqualTo(400);
            assertThat(typo.string("code")).as(route).isEqualTo("invalid_request");
            assertThat(typo.errorFields()).as(route).containsExactly("onwer_id");
            assertThat(typo.string("errors.0.code")).as(route).isEqualTo("unknown_parameter");
        }
        Api.Response listing = api.get("/v1/accounts?onwer_id=u-alice").token(key).send();
        assertThat(listing.string("errors.0.message")).contains("onwer_id").contains("owner_id")
                .contains("connector_id").contains("limit").contains("cursor");
        assertThat(api.get("/v1/accounts?owner_id=u-alice").token(key).send().status()).isEqualTo(200);
    }

    @Test
    void routesThatTakeNoBodyRefuseOne() {
        String id = link();
        List<String> bodyless = new ArrayList<>(apiRoutes().stream()
                .filter(r -> r.startsWith("GET ") || r.startsWith("DELETE ")).toList());
        bodyless.addAll(List.of("POST /v1/accounts/{account_id}/verify", "POST /v1/admin/keyset/keys",
                "POST /v1/admin/keyset/reencrypt"));
        for (String route : bodyless) {
            String method = route.split(" ")[0];
            String path = concrete(route.split(" ")[1]);
            Api.Response sent = api.method(method, path).token(key).raw("{\"label\":\"x\"}").send();
            assertThat(sent.status()).as(route).isEqualTo(400);
            assertThat(sent.string("code")).as(route).isEqualTo("unexpected_body");
            assertThat(sent.errorFields()).as(route).containsExactly("label");
        }
        // The account was neither deleted nor re-verified.
        assertThat(api.get("/v1/accounts/" + id).token(key).send().header("ETag")).contains("\"0\"");
        // An empty object is no content to ignore: clients that always send one may.
        Api.Response empty = api.post("/v1/accounts/" + id + "/verify").token(key).raw("{ }").send();
        assertThat(empty.status()).as(empty.toString()).isEqualTo(200);
    }

    @Test
    void ifMatchFollowsRfc9110OnEveryWriteOfAnAccount() {
        String id = link();
        String account = "/v1/accounts/" + id;

        // Weak tags never match (strong comparison); a mismatch is 412 with the current ETag.
        Api.Response weak = api.patch(account).token(key).header("If-Match", "W/\"0\"")
                .json(Map.of("label", "a")).send();
        assertThat(weak.status()).isEqualTo(412);
        assertThat(weak.string("code")).isEqualTo("stale_version");
        assertThat(weak.header("ETag")).contains("\"0\"");

        // A list matches when any strong tag in it is current.
        Api.Response listed = api.patch(account).token(key).header("If-Match", "\"7\", W/\"0\" ,\"0\"")
                .json(Map.of("label", "a")).send();
        assertThat(listed.status()).as(listed.toString()).isEqualTo(200);
        assertThat(listed.header("ETag")).contains("\"1\"");
        Api.Response star = api.patch(account).token(key).header("If-Match", "*").json(Map.of("label", "b")).send();
        assertThat(star.status()).isEqualTo(200);
        assertThat(star.header("ETag")).contains("\"2\"");

        for (String malformed : List.of("2", "\"2", "W/2", "\"2\" \"3\"", ",", "*, \"2\"")) {
            for (Api.Call call : List.of(api.patch(account).json(Map.of("label", "c")), api.delete(account),
                    api.put(account + "/credentials").json(Map.of("credentials",
                            Map.of("api_token", FakeToggl.ALICE.apiToken()))), api.post(account + "/verify"))) {
                Api.Response refused = call.token(key).header("If-Match", malformed).send();
                assertThat(refused.status()).as(malformed).isEqualTo(400);
                assertThat(refused.string("code")).as(malformed).isEqualTo("invalid_precondition");
                assertThat(refused.errorFields()).as(malformed).containsExactly("If-Match");
            }
        }

        Api.Response staleKeys = api.put(account + "/credentials").token(key).header("If-Match", "\"1\"")
                .json(Map.of("credentials", Map.of("api_token", FakeToggl.ALICE.apiToken()))).send();
        assertThat(staleKeys.status()).isEqualTo(412);
        assertThat(staleKeys.header("ETag")).contains("\"2\"");
        Api.Response staleVerify = api.post(account + "/verify").token(key).header("If-Match", "W/\"2\"").send();
        assertThat(staleVerify.status()).isEqualTo(412);
        assertThat(staleVerify.header("ETag")).contains("\"2\"");
        Api.Response staleDelete = api.delete(account).token(key).header("If-Match", "\"1\", \"0\"").send();
        assertThat(staleDelete.status()).isEqualTo(412);
        assertThat(staleDelete.header("ETag")).contains("\"2\"");
        assertThat(api.get(account).token(key).send().status()).as("not deleted").isEqualTo(200);

        Api.Response verified = api.post(account + "/verify").token(key).header("If-Match", "\"2\"").send();
        assertThat(verified.status()).as(verified.toString()).isEqualTo(200);
        String current = verified.header("ETag").orElseThrow();
        Api.Response rekeyed = api.put(account + "/credentials").token(key).header("If-Match", current)
                .json(Map.of("credentials", Map.of("api_token", FakeToggl.ALICE.apiToken()))).send();
        assertThat(rekeyed.status()).as(rekeyed.toString()).isEqualTo(200);
        Api.Response deleted = api.delete(account).token(key)
                .header("If-Match", "\"99\", " + rekeyed.header("ETag").orElseThrow()).send();
        assertThat(deleted.status()).isEqualTo(204);
        assertThat(api.get(account).token(key).send().status()).isEqualTo(404);
    }

    @Test
    void aPatchsVersionAndIfMatchAreBothPreconditions() {
        String account = "/v1/accounts/" + link();
        // If-Match names the current "0" and 7 too, the body's 7: the version is not current, so the change fails.
        for (String ifMatch : List.of("\"0\", \"7\"", "*", "\"0\"")) {
            Api.Response stale = api.patch(account).token(key).header("If-Match", ifMatch)
                    .raw("{\"label\":\"y\",\"version\":7}").send();
            assertThat(stale.status()).as(ifMatch + " " + stale).isEqualTo(412);
            assertThat(stale.string("code")).isEqualTo("stale_version");
            assertThat(stale.header("ETag")).contains("\"0\"");
            assertThat(stale.errorFields()).containsExactly("version");
            assertThat(stale.string("detail")).contains("version 0").contains("version 7");
        }
        Api.Response conflict = api.patch(account).token(key).raw("{\"label\":\"y\",\"version\":7}").send();
        assertThat(conflict.status()).isEqualTo(409);
        assertThat(conflict.string("code")).isEqualTo("stale_version");
        assertThat(api.get(account).token(key).send().string("label")).as("unchanged").isNotEqualTo("y");

        Api.Response both = api.patch(account).token(key).header("If-Match", "\"0\", \"7\"")
                .raw("{\"label\":\"y\",\"version\":0}").send();
        assertThat(both.status()).as(both.toString()).isEqualTo(200);
        assertThat(both.header("ETag")).contains("\"1\"");
    }

    @Test
    @SuppressWarnings("unchecked")
    void aVerifyOvertakenByARenameIsAConflictTheOpenApiDeclares() throws Exception {
        String account = "/v1/accounts/" + link();
        toggl.clearRequests();
        // The provider holds the verify's call until well after the rename below has been stored.
        toggl.enqueue(Fault.slow(java.time.Duration.ofSeconds(3)).onPath("/api/v9/me"));
        java.util.concurrent.CompletableFuture<Api.Response> verify = java.util.concurrent.CompletableFuture
                .supplyAsync(() -> api.post(account + "/verify").token(key).send());
        while (toggl.requests().stream().noneMatch(r -> r.path().startsWith("/api/v9/me"))) {
            Thread.sleep(10);
        }
        assertThat(api.patch(account).token(key).json(Map.of("label", "during")).send().status()).isEqualTo(200);

        Api.Response raced = verify.get();
        assertThat(raced.status()).as(raced.toString()).isEqualTo(409);
        assertThat(raced.string("code")).isEqualTo("stale_version");
        assertThat(api.get(account).token(key).send().string("label")).isEqualTo("during");
        for (String[] route : new String[][] {{"/v1/accounts/{account_id}/verify", "post"},
                {"/v1/accounts/{account_id}/credentials", "put"}, {"/v1/accounts/{account_id}", "patch"}}) {
            Map<String, Object> operation = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) api
                    .get("/openapi.json").send().at("paths")).get(route[0])).get(route[1]);
            assertThat((Map<String, Object>) operation.get("responses")).as(route[0]).containsKeys("409", "412");
        }
    }

    @Test
    void aPatchThatChangesNothingIsRefusedOrKeepsTheVersion() {
        String id = link();
        String account = "/v1/accounts/" + id;
        for (String body : List.of("{}", "{\"version\":0}")) {
            Api.Response nothing = api.patch(account).token(key).raw(body).send();
            assertThat(nothing.status()).as(body).isEqualTo(400);
            assertThat(nothing.string("code")).isEqualTo("nothing_to_change");
            assertThat(nothing.string("detail")).contains("label").contains("visibility");
        }
        Api.Response renamed = api.patch(account).token(key).json(Map.of("label", "Studio")).send();
        assertThat(renamed.header("ETag")).contains("\"1\"");
        int events = auditEvents(id);

        Api.Response same = api.patch(account).token(key).header("If-Match", "\"1\"")
                .json(Map.of("label", "Studio", "visibility", "private")).send();
        assertThat(same.status()).isEqualTo(200);
        assertThat(same.header("ETag")).contains("\"1\"");
        assertThat(same.at("version")).isEqualTo(1.0);
        assertThat(auditEvents(id)).isEqualTo(events);

        // Half a change records only that half.
        Api.Response shared = api.patch(account).token(key).json(Map.of("label", "Studio", "visibility", "tenant"))
                .send();
        assertThat(shared.header("ETag")).contains("\"2\"");
        assertThat(auditActions(id)).containsExactly("account.linked", "account.renamed",
                "account.visibility_changed");
    }

    @Test
    void wrongShapesOfCredentialsAreRequestFormatErrorsNamingTheField() {
        Map<String, String> cases = Map.of(
                "\"abc\"", "credentials",
                "[\"abc\"]", "credentials",
                "null", "credentials",
                "{\"api_token\": 5}", "credentials.api_token",
                "{\"api_token\": {\"x\": \"y\"}}", "credentials.api_token",
                "{\"api_token\": \"\\ud800\"}", "credentials.api_token",
                "{\"\": \"x\"}", "credentials");
        cases.forEach((credentials, field) -> {
            for (Api.Call call : List.of(api.post("/v1/accounts").raw("{\"connector_id\":\"toggl\",\"owner_id\":"
                    + "\"u\",\"credentials\":" + credentials + "}"), api.post("/v1/connectors/toggl/check")
                    .raw("{\"credentials\":" + credentials + "}"))) {
                Api.Response refused = call.token(key).send();
                assertThat(refused.status()).as(credentials + " " + refused).isEqualTo(400);
                assertThat(refused.string("code")).isEqualTo("invalid_request");
                assertThat(refused.errorFields()).as(credentials).contains(field);
            }
        });
    }

    @Test
    void headAnswersLikeGetWithoutABody() {
        String id = link();
        for (String route : server.routes().stream().filter(r -> r.startsWith("GET "))
                .filter(r -> !r.contains("/proxy/")).toList()) {
            String path = route.equals("GET /v1/accounts/{account_id}") ? "/v1/accounts/" + id
                    : concrete(route.split(" ")[1]);
            String token = path.startsWith("/v1/admin/") ? admin : key;
            Api.Response get = api.get(path).token(token).send();
            Api.Response head = api.method("HEAD", path).token(token).send();
            assertThat(head.status()).as(route).isEqualTo(get.status());
            assertThat(head.body()).as(route).isEmpty();
            assertThat(head.header("Content-Type")).as(route).isEqualTo(get.header("Content-Type"));
            assertThat(head.header("ETag")).as(route).isEqualTo(get.header("ETag"));
            assertThat(head.header("Cache-Control")).as(route).isEqualTo(get.header("Cache-Control"));
            // RFC 9110 section 8.6: the length the GET's body has, not the empty body's 0 (the metrics change
            // between the two requests, counting the GET).
            if (!route.equals("GET /metrics")) {
                assertThat(head.header("Content-Length")).as(route).isEqualTo(get.header("Content-Length"))
                        .isNotEqualTo(java.util.Optional.of("0"));
            }
        }
        Api.Response head = api.method("HEAD", "/v1/accounts/" + id).token(key).send();
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.header("ETag")).contains("\"0\"");

        // Through the proxy too: the provider is asked with HEAD, and its answer comes back without a body (the
        // fake answers HEAD as a method it does not serve, as it does any other).
        toggl.clearRequests();
        Api.Response proxyHead = api.method("HEAD", "/v1/accounts/" + id + "/proxy/api/v9/me").token(key).send();
        assertThat(proxyHead.body()).isEmpty();
        assertThat(proxyHead.header("Cache-Control")).contains("no-store");
        assertThat(toggl.requests()).extracting(FakeRequest::method).containsExactly("HEAD");
    }

    @Test
    void headAnswersLikeAGzippedGetForAClientThatAcceptsGzip() {
        link();
        try (LogCapture log = new LogCapture()) {
            for (String path : List.of("/openapi.json", "/connect.js", "/v1/connectors", "/v1/accounts")) {
                Api.Response get = api.get(path).token(key).header("Accept-Encoding", "gzip").send();
                assertThat(get.status()).as(path).isEqualTo(200);
                Api.Response head = api.method("HEAD", path).token(key).header("Accept-Encoding", "gzip").send();
                assertThat(head.status()).as(path).isEqualTo(200);
                assertThat(head.body()).as(path).isEmpty();
                assertThat(head.header("Content-Encoding")).as(path).isEqualTo(get.header("Content-Encoding"));
                // RFC 9110 section 8.6: a length, when stated, is the one the GET's (compressed) body has.
                head.header("Content-Length").ifPresent(length ->
                        assertThat(java.util.Optional.of(length)).as(path).isEqualTo(get.header("Content-Length")));
            }
            assertThat(log.lines()).noneMatch(line -> line.contains("content-length") || line.contains(" 500 "));
        }
        assertThat(api.get("/openapi.json").header("Accept-Encoding", "gzip").send().header("Content-Encoding"))
                .as("a large answer is compressed for a client that accepts it").contains("gzip");
    }

    @Test
    void answersTellCachesTheyVaryByEncodingAndABodilessAnswerNamesNoContentType() {
        String id = link();
        for (String path : List.of("/openapi.json", "/connect.js", "/v1/connectors", "/v1/accounts/" + id)) {
            Api.Response answer = api.get(path).token(key).header("Accept-Encoding", "gzip").send();
            assertThat(answer.header("Vary")).as(path).hasValueSatisfying(vary -> assertThat(vary)
                    .containsIgnoringCase("Accept-Encoding"));
        }
        Api.Response deleted = api.method("DELETE", "/v1/accounts/" + id).token(key).send();
        assertThat(deleted.status()).isEqualTo(204);
        assertThat(deleted.header("Content-Type")).isEmpty();
    }

    @Test
    void badPathEncodingsAreProblemsNotErrorPages() {
        for (String path : List.of("/v1/accounts/%ZZ", "/v1/accounts/%C3", "/v1/accounts/%", "/v1/conn%E9ctors",
                "/health/%ZZ", "/v1/accounts/acc%00x", "/v1/accounts/acc%0Ax/actions/list_projects",
                "/v1/admin/tenants/acme/api-keys/k%7F", "/health%1F")) {
            Api.Response bad = api.sendBytes("GET", path, Map.of("Authorization", "Bearer " + key),
                    StandardCharsets.US_ASCII);
            assertThat(bad.status()).as(path).isEqualTo(400);
            assertThat(bad.header("Content-Type")).as(path).contains("application/problem+json");
            assertThat(bad.string("code")).as(path).isEqualTo("invalid_encoding");
        }
        Api.Response nul = api.sendBytes("GET", "/v1/accounts/acc%00x", Map.of("Authorization", "Bearer " + key),
                StandardCharsets.US_ASCII);
        assertThat(nul.string("detail")).contains("control characters");
    }

    @Test
    void everyApiAnswerForbidsCachingAndNewApiKeysHaveALocation() {
        String id = link();
        for (Api.Response answer : List.of(api.get("/v1/accounts/" + id).token(key).send(),
                api.get("/v1/accounts").token(key).send(), api.get("/v1/accounts/nope").token(key).send(),
                api.get("/v1/connectors").send(), api.get("/v1/nothing-here").send(),
                api.get("/v1/accounts?x=1").token(key).send(),
                api.get("/v1/accounts/" + id + "/proxy/api/v9/me").token(key).send(),
                api.get("/v1/accounts/" + "x".repeat(9000)).token(key).send())) {
            assertThat(answer.header("Cache-Control")).as(answer.toString()).contains("no-store");
        }

        Api.Response created = api.post("/v1/admin/tenants/acme/api-keys").token(admin)
                .json(Map.of("name", "located")).send();
        assertThat(created.status()).isEqualTo(201);
        String location = created.header("Location").orElseThrow();
        assertThat(location).isEqualTo("/v1/admin/tenants/acme/api-keys/" + created.string("id"));
        Api.Response fetched = api.get(location).token(admin).send();
        assertThat(fetched.status()).isEqualTo(200);
        assertThat(fetched.string("name")).isEqualTo("located");
    }

    @Test
    void aProvidersRefusalForLackOfRightsCarriesItsStatus() {
        String id = link();
        toggl.enqueue(new Fault(403, Map.of("Content-Type", "application/json"), "\"Forbidden\"",
                java.time.Duration.ZERO, "/api/v9/workspaces"));
        Api.Response refused = api.post("/v1/accounts/" + id + "/actions/list_projects").token(key).send();
        assertThat(refused.status()).as(refused.toString()).isEqualTo(403);
        assertThat(refused.string("code")).isEqualTo("forbidden");
        assertThat(refused.string("source")).isEqualTo("provider");
        assertThat(refused.at("provider_status")).isEqualTo(403.0);
    }

    @Test
    @SuppressWarnings("unchecked")
    void theOpenApiDocumentDeclaresTheErrorsEachOperationCanAnswer() {
        Api.Response doc = api.get("/openapi.json").send();
        assertThat((List<Object>) doc.at("servers")).containsExactly(Map.of("url", "/"));
        Map<String, Object> paths = (Map<String, Object>) doc.at("paths");
        Set<String> checked = new TreeSet<>();
        paths.forEach((path, item) -> ((Map<String, Object>) item).forEach((method, operation) -> {
            if (method.equals("parameters") || !path.startsWith("/v1/")) {
                return;
            }
            String where = method.toUpperCase(Locale.ROOT) + " " + path;
            Map<String, Object> responses = (Map<String, Object>) ((Map<String, Object>) operation).get("responses");
            Set<String> required = new TreeSet<>(Set.of("400", "401", "413", "500", "503"));
            boolean ifMatch = ((List<Object>) ((Map<String, Object>) operation).getOrDefault("parameters", List.of()))
                    .stream().anyMatch(p -> "#/components/parameters/IfMatch".equals(((Map<String, Object>) p)
                            .get("$ref")));
            if (ifMatch) {
                required.add("412");
            }
            assertThat(responses.keySet()).as(where).containsAll(required);
            responses.forEach((status, response) -> {
                if (status.startsWith("4") || status.startsWith("5")) {
                    String ref = (String) ((Map<String, Object>) response).get("$ref");
                    assertThat(ref).as(where + " " + status).isNotNull();
                    Map<String, Object> declared = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>)
                            doc.at("components")).get("responses")).get(ref.substring(ref.lastIndexOf('/') + 1));
                    assertThat((Map<String, Object>) declared.get("content")).as(ref)
                            .containsKey("application/problem+json");
                }
            });
            checked.add(where);
        }));
        Set<String> ifMatchRoutes = Set.of("PATCH /v1/accounts/{account_id}", "DELETE /v1/accounts/{account_id}",
                "PUT /v1/accounts/{account_id}/credentials", "POST /v1/accounts/{account_id}/verify");
        for (String route : ifMatchRoutes) {
            String[] parts = route.split(" ");
            Map<String, Object> operation = (Map<String, Object>) ((Map<String, Object>) paths.get(parts[1]))
                    .get(parts[0].toLowerCase(Locale.ROOT));
            assertThat(((Map<String, Object>) operation.get("responses")).keySet()).as(route).contains("412");
        }
        assertThat(checked).hasSizeGreaterThan(20);

        // What the server answers beyond the generic statuses is named where a client looks for it.
        Map<String, Object> problems = (Map<String, Object>) ((Map<String, Object>) doc.at("components"))
                .get("responses");
        assertThat((String) ((Map<String, Object>) problems.get("Problem500")).get("description"))
                .contains("connector_definition_invalid").contains("secret_unavailable");
        assertThat((String) ((Map<String, Object>) problems.get("Problem502")).get("description"))
                .contains("provider_method_not_allowed").contains("405").contains("connector_failed");
        assertThat((String) ((Map<String, Object>) problems.get("ProxyProblem502")).get("description"))
                .contains("connector_proxy_target_invalid").contains("connector_failed");
        // An action without input is called without a body, which the server takes.
        Map<String, Object> invoke = (Map<String, Object>) ((Map<String, Object>) paths
                .get("/v1/accounts/{account_id}/actions/{action}")).get("post");
        assertThat(((Map<String, Object>) invoke.get("requestBody")).get("required")).isEqualTo(false);
        String account = link();
        Api.Response noBody = api.post("/v1/accounts/" + account + "/actions/list_workspaces").token(key).send();
        assertThat(noBody.status()).as(noBody.toString()).isEqualTo(200);
        // {"version":0} alone changes nothing and is refused (nothing_to_change): generators model no "one of
        // these members", so the schema asks for a member and its description names the rule.
        Map<String, Object> update = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>)
                doc.at("components")).get("schemas")).get("UpdateAccountRequest");
        assertThat(update).doesNotContainKey("anyOf").containsEntry("minProperties", 1.0);
        assertThat((String) update.get("description")).contains("nothing_to_change");
        Api.Response versionAlone = api.patch("/v1/accounts/" + account).token(key).json(Map.of("version", 0))
                .send();
        assertThat(versionAlone.string("code")).isEqualTo("nothing_to_change");

        Map<String, Object> proxy = (Map<String, Object>) paths.get("/v1/accounts/{account_id}/proxy/{path}");
        Map<String, Object> pathParameter = ((List<Map<String, Object>>) proxy.get("parameters")).stream()
                .filter(p -> "path".equals(p.get("name"))).findFirst().orElseThrow();
        assertThat(pathParameter.get("x-patchbay-raw-path")).isEqualTo(true);
        assertThat((String) pathParameter.get("description")).contains("%2F").contains("query")
                .contains("unencoded");
        // Any provider query: one free-form object, each member a parameter of its own.
        Map<String, Object> query = ((List<Map<String, Object>>) proxy.get("parameters")).stream()
                .filter(p -> "query".equals(p.get("in"))).findFirst().orElseThrow();
        assertThat(query).containsEntry("style", "form").containsEntry("explode", true);
        assertThat((Map<String, Object>) query.get("schema")).containsEntry("type", "object")
                .containsEntry("additionalProperties", Map.of("type", "string"));
        Map<String, Object> responses = (Map<String, Object>) doc.at("components.responses");
        for (String method : List.of("get", "post", "put", "patch", "delete")) {
            ((Map<String, Map<String, Object>>) ((Map<String, Object>) proxy.get(method)).get("responses"))
                    .forEach((status, declared) -> {
                        Map<String, Object> answer = declared.containsKey("$ref") ? (Map<String, Object>) responses
                                .get(((String) declared.get("$ref")).substring("#/components/responses/".length()))
                                : declared;
                        // The provider's own answer may have any status: its body is declared, whatever its type.
                        assertThat((Map<String, Object>) answer.get("content")).as(method + " " + status)
                                .containsKey("*/*");
                        if (!status.equals("default")) {
                            assertThat((Map<String, Object>) answer.get("content")).as(method + " " + status)
                                    .containsKey("application/problem+json");
                        }
                    });
        }
    }

    @Test
    void theProxyRefusesAnEncodedSlash() {
        String id = link();
        toggl.clearRequests();
        Api.Response refused = api.get("/v1/accounts/" + id + "/proxy/api%2Fv9/me").token(key).send();
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.header("Content-Type")).contains("application/problem+json");
        assertThat(toggl.requests("GET", "/api")).isEmpty();
    }

    @Test
    void theFirstStartBannerSendsItsBodyAsJson() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Main.printOnce(new PrintStream(out, true, StandardCharsets.UTF_8), "pb_sk_bannerkey0000000000000000000000",
                8080);
        String banner = out.toString(StandardCharsets.UTF_8);
        assertThat(banner).contains("curl -X POST").contains("-H 'Content-Type: application/json'").contains("-d '{");
    }

    @Test
    void theAuditLogNamesTheKeyOrSessionThatActedAndTheEndUserItActedFor() {
        String id = link();
        Api.Response renamed = api.patch("/v1/accounts/" + id).token(key).owner("u-alice")
                .json(Map.of("label", "Named")).send();
        assertThat(renamed.status()).as(renamed.toString()).isEqualTo(200);
        Api.Response session = api.post("/v1/connect-sessions").token(key).json(Map.of("owner_id", "u-audit",
                "allowed_connectors", List.of("toggl"))).send();
        Api.Response viaSession = api.post("/v1/accounts").token(session.string("token")).json(Map.of(
                "connector_id", "toggl", "credentials", Map.of("api_token", FakeToggl.CAROL.apiToken()))).send();
        assertThat(viaSession.status()).as(viaSession.toString()).isEqualTo(201);

        // A tenant-wide key, the same key acting for an end user, and a connect session are told apart; a
        // tenant-wide key linking for the owner_id in its body acted for that end user too.
        Api.Response plainRename = api.patch("/v1/accounts/" + id).token(key).json(Map.of("label", "Renamed")).send();
        assertThat(plainRename.status()).as(plainRename.toString()).isEqualTo(200);
        assertThat(auditRows(id)).extracting(r -> r.get(0), r -> r.get(1).startsWith("key_"), r -> r.get(2))
                .containsExactly(tuple("account.linked", true, "connector=toggl&on_behalf_of=u-alice&workspace="
                                + FakeToggl.WS_STUDIO),
                        tuple("account.renamed", true, "on_behalf_of=u-alice"),
                        tuple("account.renamed", true, ""));
        assertThat(auditRows(viaSession.string("account.id"))).singleElement().satisfies(r -> {
            assertThat(r.get(1)).isEqualTo(session.string("id"));
            assertThat(r.get(2)).contains("on_behalf_of=u-audit");
        });
    }

    /** Action, actor and details of an account's audit events, oldest first. */
    private static List<List<String>> auditRows(String accountId) {
        List<List<String>> rows = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("patchbay.db"));
             var statement = connection.prepareStatement("SELECT action, actor, details FROM audit_event WHERE "
                     + "account_id = ? ORDER BY id")) {
            statement.setString(1, accountId);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    rows.add(List.of(rs.getString(1), rs.getString(2), rs.getString(3)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return rows;
    }

    private static int auditEvents(String accountId) {
        return auditActions(accountId).size();
    }

    private static List<String> auditActions(String accountId) {
        List<String> actions = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("patchbay.db"));
             var statement = connection.prepareStatement("SELECT action FROM audit_event WHERE account_id = ? "
                     + "ORDER BY id")) {
            statement.setString(1, accountId);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    actions.add(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return actions;
    }

    @Test
    void aBlankListFilterIsRefusedNotAnsweredWithAnEmptyPage() {
        for (String filter : List.of("owner_id", "connector_id", "label")) {
            Api.Response blank = api.get("/v1/accounts?" + filter + "=").token(key).send();
            assertThat(blank.status()).as(blank.toString()).isEqualTo(400);
            assertThat(blank.string("code")).isEqualTo("invalid_request");
            assertThat(blank.string("errors.0.field")).isEqualTo(filter);
            assertThat(blank.string("errors.0.code")).isEqualTo("blank");
        }
    }

    @Test
    void everyBadListParameterIsNamedInOneAnswer() {
        Api.Response refused = api.get("/v1/accounts?limit=0&owner_id=&status=bogus&sort=name").token(key).send();
        assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
        assertThat(List.of(0, 1, 2, 3)).extracting(i -> refused.string("errors." + i + ".field"))
                .containsExactlyInAnyOrder("sort", "limit", "owner_id", "status");
    }

    @Test
    void aLimitThatIsNotANumberIsATypeErrorAndOneOutsideTheBoundsARangeError() {
        Map<String, String> codes = Map.of("abc", "type", "1.5", "type", "%D9%A5", "type", "0", "range",
                "201", "range", "99999999999", "range", "-3", "range");
        codes.forEach((limit, code) -> {
            Api.Response refused = api.get("/v1/accounts?limit=" + limit).token(key).send();
            assertThat(refused.status()).as(limit + ": " + refused).isEqualTo(400); // %D9%A5 is "٥", Arabic-Indic 5
            assertThat(refused.string("errors.0.field")).isEqualTo("limit");
            assertThat(refused.string("errors.0.code")).as(limit).isEqualTo(code);
            assertThat(refused.string("errors.0.message")).isEqualTo("limit must be a whole number from 1 to 200");
        });
    }

    @Test
    void anExplicitNullIsAWrongTypeNotAnAbsentMember() {
        String id = link();
        String path = "/v1/accounts/" + id;
        Api.Response patch = api.patch(path).token(key).raw("{\"label\":null,\"visibility\":\"tenant\"}").send();
        assertThat(patch.status()).as(patch.toString()).isEqualTo(400);
        assertThat(patch.string("code")).isEqualTo("invalid_request");
        assertThat(patch.errorFields()).containsExactly("label");
        assertThat(patch.string("errors.0.code")).isEqualTo("type");
        assertThat(patch.string("errors.0.message")).contains("not null");
        Api.Response unchanged = api.get(path).token(key).send();
        assertThat(unchanged.string("visibility")).as("nothing of the request was applied").isEqualTo("private");

        // Every request member, on every route that reads a body.
        Map<String, String> nulls = Map.of(
                "POST /v1/accounts", "{\"connector_id\":\"toggl\",\"owner_id\":\"u-bob\",\"credentials\":{\"api_token\":\""
                        + FakeToggl.BOB.apiToken() + "\"},\"workspace_id\":null}", "POST /v1/connectors/toggl/check",
                "{\"auth_method\":null,\"credentials\":{\"api_token\":\"" + FakeToggl.BOB.apiToken() + "\"}}",
                "POST /v1/connect-sessions", "{\"owner_id\":\"u-bob\",\"allowed_connectors\":[\"toggl\"],\"expires_in\":null}",
                "PATCH " + path, "{\"visibility\":\"tenant\",\"version\":null}",
                "PUT " + path + "/credentials", "{\"credentials\":null}");
        Map<String, String> field = Map.of("POST /v1/accounts", "workspace_id", "POST /v1/connectors/toggl/check",
                "auth_method", "POST /v1/connect-sessions", "expires_in", "PATCH " + path, "version",
                "PUT " + path + "/credentials", "credentials");
        nulls.forEach((route, body) -> {
            String[] parts = route.split(" ");
            Api.Response refused = api.method(parts[0], parts[1]).token(key).raw(body).send();
            assertThat(refused.status()).as(route + " " + refused).isEqualTo(400);
            assertThat(refused.errorFields()).as(route).containsExactly(field.get(route));
            assertThat(refused.string("errors.0.code")).as(route).isEqualTo("type");
        });
        Api.Response keyless = api.post("/v1/admin/tenants/acme/api-keys").token(admin)
                .raw("{\"name\":\"n\",\"scopes\":null}").send();
        assertThat(keyless.status()).as(keyless.toString()).isEqualTo(400);
        assertThat(keyless.errorFields()).containsExactly("scopes");
    }

    @Test
    void aCursorPagesOnlyTheListAndFiltersItCameFrom() {
        link();
        Api.Response labs = api.post("/v1/accounts").token(key).json(Map.of("connector_id", "toggl",
                "credentials", Map.of("api_token", FakeToggl.ALICE.apiToken()), "owner_id", "u-alice",
                "workspace_id", Long.toString(FakeToggl.WS_LABS))).send();
        assertThat(labs.status()).as(labs.toString()).isEqualTo(201);
        String cursor = api.get("/v1/accounts?limit=1&owner_id=u-alice").token(key).send().string("next_cursor");
        Api.Response next = api.get("/v1/accounts?limit=1&owner_id=u-alice&cursor=" + cursor).token(key).send();
        assertThat(next.status()).as(next.toString()).isEqualTo(200);
        assertThat(next.list("data")).hasSize(1);
        assertThat(api.get("/v1/accounts?limit=2&owner_id=u-alice&cursor=" + cursor).token(key).send().status())
                .as("the page size may change").isEqualTo(200);

        Map<String, String> refused = new java.util.LinkedHashMap<>();
        refused.put("/v1/accounts?limit=1&cursor=" + cursor, "filters_changed");
        refused.put("/v1/accounts?limit=1&owner_id=u-bob&cursor=" + cursor, "filters_changed");
        refused.put("/v1/accounts?limit=1&owner_id=u-alice&status=active&cursor=" + cursor, "filters_changed");
        for (Map.Entry<String, String> e : refused.entrySet()) {
            assertCursorRefused(api.get(e.getKey()).token(key).send(), e.getValue());
        }
        assertCursorRefused(api.get("/v1/accounts?limit=1&owner_id=u-alice&cursor=" + cursor).token(key)
                .owner("u-alice").send(), "filters_changed");

        String tenant = "cursors";
        Tenants.key(api, admin, tenant);
        Tenants.key(api, admin, tenant);
        String keysCursor = api.get("/v1/admin/tenants/" + tenant + "/api-keys?limit=1").token(admin).send()
                .string("next_cursor");
        assertThat(keysCursor).isNotNull();
        assertCursorRefused(api.get("/v1/accounts?cursor=" + keysCursor).token(key).send(), "other_list");
        assertCursorRefused(api.get("/v1/admin/tenants/" + tenant + "/api-keys?cursor=" + cursor).token(admin)
                .send(), "other_list");
        assertCursorRefused(api.get("/v1/admin/tenants/acme/api-keys?cursor=" + keysCursor).token(admin).send(),
                "filters_changed");

        String old = java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString(("c1:" + next.list("data").get(0).get("id")).getBytes(StandardCharsets.UTF_8));
        Api.Response continued = api.get("/v1/accounts?cursor=" + old).token(key).send();
        assertThat(continued.status()).as("a walk begun before the upgrade goes on").isEqualTo(200);
        assertThat(continued.list("data")).extracting(a -> a.get("id"))
                .doesNotContain(next.list("data").get(0).get("id"));
    }

    private static void assertCursorRefused(Api.Response response, String code) {
        assertThat(response.status()).as(response.toString()).isEqualTo(400);
        assertThat(response.string("code")).isEqualTo("invalid_request");
        assertThat(response.errorFields()).containsExactly("cursor");
        assertThat(response.string("errors.0.code")).as(response.toString()).isEqualTo(code);
    }
}
