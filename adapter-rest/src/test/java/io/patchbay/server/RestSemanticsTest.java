package io.patchbay.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.connector.toggl.fake.FakeToggl;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** What the API's answers mean: conditional and unconditional writes, cursors, query strings, numbers, encodings. */
class RestSemanticsTest extends ServerWithFakeTogglTest {
    @Override
    String tenantPrefix() {
        return "semantics-";
    }

    private String link() {
        Api.Response linked = api.post("/v1/accounts").token(key).json(Map.of("connector_id", "toggl",
                "credentials", Map.of("api_token", FakeToggl.ALICE.apiToken()), "owner_id", "u-alice",
                "workspace_id", Long.toString(FakeToggl.WS_STUDIO))).send();
        assertThat(linked.status()).as(linked.toString()).isEqualTo(201);
        return linked.string("account.id");
    }

    @Test
    void concurrentPatchesWithoutAPreconditionAllApply() throws Exception {
        String id = link();
        ExecutorService pool = Executors.newFixedThreadPool(48);
        try {
            List<Future<Api.Response>> answers = new ArrayList<>();
            for (int i = 0; i < 48; i++) {
                String label = "label " + i;
                answers.add(pool.submit(() -> api.patch("/v1/accounts/" + id).token(key)
                        .json(Map.of("label", label)).send()));
            }
            for (Future<Api.Response> answer : answers) {
                assertThat(answer.get().status()).as(answer.get().toString()).isEqualTo(200);
            }
        } finally {
            pool.shutdownNow();
        }
        Api.Response after = api.get("/v1/accounts/" + id).token(key).send();
        assertThat(after.at("version")).isEqualTo(48.0);
    }

    @Test
    void aStaleBodyVersionIsAConflictNamingItWithTheCurrentETag() {
        String id = link();
        assertThat(api.patch("/v1/accounts/" + id).token(key).json(Map.of("label", "one")).send().status())
                .isEqualTo(200);
        Api.Response stale = api.patch("/v1/accounts/" + id).token(key).json(Map.of("label", "two", "version", 0))
                .send();
        assertThat(stale.status()).as(stale.toString()).isEqualTo(409);
        assertThat(stale.string("code")).isEqualTo("stale_version");
        assertThat(stale.errorFields()).containsExactly("version");
        assertThat(stale.header("ETag")).contains("\"1\"");

        Api.Response negative = api.patch("/v1/accounts/" + id).token(key)
                .json(Map.of("label", "two", "version", -1)).send();
        assertThat(negative.status()).as(negative.toString()).isEqualTo(422);
        assertThat(negative.errorFields()).containsExactly("version");
        assertThat(negative.string("errors.0.code")).isNotEqualTo("stale_version");
    }

    @Test
    void aCursorWhoseIdWasCutOrRebuiltIsRefused() {
        String tenant = tenantPrefix() + "cursor-ids";
        for (int i = 0; i < 3; i++) {
            Tenants.key(api, admin, tenant);
        }
        String keys = "/v1/admin/tenants/" + tenant + "/api-keys";
        Api.Response first = api.get(keys + "?limit=1").token(admin).send();
        String cursor = first.string("next_cursor");
        for (int cut = 1; cut <= 3; cut++) {
            assertCursorInvalid(api.get(keys + "?limit=1&cursor=" + cursor.substring(0, cursor.length() - cut))
                    .token(admin).send());
        }
        // The same list and filters, with an id no key has the shape of.
        String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        String binding = text.substring(0, text.lastIndexOf(':') + 1);
        for (String id : List.of("zzz", "key_", text.substring(text.lastIndexOf(':') + 1) + "0", "acc_"
                + "0".repeat(26))) {
            String rebuilt = Base64.getUrlEncoder().withoutPadding()
                    .encodeToString((binding + id).getBytes(StandardCharsets.UTF_8));
            assertCursorInvalid(api.get(keys + "?limit=1&cursor=" + rebuilt).token(admin).send());
        }
        Api.Response second = api.get(keys + "?limit=1&cursor=" + cursor).token(admin).send();
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.list("data")).extracting(k -> k.get("id")).doesNotContain(first.list("data").get(0)
                .get("id"));

        link();
        String rebuilt = Base64.getUrlEncoder().withoutPadding()
                .encodeToString("c1:zzz".getBytes(StandardCharsets.UTF_8));
        assertCursorInvalid(api.get("/v1/accounts?cursor=" + rebuilt).token(key).send());
    }

    private static void assertCursorInvalid(Api.Response response) {
        assertThat(response.status()).as(response.toString()).isEqualTo(400);
        assertThat(response.string("code")).isEqualTo("invalid_request");
        assertThat(response.errorFields()).containsExactly("cursor");
        assertThat(response.string("errors.0.code")).isEqualTo("invalid");
    }

    @Test
    void anEmptyPairInTheQueryIsNoParameter() {
        link();
        for (String path : List.of("/v1/accounts?limit=2&", "/v1/accounts?&limit=2", "/v1/accounts?&",
                "/v1/connectors?&", "/v1/connectors?", "/v1/accounts?limit=1&&label=x")) {
            Api.Response answer = api.get(path).token(key).send();
            assertThat(answer.status()).as(path + " " + answer).isEqualTo(200);
        }
        Api.Response keys = api.get("/v1/admin/tenants/acme/api-keys?&limit=1&").token(admin).send();
        assertThat(keys.status()).as(keys.toString()).isEqualTo(200);
        // A value without a name is a parameter nobody knows, on list routes as on the others.
        for (String path : List.of("/v1/accounts?limit=1&=x", "/v1/connectors?=x")) {
            assertError(api.get(path).token(key).send(), 400, "", "unknown_parameter");
        }
    }

    @Test
    void everyNumberTooLargeForItsFieldIsTheSameFieldNamedError() {
        String id = link();
        List<String> huge = List.of("9223372036854775808", "1" + "0".repeat(309), "1e400", "-1e400",
                "1e2147483648");
        for (String number : huge) {
            Api.Response version = api.patch("/v1/accounts/" + id).token(key)
                    .raw("{\"label\":\"x\",\"version\":" + number + "}").send();
            assertOutOfRange(version, "version", number);
            Api.Response expires = api.post("/v1/connect-sessions").token(key)
                    .raw("{\"owner_id\":\"u1\",\"allowed_connectors\":[\"toggl\"],\"expires_in\":" + number
                            + "}").send();
            assertOutOfRange(expires, "expires_in", number);
        }
        // Beyond what any number holds, a value is out of range wherever it is, an array's element included.
        for (String number : huge.subList(1, huge.size())) {
            Api.Response inArray = api.post("/v1/connect-sessions").token(key)
                    .raw("{\"owner_id\":\"u1\",\"allowed_connectors\":[\"toggl\", " + number + "]}").send();
            assertOutOfRange(inArray, "allowed_connectors[1]", number);
        }
        // Not a number at all stays malformed JSON.
        Api.Response garbage = api.patch("/v1/accounts/" + id).token(key).raw("{\"label\":\"x\",\"version\":1e}")
                .send();
        assertThat(garbage.string("code")).isEqualTo("malformed_json");
    }

    private static void assertOutOfRange(Api.Response response, String field, String number) {
        assertThat(response.status()).as(number + ": " + response).isEqualTo(400);
        assertThat(response.string("code")).as(number).isEqualTo("invalid_request");
        assertThat(response.errorFields()).as(number).containsExactly(field);
        assertThat(response.string("errors.0.code")).as(number).isEqualTo("out_of_range");
    }

    @Test
    void aBodyIsJsonInUtf8AsSentOrA415NamingTheHeader() throws Exception {
        String keys = "/v1/admin/tenants/" + tenantPrefix() + "encodings/api-keys";
        byte[] json = "{\"name\":\"bom\"}".getBytes(StandardCharsets.UTF_8);
        byte[] bom = new byte[json.length + 3];
        bom[0] = (byte) 0xEF;
        bom[1] = (byte) 0xBB;
        bom[2] = (byte) 0xBF;
        System.arraycopy(json, 0, bom, 3, json.length);
        Api.Response withBom = api.post(keys).token(admin).header("Content-Type", "application/json").bytes(bom)
                .send();
        assertThat(withBom.status()).as(withBom.toString()).isEqualTo(201);

        Map<String, byte[]> charsets = Map.of("utf-16", "{\"name\":\"x\"}".getBytes(StandardCharsets.UTF_16),
                "iso-8859-1", "{\"name\":\"caf\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1),
                "\"UTF-16LE\"", "{\"name\":\"x\"}".getBytes(StandardCharsets.UTF_16LE));
        charsets.forEach((charset, body) -> {
            Api.Response refused = api.post(keys).token(admin)
                    .header("Content-Type", "application/json; charset=" + charset).bytes(body).send();
            assertUnsupported(refused, "Content-Type", charset);
            assertThat(refused.string("detail")).as(charset).containsIgnoringCase(charset.replace("\"", ""));
        });
        Api.Response utf8 = api.post(keys).token(admin).header("Content-Type", "application/json; Charset=\"UTF-8\"")
                .bytes("{\"name\":\"caf\u00e9\"}".getBytes(StandardCharsets.UTF_8)).send();
        assertThat(utf8.status()).as(utf8.toString()).isEqualTo(201);

        java.io.ByteArrayOutputStream gzipped = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gzip = new java.util.zip.GZIPOutputStream(gzipped)) {
            gzip.write(json);
        }
        for (String coding : List.of("gzip", "br", "identity, gzip")) {
            Api.Response encoded = api.post(keys).token(admin).header("Content-Type", "application/json")
                    .header("Content-Encoding", coding).bytes(gzipped.toByteArray()).send();
            assertUnsupported(encoded, "Content-Encoding", coding);
        }
        // Encoded as plain UTF-8 JSON would be, it is still refused: the header says what the bytes are.
        Api.Response plainButLabelled = api.post(keys).token(admin).header("Content-Type", "application/json")
                .header("Content-Encoding", "gzip").bytes(json).send();
        assertUnsupported(plainButLabelled, "Content-Encoding", "gzip plain");

        Api.Response text = api.post(keys).token(admin).header("Content-Type", "text/plain").bytes(json).send();
        assertUnsupported(text, "Content-Type", "text/plain");
    }

    private static void assertUnsupported(Api.Response response, String header, String what) {
        assertThat(response.status()).as(what + ": " + response).isEqualTo(415);
        assertThat(response.string("code")).as(what).isEqualTo("unsupported_media_type");
        assertThat(response.errorFields()).as(what).containsExactly(header);
    }

    @Test
    void oneMistakeGetsOneCodeOnEveryTextField() {
        String id = link();
        for (String blank : List.of("\u00a0", "\u200b", "\u3000", " \ufeff ")) {
            Api.Response label = api.patch("/v1/accounts/" + id).token(key).json(Map.of("label", blank)).send();
            assertError(label, 422, "label", "blank");
            Api.Response name = api.post("/v1/admin/tenants/acme/api-keys").token(admin).json(Map.of("name", blank))
                    .send();
            assertError(name, 422, "name", "blank");
            Api.Response filter = api.get("/v1/accounts?label=" + java.net.URLEncoder.encode(blank,
                    StandardCharsets.UTF_8)).token(key).send();
            assertError(filter, 400, "label", "blank");
        }
        assertError(api.post("/v1/admin/tenants/acme/api-keys").token(admin).json(Map.of("name", "n".repeat(101)))
                .send(), 422, "name", "too_long");
        assertError(api.patch("/v1/accounts/" + id).token(key).json(Map.of("label", "l".repeat(201))).send(), 422,
                "label", "too_long");
        assertError(api.post("/v1/admin/tenants/acme/api-keys").token(admin).json(Map.of("name", "a\u0001b"))
                .send(), 422, "name", "control_characters");
        assertError(api.patch("/v1/accounts/" + id).token(key).json(Map.of("label", "a\u0001b")).send(), 422,
                "label", "control_characters");
        assertError(api.post("/v1/connect-sessions").token(key).json(Map.of("owner_id", "u\u0001",
                "allowed_connectors", List.of("toggl"))).send(), 422, "owner_id", "control_characters");
        assertError(api.sendBytes("GET", "/v1/accounts", Map.of("Authorization", "Bearer " + key,
                "Patchbay-Owner-Id", "a\tb"), StandardCharsets.UTF_8), 400, "Patchbay-Owner-Id", "control_characters");
    }

    private static void assertError(Api.Response response, int status, String field, String code) {
        assertThat(response.status()).as(response.toString()).isEqualTo(status);
        assertThat(response.errorFields()).as(response.toString()).containsExactly(field);
        assertThat(response.string("errors.0.code")).as(response.toString()).isEqualTo(code);
    }

    @Test
    void aConnectorFilterNamingNoConnectorIsRefusedAsAnUnknownStatusIs() {
        assertError(api.get("/v1/accounts?connector_id=nope").token(key).send(), 400, "connector_id", "invalid");
        assertError(api.get("/v1/accounts?status=bogus").token(key).send(), 400, "status", "invalid");
        // A loaded connector with no account lists nothing, as any filter matching nothing does.
        Api.Response none = api.get("/v1/accounts?connector_id=oneflow").token(key).send();
        assertThat(none.status()).as(none.toString()).isEqualTo(200);
        assertThat(none.list("data")).isEmpty();
        link();
        assertThat(api.get("/v1/accounts?connector_id=toggl").token(key).send().list("data")).hasSize(1);
    }

    @Test
    void ifNoneMatchComparesWeaklyOnReadsAndStarFailsOnChanges() {
        String id = link();
        for (String current : List.of("\"0\"", "W/\"0\"", "\"7\", W/\"0\"", "*")) {
            Api.Response notModified = api.get("/v1/accounts/" + id).token(key).header("If-None-Match", current)
                    .send();
            assertThat(notModified.status()).as(current + ": " + notModified).isEqualTo(304);
            assertThat(notModified.header("ETag")).as(current).contains("\"0\"");
            assertThat(notModified.body()).isEmpty();
            assertThat(notModified.header("Content-Type")).as(current).isEmpty();
        }
        Api.Response changed = api.get("/v1/accounts/" + id).token(key).header("If-None-Match", "\"7\", W/\"8\"")
                .send();
        assertThat(changed.status()).isEqualTo(200);
        assertThat(changed.string("id")).isEqualTo(id);
        assertError(api.get("/v1/accounts/" + id).token(key).header("If-None-Match", "0").send(), 400,
                "If-None-Match", "invalid");

        Api.Response exists = api.patch("/v1/accounts/" + id).token(key).header("If-None-Match", "*")
                .json(Map.of("label", "new")).send();
        assertThat(exists.status()).as(exists.toString()).isEqualTo(412);
        assertThat(exists.header("ETag")).contains("\"0\"");
        Api.Response deleteExists = api.delete("/v1/accounts/" + id).token(key).header("If-None-Match", "*").send();
        assertThat(deleteExists.status()).as(deleteExists.toString()).isEqualTo(412);
        // A change with a list would be answered 304 if it produced a version the list names.
        assertError(api.patch("/v1/accounts/" + id).token(key).header("If-None-Match", "\"1\"")
                .json(Map.of("label", "new")).send(), 400, "If-None-Match", "unsupported");
        assertThat(api.get("/v1/accounts/" + id).token(key).send().at("version")).isEqualTo(0.0);
    }
}
