package io.patchbay.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patchbay.server.ScriptedUpstream.Received;
import io.patchbay.server.ScriptedUpstream.Reply;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proxy as served by the public listener, against a provider that does what real servers do: echo secrets,
 * set cookies, answer late, drop kept-alive connections. Every assertion is on the bytes that crossed a socket.
 */
class EdgeProxyTest {
    private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.1 \\d{3}");
    static final String BASIC = "Basic " + Base64.getEncoder().encodeToString((ScriptedUpstream.TOKEN + ":api_token")
            .getBytes(StandardCharsets.UTF_8));

    @TempDir
    Path data;
    ScriptedUpstream upstream;
    PatchbayServer server;
    Api api;
    String key;
    String proxy;
    LogCapture logs;

    @BeforeEach
    void start() throws IOException {
        logs = new LogCapture();
        upstream = new ScriptedUpstream();
        server = PatchbayServer.start(TestServers.config(data, Map.of("toggl", upstream.baseUrl()),
                Map.of("PATCHBAY_PROVIDER_CALL_TIMEOUT", "1s")));
        api = new Api(server.port());
        key = Tenants.key(api, server.firstAdminKey().orElseThrow(), "edge");
        Api.Response linked = api.post("/v1/accounts").token(key).json(Map.of("connector_id", "toggl", "owner_id",
                "edge-user", "credentials", Map.of("api_token", ScriptedUpstream.TOKEN))).send();
        assertThat(linked.status()).as(linked.toString()).isEqualTo(201);
        proxy = "/v1/accounts/" + linked.string("account.id") + "/proxy/";
    }

    /** With paranoid leak detection (see the pom), every buffer a test left unreleased is reported here. */
    @AfterEach
    void stop() throws IOException, InterruptedException {
        try {
            System.gc();
            Thread.sleep(100);
            for (int i = 0; i < 20; i++) {
                api.get("/health").send(); // leaks are reported when the next buffers are allocated
            }
            assertThat(logs.lines()).noneMatch(line -> line.contains("LEAK:"));
        } finally {
            logs.close();
            server.close();
            upstream.close();
        }
    }

    @Test
    void theProviderGetsTheAccountsCredentialsAndNoneOfTheCallersAndTheAnswerComesBackMasked() {
        upstream.script(r -> new Reply(201, Map.of("Content-Type", "application/json", "Set-Cookie", "session=abc",
                "X-Echo", r.headers().getOrDefault("authorization", "-"), "Link", "<next>; rel=next"),
                "{\"token\":\"" + ScriptedUpstream.TOKEN + "\",\"auth\":\"" + r.headers().get("authorization")
                        + "\",\"credentials\":\"" + r.headers().get("authorization").substring("Basic ".length())
                        + "\"}", 0, false));

        Api.Response answer = api.post(proxy + "api/v9/workspaces/2001/clients?x=%20y").token(key)
                .header("Cookie", "ours=1").header("X-Request-Note", "kept").header("Content-Type", "application/json")
                .raw("{\"name\":\"Edge Client\"}").send();

        Received sent = upstream.scripted().get(0);
        assertThat(sent.method()).isEqualTo("POST");
        assertThat(sent.target()).isEqualTo("/api/v9/workspaces/2001/clients?x=%20y");
        assertThat(sent.headers()).containsEntry("authorization", BASIC)
                .containsEntry("host", upstream.baseUrl().getAuthority())
                .containsEntry("x-request-note", "kept")
                .containsEntry("content-type", "application/json")
                .doesNotContainKeys("cookie", "patchbay-owner-id");
        assertThat(sent.text()).isEqualTo("{\"name\":\"Edge Client\"}");

        assertThat(answer.status()).isEqualTo(201);
        assertThat(answer.body()).as("the header's credentials echoed without their scheme are masked too")
                .isEqualTo("{\"token\":\"[REDACTED]\",\"auth\":\"[REDACTED]\",\"credentials\":\"[REDACTED]\"}");
        assertThat(answer.header("X-Echo")).contains("[REDACTED]");
        assertThat(answer.header("Link")).contains("<next>; rel=next");
        assertThat(answer.header("Set-Cookie")).isEmpty();
        assertThat(answer.body() + answer.headers().map()).doesNotContain(ScriptedUpstream.TOKEN)
                .doesNotContain(BASIC.substring(6));
    }

    @Test
    void headersAboutTheCallerOrForPatchbayAreNotForwardedAndOnlyPlainAnswersAreAskedFor() {
        upstream.script(r -> Reply.ok("{}"));

        Api.Response answer = api.get(proxy + "api/v9/items").token(key).header("Patchbay-Trace", "zzz")
                .header("PATCHBAY-Owner-Id", "edge-user").header("X-Forwarded-Port", "99")
                .header("X-Forwarded-For", "203.0.113.7").header("X-Real-IP", "203.0.113.7")
                .header("Forwarded", "for=203.0.113.7").header("Accept-Encoding", "gzip, br")
                .header("X-Patchbay-Note", "kept").header("Range", "bytes=10-13").header("If-Range", "\"e1\"").send();

        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        assertThat(upstream.scripted().get(0).headers()).doesNotContainKeys("patchbay-trace", "patchbay-owner-id",
                        "x-forwarded-port", "x-forwarded-for", "x-real-ip", "forwarded", "range", "if-range")
                .containsEntry("accept-encoding", "identity")
                .containsEntry("x-patchbay-note", "kept");
    }

    @Test
    void aHeaderAskingTheProviderForAnotherMethodIsRefusedNamingIt() {
        upstream.script(r -> Reply.ok("{}"));

        // A provider honouring it would take this POST for the DELETE the connector's blocked routes never saw.
        for (String header : List.of("X-HTTP-Method-Override", "x-http-method", "X-Method-Override")) {
            Api.Response refused = api.post(proxy + "api/v9/items").token(key).json(Map.of())
                    .header(header, "DELETE").send();

            assertThat(refused.status()).as(header + ": " + refused).isEqualTo(400);
            assertThat(refused.body()).contains("\"field\":\"" + header + "\"")
                    .contains("\"code\":\"method_override_refused\"");
        }
        assertThat(upstream.scripted()).isEmpty();
    }

    @Test
    void headerNamesWithUnderscoresAreJudgedAsServersThatReadThemIntoVariablesSeeThem() {
        upstream.script(r -> Reply.ok("{}"));

        // To a CGI-style server X_HTTP_METHOD_OVERRIDE is HTTP_X_HTTP_METHOD_OVERRIDE, as the hyphenated name is.
        Api.Response refused = api.post(proxy + "api/v9/items").token(key).json(Map.of())
                .header("X_HTTP_Method_Override", "DELETE").send();
        assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
        assertThat(refused.body()).contains("\"code\":\"method_override_refused\"");
        assertThat(upstream.scripted()).isEmpty();

        Api.Response answer = api.get(proxy + "api/v9/items").token(key).header("X_Forwarded_For", "203.0.113.7")
                .header("Patchbay_Owner_Id", "someone").header("X_Request_Note", "kept").send();
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        assertThat(upstream.scripted().get(0).headers()).doesNotContainKeys("x_forwarded_for", "patchbay_owner_id")
                .containsEntry("x_request_note", "kept");
    }

    @Test
    void theProvidersCrossOriginRulesAndHeadersNamedAfterTheTokenDoNotComeBack() {
        upstream.script(r -> new Reply(200, Map.of("Content-Type", "application/json",
                "Access-Control-Allow-Origin", "https://evil.example", "Access-Control-Allow-Credentials", "true",
                "Timing-Allow-Origin", "*", "X-" + ScriptedUpstream.TOKEN, "1", "X-Kept", "yes"), "{}", 0, false));

        Api.Response answer = api.get(proxy + "api/v9/items").token(key).send();

        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        assertThat(answer.headers().map().keySet()).doesNotContain("access-control-allow-origin",
                "access-control-allow-credentials", "timing-allow-origin", "x-" + ScriptedUpstream.TOKEN);
        assertThat(answer.header("X-Kept")).contains("yes");
        assertThat(answer.headers().map().toString()).doesNotContain(ScriptedUpstream.TOKEN);
    }

    @Test
    void everyConnectionLineNamesHeadersThatStayOnTheirHop() throws IOException {
        upstream.script(r -> Reply.ok("{}"));

        String answer = exchange("GET " + proxy + "api/v9/items HTTP/1.1\r\nHost: localhost\r\n"
                + "Authorization: Bearer %KEY%\r\nConnection: keep-alive\r\nConnection: X-Drop\r\nX-Drop: 1\r\n"
                + "X-Stay: 2\r\n\r\n", 1);

        assertThat(answer).startsWith("HTTP/1.1 200");
        assertThat(upstream.scripted().get(0).headers()).doesNotContainKey("x-drop").containsEntry("x-stay", "2");
    }

    @Test
    void aNotModifiedAnswerStatesNoLength() throws IOException {
        upstream.script(r -> new Reply(304, Map.of("ETag", "\"e1\""), "", 0, false));

        String answer = exchange("GET " + proxy + "api/v9/items HTTP/1.1\r\nHost: localhost\r\n"
                + "Authorization: Bearer %KEY%\r\nIf-None-Match: \"e1\"\r\n\r\n", 1);

        assertThat(answer).startsWith("HTTP/1.1 304").containsIgnoringCase("etag: \"e1\"")
                .doesNotContainIgnoringCase("content-length");
    }

    @Test
    void aRequestBodyInATransferCodingOtherThanChunkedIsRefused() throws IOException {
        upstream.script(r -> Reply.ok("{}"));

        String answer = exchange("POST " + proxy + "api/v9/items HTTP/1.1\r\nHost: localhost\r\n"
                + "Authorization: Bearer %KEY%\r\nTransfer-Encoding: gzip, chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", 1);

        assertThat(answer).startsWith("HTTP/1.1 400").contains("\"code\":\"malformed_request\"")
                .contains("chunked transfer coding only");
        assertThat(upstream.scripted()).isEmpty();
        String chunked = exchange("POST " + proxy + "api/v9/items HTTP/1.1\r\nHost: localhost\r\n"
                + "Authorization: Bearer %KEY%\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
                + "\r\n2\r\n{}\r\n0\r\n\r\n", 1);
        assertThat(chunked).as("chunked alone is the body's framing, decoded").startsWith("HTTP/1.1 200");
        assertThat(upstream.scripted().get(0).text()).isEqualTo("{}");
    }

    @Test
    void aMethodParameterInTheQueryOrAFormIsRefusedAsTheOverrideHeadersAre() {
        upstream.script(r -> Reply.ok("{}"));

        Api.Response query = api.post(proxy + "api/v9/items?x=1&_method=DELETE").token(key).json(Map.of()).send();
        assertThat(query.status()).as(query.toString()).isEqualTo(400);
        assertThat(query.body()).contains("\"field\":\"query\"").contains("\"code\":\"method_override_refused\"");
        Api.Response form = api.post(proxy + "api/v9/items").token(key)
                .header("Content-Type", "application/x-www-form-urlencoded").raw("name=x&%5Fmethod=DELETE").send();
        assertThat(form.status()).as(form.toString()).isEqualTo(400);
        assertThat(form.body()).contains("\"field\":\"body\"").contains("\"code\":\"method_override_refused\"");
        assertThat(upstream.scripted()).isEmpty();

        assertThat(api.post(proxy + "api/v9/items?my_method=x").token(key).raw("{\"_method\":\"DELETE\"}")
                .header("Content-Type", "application/json").send().status())
                .as("other names, and JSON bodies, pass").isEqualTo(200);
    }

    @Test
    void aHeadAnswerKeepsTheProvidersContentLength() {
        // Clients ask HEAD for a resource's size (a signed file before downloading it): the provider's, not 0.
        upstream.script(r -> new Reply(200, Map.of("Content-Type", "application/json", "Content-Length", "623"), "",
                0, false));

        Api.Response head = api.method("HEAD", proxy + "api/v9/projects").token(key).send();

        assertThat(upstream.scripted().get(0).method()).isEqualTo("HEAD");
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.header("Content-Length")).contains("623");
        assertThat(head.body()).isEmpty();
    }

    @Test
    void aHeadAnswerOfAnEncodedProviderAnswerStatesNoLengthRatherThanAWrongOne() {
        // The GET would pass the body on decoded, whose length the HEAD cannot know: no Content-Length (RFC 9110
        // 9.3.2 allows leaving it out), never the encoded length, nor 0.
        upstream.script(r -> new Reply(200, Map.of("Content-Type", "application/json", "Content-Encoding", "gzip",
                "Content-Length", "311"), "", 0, false));

        Api.Response head = api.method("HEAD", proxy + "api/v9/projects").token(key).send();

        assertThat(head.status()).as(head.toString()).isEqualTo(200);
        assertThat(head.header("Content-Length")).isEmpty();
        assertThat(head.header("Content-Encoding")).isEmpty();
        Api.Response after = api.method("HEAD", "/health").send();
        assertThat(after.status()).as("the connection's framing held").isEqualTo(200);
        assertThat(after.header("Content-Length")).hasValue("15");
    }

    @Test
    void theConnectorsSecretJsonMembersAreMaskedWhateverTheirValue() {
        String sent = "{\"api_token\":\"4e5f6a7b\",\"nested\":{\"api_token\" : \"with \\\"quotes\\\" inside\"},"
                + "\"list\":[{\"api_token\":\n\t\"x\"}],\"none\":{\"api_token\":null},\"note\":\"api_token\","
                + "\"text\":\"a \\\"api_token\\\":\\\"stays\\\"\",\"name\":\"Zoë\"}";
        upstream.script(r -> Reply.ok(sent));

        Api.Response answer = api.get(proxy + "api/v9/items").token(key).send();

        assertThat(answer.body()).isEqualTo("{\"api_token\":\"[REDACTED]\",\"nested\":{\"api_token\" : \"[REDACTED]\"},"
                + "\"list\":[{\"api_token\":\n\t\"[REDACTED]\"}],\"none\":{\"api_token\":null},\"note\":\"api_token\","
                + "\"text\":\"a \\\"api_token\\\":\\\"stays\\\"\",\"name\":\"Zoë\"}");
        assertThat(answer.header("Content-Length"))
                .hasValue(Integer.toString(answer.body().getBytes(StandardCharsets.UTF_8).length));
    }

    @Test
    void aCompressedAnswerIsDecodedMaskedAndPassedOnPlain() throws IOException {
        String json = "{\"token\":\"" + ScriptedUpstream.TOKEN + "\",\"text\":\"" + "Zoë ".repeat(2000) + "\"}";
        String masked = json.replace(ScriptedUpstream.TOKEN, "[REDACTED]");
        Map<String, Reply> replies = Map.of(
                "gzip", encoded("gzip", gzip(json)),
                "x-gzip", encoded("x-gzip", gzip(json)),
                "zlib", encoded("deflate", deflate(json, false)),
                "raw-deflate", encoded("Deflate", deflate(json, true)),
                "empty", encoded("gzip", new byte[0]));
        upstream.script(r -> replies.get(r.target().substring(r.target().lastIndexOf('/') + 1)));

        for (String kind : replies.keySet()) {
            Api.Response answer = api.get(proxy + "api/v9/" + kind).token(key).send();
            assertThat(answer.status()).as(kind).isEqualTo(200);
            assertThat(answer.body()).as(kind).isEqualTo(kind.equals("empty") ? "" : masked);
            assertThat(answer.header("Content-Encoding")).as(kind).isEmpty();
            assertThat(answer.header("Content-Length")).as(kind)
                    .hasValue(Integer.toString(answer.body().getBytes(StandardCharsets.UTF_8).length));
        }
    }

    @Test
    void anAnswerTheProxyCannotDecodeIsRefusedRatherThanPassedOnUnmasked() throws IOException {
        byte[] bomb = gzip("0".repeat(33 * 1024 * 1024));
        upstream.script(r -> switch (r.target()) {
            case "/api/v9/br" -> encoded("br", ScriptedUpstream.TOKEN.getBytes(StandardCharsets.UTF_8));
            case "/api/v9/twice" -> encoded("gzip, gzip", ScriptedUpstream.TOKEN.getBytes(StandardCharsets.UTF_8));
            case "/api/v9/second-line" -> {
                // A coding on a second Content-Encoding line, behind a first "identity".
                Map<String, String> headers = new LinkedHashMap<>();
                headers.put("Content-Encoding", "identity");
                headers.put("content-encoding", "gzip");
                yield new Reply(200, headers, gzipOf(ScriptedUpstream.TOKEN), 0, false);
            }
            case "/api/v9/corrupt" -> encoded("gzip", ScriptedUpstream.TOKEN.getBytes(StandardCharsets.UTF_8));
            default -> encoded("gzip", bomb);
        });

        Api.Response br = api.get(proxy + "api/v9/br").token(key).send();
        assertThat(br.status()).isEqualTo(502);
        assertThat(br.string("code")).isEqualTo("provider_encoding_unsupported");
        assertThat(br.string("detail")).contains("gzip or deflate");
        assertThat(api.get(proxy + "api/v9/twice").token(key).send().string("code"))
                .isEqualTo("provider_encoding_unsupported");
        Api.Response secondLine = api.get(proxy + "api/v9/second-line").token(key).send();
        assertThat(secondLine.status()).isEqualTo(502);
        assertThat(secondLine.string("code")).isEqualTo("provider_encoding_unsupported");
        assertThat(secondLine.string("detail")).contains("one gzip or deflate coding");
        Api.Response corrupt = api.get(proxy + "api/v9/corrupt").token(key).send();
        assertThat(corrupt.status()).isEqualTo(502);
        assertThat(corrupt.string("code")).isEqualTo("provider_response_corrupt");
        Api.Response tooLarge = api.get(proxy + "api/v9/bomb").token(key).send();
        assertThat(tooLarge.status()).isEqualTo(502);
        assertThat(tooLarge.string("code")).isEqualTo("provider_response_too_large");
        assertThat(br.body() + corrupt.body()).doesNotContain(ScriptedUpstream.TOKEN);
    }

    @Test
    void theRefusalOfAnEncodingNamesWhatIsSupportedNotTheProvidersValue() {
        // A provider's header is its own bytes: one may as well hold the token the proxy sent it.
        String echoed = "x-" + ScriptedUpstream.TOKEN;
        upstream.script(r -> encoded(echoed, "{}".getBytes(StandardCharsets.UTF_8)));

        Api.Response refused = api.get(proxy + "api/v9/items").token(key).send();

        assertThat(refused.status()).isEqualTo(502);
        assertThat(refused.string("code")).isEqualTo("provider_encoding_unsupported");
        assertThat(refused.string("detail")).contains("one gzip or deflate coding");
        assertThat(refused.body() + refused.headers().map()).doesNotContain(ScriptedUpstream.TOKEN)
                .doesNotContain(echoed.substring(0, 12));
    }

    @Test
    void anAnswerInATransferCodingOtherThanChunkedIsRefusedRatherThanPassedOnUnmasked() throws IOException {
        String json = "{\"token\":\"" + ScriptedUpstream.TOKEN + "\"}";
        byte[] compressed = gzip(json);
        upstream.script(r -> switch (r.target()) {
            case "/api/v9/gzip-chunked" -> framed(Map.of("Transfer-Encoding", "gzip, chunked"), compressed);
            case "/api/v9/two-lines" -> {
                Map<String, String> headers = new LinkedHashMap<>();
                headers.put("Transfer-Encoding", "gzip");
                headers.put("transfer-encoding", "chunked");
                yield framed(headers, compressed);
            }
            default -> framed(Map.of("Transfer-Encoding", "chunked"), json.getBytes(StandardCharsets.UTF_8));
        });

        for (String path : List.of("gzip-chunked", "two-lines")) {
            Api.Response refused = api.get(proxy + "api/v9/" + path).token(key).send();
            assertThat(refused.status()).as(path + ": " + refused).isEqualTo(502);
            assertThat(refused.string("code")).as(path).isEqualTo("provider_encoding_unsupported");
            assertThat(refused.string("detail")).as(path).contains("chunked");
            assertThat(refused.body()).as(path).doesNotContain(ScriptedUpstream.TOKEN);
        }
        Api.Response chunked = api.get(proxy + "api/v9/chunked").token(key).send();
        assertThat(chunked.status()).as("chunked alone is framing, read and masked").isEqualTo(200);
        assertThat(chunked.body()).isEqualTo("{\"token\":\"[REDACTED]\"}");
    }

    /** An answer in the chunked framing, one chunk, under the given headers (which name its transfer codings). */
    private static Reply framed(Map<String, String> headers, byte[] body) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes((Integer.toHexString(body.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        bytes.writeBytes(body);
        bytes.writeBytes("\r\n0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.put("Content-Type", "application/json");
        return new Reply(200, all, bytes.toByteArray(), 0, false);
    }

    @Test
    void providerTokensInAProxyPathAreMaskedInTheAccessLine() throws IOException, InterruptedException {
        upstream.script(r -> Reply.ok("{}"));
        String share = "3f9a1c0b7d2e4f6a8b9c0d1e2f3a4b5c"; // a Toggl saved-report share token: 32 hex digits
        String credentials = BASIC.substring("Basic ".length());
        try (LogCapture logs = new LogCapture()) {
            List<String> paths = List.of("reports/api/v3/shared/" + share,
                    "api/v9/ical/workspace_user/" + ScriptedUpstream.TOKEN + ".ics",
                    // The account's own header value, in its form-encoded form: masked whole, scheme included.
                    "api/v9/echo/Basic+" + credentials,
                    "api/v9/workspaces/2001/projects/12345678901234567890/tasks",
                    "api/v9/workspaces/2001/someverylongresourcenamewords");
            for (String path : paths) {
                assertThat(api.get(proxy + path).token(key).send().status()).as(path).isEqualTo(200);
            }

            List<String> lines = accessLines(logs);
            for (long deadline = System.nanoTime() + 2_000_000_000L; lines.size() < paths.size()
                    && System.nanoTime() < deadline; lines = accessLines(logs)) {
                Thread.sleep(10); // the line is written just after the answer
            }
            assertThat(String.join("\n", lines)).doesNotContain(share).doesNotContain(ScriptedUpstream.TOKEN)
                    .doesNotContain(credentials.substring(0, 20)).doesNotContain("Basic")
                    .contains("GET " + proxy + "reports/api/v3/shared/[REDACTED] 200")
                    .contains("GET " + proxy + "api/v9/ical/workspace_user/[REDACTED].ics 200")
                    .contains("GET " + proxy + "api/v9/echo/[REDACTED] 200")
                    .as("ids of digits alone and words stay readable")
                    .contains("GET " + proxy + "api/v9/workspaces/2001/projects/12345678901234567890/tasks 200")
                    .contains("GET " + proxy + "api/v9/workspaces/2001/someverylongresourcenamewords 200");
        }
    }

    @Test
    void theAccessLineOfAProxyRequestRefusedBeforeTheProviderMasksATokenInItsPath()
            throws IOException, InterruptedException {
        String share = "3f9a1c0b7d2e4f6a8b9c0d1e2f3a4b5c";
        try (LogCapture logs = new LogCapture()) {
            Api.Response big = api.post(proxy + "reports/api/v3/shared/" + share).token(key)
                    .raw("x".repeat(70 * 1024)).send();
            assertThat(big.status()).isEqualTo(413);

            List<String> lines = accessLines(logs);
            for (long deadline = System.nanoTime() + 2_000_000_000L; lines.isEmpty() && System.nanoTime() < deadline;
                    lines = accessLines(logs)) {
                Thread.sleep(10);
            }
            assertThat(lines).singleElement().satisfies(line -> assertThat(line).doesNotContain(share)
                    .contains("POST " + proxy + "reports/api/v3/shared/[REDACTED] 413"));
        }
    }

    @Test
    void aChunkLineTooLongIsAMalformedBodyNotATooLongRequestLine() throws IOException {
        upstream.script(r -> Reply.ok("{}"));

        String answer = exchange("POST " + proxy + "api/v9/items HTTP/1.1\r\nHost: localhost\r\n"
                + "Authorization: Bearer %KEY%\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
                + "\r\n2;" + "a".repeat(20_000) + "\r\n{}\r\n0\r\n\r\n", 1);

        assertThat(answer).startsWith("HTTP/1.1 400").contains("\"code\":\"malformed_request\"")
                .contains("chunk").doesNotContain("request line");
        assertThat(upstream.scripted()).isEmpty();
    }

    @Test
    void expectationsTheServerDoesNotMeetGetProblemsOnProxyAndApiRoutesAlike() throws IOException {
        upstream.script(r -> Reply.ok("{\"ok\":true}"));
        for (String target : List.of(proxy + "api/v9/items", "/v1/accounts")) {
            String tooLarge = exchange("POST " + target + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %KEY%\r\n"
                    + "Content-Type: application/json\r\nContent-Length: 100000\r\nExpect: 100-continue\r\n\r\n", 1);
            assertThat(tooLarge).as(target).startsWith("HTTP/1.1 413")
                    .containsIgnoringCase("content-type: application/problem+json")
                    .contains("\"code\":\"body_too_large\"");

            String unknown = exchange("POST " + target + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %KEY%\r\n"
                    + "Content-Length: 2\r\nExpect: teapot\r\n\r\n{}", 1);
            assertThat(unknown).as(target).startsWith("HTTP/1.1 417")
                    .containsIgnoringCase("content-type: application/problem+json")
                    .contains("\"code\":\"expectation_failed\"");
        }
        assertThat(upstream.scripted()).isEmpty();

        String accepted = exchange("POST " + proxy + "api/v9/items HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                + "%KEY%\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n{}", 2);
        assertThat(accepted).startsWith("HTTP/1.1 100 Continue").contains("HTTP/1.1 200").endsWith("{\"ok\":true}");
    }

    @Test
    void charactersClientsSendRawInAQueryArePercentEncodedAndWhatCannotBeIsRefusedAsTheQuery()
            throws IOException {
        upstream.script(r -> Reply.ok("{}"));

        String answer = exchange(request("GET", proxy + "api/v9/items?filter[states]=signed|pending"
                + "&q=\"{a}\"^`<b>`\\&kept=%7C%20&n=caf\u00c3\u00a9#here"), 1);

        assertThat(answer).startsWith("HTTP/1.1 200");
        assertThat(upstream.scripted().get(0).target()).isEqualTo("/api/v9/items?filter[states]=signed%7Cpending"
                + "&q=%22%7Ba%7D%22%5E%60%3Cb%3E%60%5C&kept=%7C%20&n=caf%C3%A9%23here");
        for (String query : List.of("x=%zz", "x=a\u0001b")) {
            String refused = exchange(request("GET", proxy + "api/v9/items?" + query), 1);
            assertThat(refused).as(query).startsWith("HTTP/1.1 400").contains("\"field\":\"query\"");
        }
        assertThat(upstream.scripted()).hasSize(1);
    }

    @Test
    void aRawHashInTheProxyPathIsRefusedSoNoBlockedRouteHidesBehindAFragment() throws IOException {
        upstream.script(r -> Reply.ok("{}"));

        // Parsed as a URL, "#x" would be a fragment: "reset_token#x" is not the blocked route, "reset_token" is sent.
        for (String target : List.of("POST " + proxy + "api/v9/me/reset_token#x", "GET " + proxy
                + "api/v9/desktop_login#", "GET " + proxy + "api/v9/me#/../x")) {
            String[] parts = target.split(" ");
            String refused = exchange(request(parts[0], parts[1]).replace("\r\n\r\n",
                    "\r\nContent-Length: 0\r\n\r\n"), 1);
            assertThat(refused).as(target).startsWith("HTTP/1.1 400").contains("\"field\":\"path\"")
                    .contains("'#'");
        }
        assertThat(upstream.scripted()).isEmpty();
    }

    @Test
    void rawBytesBeyondAsciiInTheProxyPathReachTheProviderPercentEncodedOnce() throws IOException {
        upstream.script(r -> Reply.ok("{}"));

        // "café" and "€" as UTF-8 bytes, sent raw as some clients do; the euro's 0x82 is no control character.
        String answer = exchange(request("GET", proxy + "api/v9/caf\u00c3\u00a9/\u00e2\u0082\u00ac"), 1);

        assertThat(answer).startsWith("HTTP/1.1 200");
        assertThat(upstream.scripted().get(0).target()).isEqualTo("/api/v9/caf%C3%A9/%E2%82%AC");
    }

    @Test
    void theProvidersReasonPhraseIsNotPassedOnSinceItMayEchoTheCredentials() throws IOException {
        upstream.script(r -> new Reply(401, Map.of("Content-Type", "application/json"), "{}", 0, false)
                .reason("Bad token " + ScriptedUpstream.TOKEN));

        String answer = exchange(request("GET", proxy + "api/v9/items"), 1);

        assertThat(answer).startsWith("HTTP/1.1 401 Unauthorized\r\n").doesNotContain(ScriptedUpstream.TOKEN);
    }

    @Test
    void aPathWithControlCharactersReachesTheAccessLogWithoutThem() throws IOException, InterruptedException {
        try (LogCapture logs = new LogCapture()) {
            String refused = exchange(request("GET", proxy + "api/v9/x\u001b[2J\u0007y"), 1);
            assertThat(refused).startsWith("HTTP/1.1 400");

            List<String> lines = accessLines(logs);
            for (long deadline = System.nanoTime() + 2_000_000_000L; lines.isEmpty() && System.nanoTime() < deadline;
                    lines = accessLines(logs)) {
                Thread.sleep(10); // the line is written just after the answer
            }
            assertThat(lines).singleElement().satisfies(line -> assertThat(line).contains("api/v9/x?[2J?y 400")
                    .doesNotContain("\u001b").doesNotContain("\u0007"));
        }
    }

    @Test
    void aRawQueryBeyondAsciiReachesTheApiAsItsUtf8Bytes() throws IOException {
        String accountId = proxy.split("/")[3];
        assertThat(api.patch("/v1/accounts/" + accountId).token(key).json(Map.of("label", "Zo\u00eb")).send().status())
                .isEqualTo(200);

        // "Zoë" as UTF-8 bytes, raw in the request line.
        String answer = exchange(request("GET", "/v1/accounts?label=Zo\u00c3\u00ab"), 1);

        assertThat(answer).startsWith("HTTP/1.1 200").contains("\"id\":\"" + accountId + "\"");
    }

    @Test
    void aRefusedProxyPathIsLoggedWithTheCallerWhoseKeyWasAccepted() throws IOException, InterruptedException {
        upstream.script(r -> Reply.ok("{}"));
        try (LogCapture logs = new LogCapture()) {
            assertThat(api.get(proxy + "api/v9/items").token(key).send().status()).isEqualTo(200);
            assertThat(api.get(proxy + "api/v9//items").token(key).send().status()).isEqualTo(400);

            List<String> lines = accessLines(logs);
            for (long deadline = System.nanoTime() + 2_000_000_000L; lines.size() < 2 && System.nanoTime() < deadline;
                    lines = accessLines(logs)) {
                Thread.sleep(10); // the line is written just after the answer
            }
            String caller = lines.get(0).replaceAll(".* (caller=\\S+).*", "$1");
            assertThat(caller).startsWith("caller=key_");
            assertThat(lines.get(1)).contains(" 400 ").contains(caller + " ");
        }
    }

    private static Reply encoded(String encoding, byte[] body) {
        return new Reply(200, Map.of("Content-Type", "application/json", "Content-Encoding", encoding), body, 0,
                false);
    }

    private static byte[] gzipOf(String text) {
        try {
            return gzip(text);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static byte[] gzip(String text) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }

    private static byte[] deflate(String text, boolean raw) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, raw);
        try (DeflaterOutputStream out = new DeflaterOutputStream(bytes, deflater)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        } finally {
            deflater.end();
        }
        return bytes.toByteArray();
    }

    @Test
    void aProviderThatAnswersTooLateGets504AndTheConnectionIsNotReused() {
        upstream.script(r -> r.target().endsWith("slow") ? Reply.ok("{}").after(3_000) : Reply.ok("{\"fast\":true}"));

        Api.Response late = api.get(proxy + "api/v9/slow").token(key).send();
        assertThat(late.status()).isEqualTo(504);
        assertThat(late.string("code")).isEqualTo("provider_timeout");
        assertThat(late.header("Retry-After")).contains("30");

        Api.Response next = api.get(proxy + "api/v9/fast").token(key).send();
        assertThat(next.body()).isEqualTo("{\"fast\":true}");
        List<Received> seen = upstream.scripted();
        assertThat(seen.get(1).connection()).isNotEqualTo(seen.get(0).connection());
    }

    @Test
    void anActionTheProviderAnswersTooLateGets504WithinTheCallTimeout() {
        String tags = proxy.substring(0, proxy.length() - "proxy/".length()) + "actions/list_tags";
        // A first, fast call loads the action path, so the timing below is the provider call's alone.
        upstream.script(r -> Reply.ok("[]"));
        assertThat(api.post(tags).token(key).json(Map.of("workspace_id", 2001)).send().status()).isEqualTo(200);
        upstream.script(r -> Reply.ok("[]").after(3_000));

        long start = System.nanoTime();
        Api.Response late = api.post(tags).token(key).json(Map.of("workspace_id", 2001)).send();
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(late.status()).as(late.toString()).isEqualTo(504);
        assertThat(late.string("code")).isEqualTo("provider_timeout");
        assertThat(late.header("Retry-After")).contains("30");
        // The 1 s call timeout bounds every attempt together: once spent, the read is not retried.
        assertThat(upstream.scripted()).hasSize(2);
        assertThat(took).isLessThan(Duration.ofMillis(2500));
    }

    @Test
    void aKeptAliveConnectionTheProviderDroppedIsRetriedForGetButNeverForPost() {
        // The second request on any connection finds it closed, as when a server times out an idle connection
        // just as the request is sent.
        upstream.script(r -> r.indexOnConnection() > 1 ? Reply.hangUp() : Reply.ok("{\"n\":" + r.connection() + "}"));

        assertThat(api.get(proxy + "api/v9/items").token(key).send().status()).isEqualTo(200);
        Api.Response retried = api.get(proxy + "api/v9/items").token(key).send();
        assertThat(retried.status()).isEqualTo(200);
        assertThat(upstream.scripted()).extracting(Received::method).containsExactly("GET", "GET", "GET");

        // The retry's connection is pooled now, and is dropped in turn: a POST may have had its effect.
        Api.Response notRetried = api.post(proxy + "api/v9/items").token(key).raw("{}").send();
        assertThat(notRetried.status()).isEqualTo(502);
        assertThat(notRetried.string("code")).isEqualTo("provider_unavailable");
        assertThat(upstream.scripted()).extracting(Received::method).containsExactly("GET", "GET", "GET", "POST");
    }

    @Test
    void anUnreachableProviderIs502() throws IOException {
        // The provider moves to a port that is bound but never listens: connections to it are refused, and while
        // it stays bound no other server of the run, nor a connection's own source port, can take it. (Closing the
        // provider would free its port for both.)
        try (Socket nobody = new Socket()) {
            nobody.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            server.close();
            server = PatchbayServer.start(TestServers.config(data, Map.of("toggl",
                    URI.create("http://127.0.0.1:" + nobody.getLocalPort())), Map.of("PATCHBAY_PROVIDER_CALL_TIMEOUT",
                    "1s")));
            api = new Api(server.port());
            Api.Response answer = api.get(proxy + "api/v9/me").token(key).send();
            assertThat(answer.status()).as(answer.toString()).isEqualTo(502);
            assertThat(answer.string("code")).isEqualTo("provider_unreachable");
        }
    }

    @Test
    void answersOnOneConnectionLeaveInRequestOrder() throws IOException {
        upstream.script(r -> r.target().endsWith("first") ? Reply.ok("{\"first\":1}").after(300)
                : Reply.ok("{\"second\":2}"));
        String both = request("GET", proxy + "api/v9/first") + request("GET", proxy + "api/v9/second");

        String answers = exchange(both, 2);

        assertThat(answers.indexOf("{\"first\":1}")).isNotNegative().isLessThan(answers.indexOf("{\"second\":2}"));
    }

    /**
     * Refusals the listener gives before reading a body (413, 417) take their turn among pipelined answers: sent at
     * once, the 413 would be read as the answer to the slow request before it.
     */
    @Test
    void aRefusalBeforeTheBodyIsAnsweredInItsTurnAmongPipelinedRequests() throws IOException {
        upstream.script(r -> r.target().endsWith("first") ? Reply.ok("{\"first\":1}").after(300)
                : Reply.ok("{\"third\":3}"));
        String head = "POST " + proxy + "api/v9/second HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer %KEY%\r\n"
                + "Content-Type: application/json\r\n";
        String answers = exchange(request("GET", proxy + "api/v9/first") + head + "Content-Length: 70000\r\n\r\n"
                + "x".repeat(70_000) + request("GET", proxy + "api/v9/third"), 3);
        assertThat(statusLines(answers)).containsExactly("HTTP/1.1 200", "HTTP/1.1 413", "HTTP/1.1 200");
        assertThat(answers).containsSubsequence("{\"first\":1}", "\"status\":413", "{\"third\":3}");

        // A refused expectation closes the connection once answered: a body may follow or not.
        Map<String, String> refusals = new LinkedHashMap<>();
        refusals.put(head + "Content-Length: 70000\r\nExpect: 100-continue\r\n\r\n", "HTTP/1.1 413");
        refusals.put(head + "Content-Length: 2\r\nExpect: teapot\r\n\r\n", "HTTP/1.1 417");
        for (Map.Entry<String, String> second : refusals.entrySet()) {
            String closing = exchange(request("GET", proxy + "api/v9/first") + second.getKey()
                    + request("GET", proxy + "api/v9/third"), 3);

            assertThat(statusLines(closing)).as(second.getValue()).containsExactly("HTTP/1.1 200", second.getValue());
            assertThat(closing).containsSubsequence("{\"first\":1}", "connection: close",
                    "\"status\":" + second.getValue().substring(9));
        }
        // A refusal after which the connection closes still comes after the answer owed before it, then the end.
        String closed = exchange(request("GET", proxy + "api/v9/first") + head
                + "Content-Length: 70000\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n", 3);
        assertThat(statusLines(closed)).containsExactly("HTTP/1.1 200", "HTTP/1.1 413");
        assertThat(closed).containsSubsequence("{\"first\":1}", "connection: close", "\"status\":413");
        assertThat(upstream.scripted()).extracting(Received::target).noneMatch(target -> target.endsWith("second"));
    }

    /**
     * A refused expectation's body is never read as a request: through a proxy that shares one connection among its
     * clients, the request inside it would be answered to the next client, and that client's answer (a new API key,
     * say) to the sender of the body.
     */
    @Test
    void aRequestInsideTheBodyOfARefusedExpectationIsNeverServed() throws IOException {
        upstream.script(r -> Reply.ok("{\"smuggled\":true}"));
        String inside = request("GET", proxy + "api/v9/smuggled").replace("%KEY%", key)
                + request("GET", "/v1/accounts").replace("%KEY%", key);
        String post = "POST /v1/connectors HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n";
        Map<String, String> refusals = new LinkedHashMap<>();
        refusals.put(post + "Expect: teapot\r\nContent-Length: " + inside.length() + "\r\n\r\n" + inside,
                "HTTP/1.1 417");
        refusals.put(post + "Expect: teapot\r\nTransfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(inside.length()) + "\r\n" + inside + "\r\n0\r\n\r\n", "HTTP/1.1 417");
        // Pipelined after a refusal that closes the connection: decoded, yet never served (its answer would be lost).
        refusals.put(post + "Expect: teapot\r\nContent-Length: 0\r\n\r\n" + inside, "HTTP/1.1 417");
        // Sent without waiting for the 100 Continue, as clients may: the first bytes of a body too large.
        refusals.put(post + "Expect: 100-continue\r\nContent-Length: 2000000\r\n\r\n" + inside, "HTTP/1.1 413");

        for (Map.Entry<String, String> refusal : refusals.entrySet()) {
            String answers = exchange(refusal.getKey(), 3);

            assertThat(statusLines(answers)).as(refusal.getKey()).containsExactly(refusal.getValue());
            assertThat(answers).containsIgnoringCase("connection: close").doesNotContain("smuggled", "\"data\"");
        }
        assertThat(upstream.scripted()).isEmpty();
    }

    /**
     * A client that announces its body waits for {@code 100 Continue}; sent while an earlier request is unanswered,
     * the client would take it for that request's interim answer.
     */
    @Test
    void aHundredContinueLeavesOnlyAfterTheAnswersBeforeIt() throws IOException {
        upstream.script(r -> r.target().endsWith("first") ? Reply.ok("{\"first\":1}").after(300)
                : Reply.ok("{\"second\":2}"));
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write((request("GET", proxy + "api/v9/first") + "POST " + proxy + "api/v9/second HTTP/1.1\r\n"
                    + "Host: localhost\r\nAuthorization: Bearer %KEY%\r\nContent-Length: 2\r\n"
                    + "Expect: 100-continue\r\n\r\n").replace("%KEY%", key).getBytes(StandardCharsets.ISO_8859_1));
            StringBuilder read = new StringBuilder();

            readUntil(socket.getInputStream(), read, "HTTP/1.1 100 Continue\r\n\r\n");
            assertThat(read.toString()).as("the first answer, whole, then the interim one").startsWith("HTTP/1.1 200")
                    .containsSubsequence("{\"first\":1}", "HTTP/1.1 100 Continue");
            out.write("{}".getBytes(StandardCharsets.ISO_8859_1));
            readUntil(socket.getInputStream(), read, "{\"second\":2}");
        }
        assertThat(upstream.scripted()).extracting(Received::text).containsExactly("", "{}");
    }

    /** The status of each answer, as "HTTP/1.1 200" (a body ends without a line break, so not line by line). */
    private static List<String> statusLines(String answers) {
        return STATUS_LINE.matcher(answers).results().map(MatchResult::group).toList();
    }

    /** Reads into {@code read} until it holds {@code expected}, or fails (the socket's timeout, its end). */
    private static void readUntil(InputStream in, StringBuilder read, String expected) throws IOException {
        byte[] buffer = new byte[8192];
        while (!read.toString().contains(expected)) {
            int n = in.read(buffer);
            assertThat(n).as("the connection ended before " + expected + " in " + read).isPositive();
            read.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
        }
    }

    @Test
    void malformedAndOversizedRequestsGetProblemsNotResets() throws IOException {
        assertThat(exchange("NOT-HTTP\r\n\r\n", 1)).startsWith("HTTP/1.1 400").contains("\"code\":\"malformed_request\"");
        for (String length : List.of("abc", "5, 5", "99999999999999999999")) {
            assertThat(exchange("POST /v1/accounts HTTP/1.1\r\nHost: x\r\nContent-Length: " + length + "\r\n\r\n", 1))
                    .as(length).startsWith("HTTP/1.1 400").contains("\"code\":\"malformed_request\"");
        }
        assertThat(exchange("GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(10_000) + "\r\n\r\n", 1))
                .startsWith("HTTP/1.1 431").contains("\"code\":\"headers_too_large\"");
        assertThat(exchange("GET /" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: x\r\n\r\n", 1))
                .startsWith("HTTP/1.1 414");

        Api.Response big = api.post(proxy + "api/v9/items").token(key).raw("x".repeat(70 * 1024)).send();
        assertThat(big.status()).isEqualTo(413);
        assertThat(big.string("code")).isEqualTo("body_too_large");
        assertThat(upstream.scripted()).isEmpty();

        Api.Response options = api.method("OPTIONS", proxy + "api/v9/items").token(key).send();
        assertThat(options.status()).isEqualTo(405);
        assertThat(options.string("code")).isEqualTo("method_not_allowed");
        assertThat(options.header("Allow")).contains("DELETE, GET, HEAD, PATCH, POST, PUT");
    }

    /** What the listener passes on and the API server cannot parse is answered as a problem too, not an HTML page. */
    @Test
    void requestsTheApiServerRefusesGetProblemsNotHtmlPages() throws IOException {
        for (String target : List.of("/v1/connectors/a\"b", "/v1/connectors/a|b", "/v1/connectors/..;/accounts",
                "http://a\\b/v1/connectors")) {
            for (String method : List.of("GET", "DELETE", "PATCH")) {
                String answer = exchange(method + " " + target + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                        + "%KEY%\r\nContent-Length: 0\r\n\r\n", 1);
                assertThat(answer).as(method + " " + target).startsWith("HTTP/1.1 4").containsIgnoringCase(
                        "content-type: application/problem+json").doesNotContain("<html").contains("\"status\":4");
            }
        }
        // Within the listener's limits one by one, a long request line and a large header block together.
        String answer = exchange("GET /v1/connectors?q=" + "a".repeat(7_000) + " HTTP/1.1\r\nHost: x\r\n"
                + "Authorization: Bearer %KEY%\r\nX-Big: " + "b".repeat(7_000) + "\r\n\r\n", 1);
        assertThat(answer).as("answered by the route, which takes no query").startsWith("HTTP/1.1 400")
                .contains("\"code\":\"unknown_parameter\"");
    }

    @Test
    void stoppingLetsAProxyCallInFlightFinish() throws Exception {
        upstream.script(r -> Reply.ok("{\"done\":true}").after(500));
        CompletableFuture<Api.Response> inFlight = CompletableFuture.supplyAsync(() ->
                api.get(proxy + "api/v9/long").token(key).send());
        while (upstream.scripted().isEmpty()) {
            Thread.sleep(5);
        }

        server.close();

        Api.Response answer = inFlight.get(5, TimeUnit.SECONDS);
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("{\"done\":true}");
        assertThatThrownBy(() -> new Socket("127.0.0.1", server.port()).close()).isInstanceOf(IOException.class);

        server = PatchbayServer.start(TestServers.config(data, Map.of("toggl", upstream.baseUrl())));
        api = new Api(server.port());
    }

    /**
     * An API call stuck at the provider when the server stops: the listener waits the shutdown timeout (2 s here),
     * then the call is cut off; the API server does not wait again, nor fail its stop with an error.
     */
    @Test
    void aStopWithAnApiCallStuckAtTheProviderEndsAfterTheShutdownTimeoutWithoutErrors() throws Exception {
        server.close();
        server = PatchbayServer.start(TestServers.config(data, Map.of("toggl", upstream.baseUrl()),
                Map.of("PATCHBAY_PROVIDER_CALL_TIMEOUT", "60s")));
        api = new Api(server.port());
        String account = proxy.substring(0, proxy.length() - "proxy/".length());
        upstream.script(r -> Reply.ok("{}").after(30_000));
        CompletableFuture<Api.Response> stuck = CompletableFuture.supplyAsync(
                () -> api.post(account + "actions/list_tags").token(key).json(Map.of()).send());
        for (int waited = 0; upstream.scripted().isEmpty(); waited += 10) {
            assertThat(stuck).as("the action reaches the provider").isNotDone();
            assertThat(waited).as("the action reaches the provider").isLessThan(10_000);
            Thread.sleep(10);
        }

        server.close();

        assertThat(stuck).failsWithin(5, TimeUnit.SECONDS);
        assertThat(logs.lines()).noneMatch(line -> line.startsWith("io.javalin") || line.contains("Couldn't stop")
                || line.contains("Unexpected failure"));
        server = PatchbayServer.start(TestServers.config(data, Map.of("toggl", upstream.baseUrl())));
        api = new Api(server.port());
    }

    @Test
    void proxyRequestsAreCountedInTheMetricsWithTheirRoute() {
        upstream.script(r -> Reply.ok("{}"));
        api.get(proxy + "api/v9/me/x").token(key).send();

        String metrics = api.get("/metrics").send().body();

        assertThat(metrics).containsPattern("patchbay_http_requests_seconds_count\\{[^}]*method=\"GET\",[^}]*"
                + "route=\"/v1/accounts/\\{account_id}/proxy/<path>\",status=\"200\"} 1");
        assertThat(metrics).contains("patchbay_proxy_upstream_seconds_count{connector=\"toggl\",status=\"2xx\"} 1");
    }

    @Test
    void proxyCallsThatGetNoAnswerToPassOnAreTimedByHowTheyFailed() {
        upstream.script(r -> switch (r.target()) {
            case "/api/v9/slow" -> Reply.ok("{}").after(3_000);
            case "/api/v9/corrupt" -> encoded("gzip", ScriptedUpstream.TOKEN.getBytes(StandardCharsets.UTF_8));
            default -> Reply.hangUp();
        });

        assertThat(api.get(proxy + "api/v9/slow").token(key).send().status()).isEqualTo(504);
        assertThat(api.get(proxy + "api/v9/corrupt").token(key).send().status()).isEqualTo(502);
        assertThat(api.post(proxy + "api/v9/gone").token(key).json(Map.of()).send().status()).isEqualTo(502);

        String metrics = api.get("/metrics").send().body();
        assertThat(metrics).as("an outage shows as failed calls, not as no traffic")
                .contains("patchbay_proxy_upstream_seconds_count{connector=\"toggl\",status=\"timeout\"} 1")
                .contains("patchbay_proxy_upstream_seconds_count{connector=\"toggl\",status=\"invalid_answer\"} 1")
                .contains("patchbay_proxy_upstream_seconds_count{connector=\"toggl\",status=\"failed\"} 1")
                .doesNotContain("status=\"2xx\"");
    }

    @Test
    void everyRequestGetsAnAccessLineUnlessTheAccessLogIsOff() throws IOException {
        upstream.script(r -> Reply.ok("{}"));
        try (LogCapture logs = new LogCapture()) {
            api.get(proxy + "api/v9/me/a").token(key).send();
            api.get("/v1/connectors").token(key).send();
            assertThat(accessLines(logs)).anySatisfy(line -> assertThat(line).contains("GET " + proxy + "api/v9/me/a 200"))
                    .anySatisfy(line -> assertThat(line).contains("GET /v1/connectors 200"));
        }
        server.close();
        server = PatchbayServer.start(TestServers.config(data, Map.of("toggl", upstream.baseUrl()),
                Map.of("PATCHBAY_ACCESS_LOG", "false")));
        api = new Api(server.port());

        try (LogCapture logs = new LogCapture()) {
            assertThat(api.get(proxy + "api/v9/me/b").token(key).send().status()).isEqualTo(200);
            assertThat(api.get("/v1/connectors").token(key).send().status()).isEqualTo(200);
            assertThat(accessLines(logs)).isEmpty();
        }
        assertThat(api.get("/metrics").send().body()).contains("route=\"/v1/connectors\",status=\"200\"} 1");
    }

    private static List<String> accessLines(LogCapture logs) {
        return logs.lines().stream().filter(line -> line.startsWith("io.patchbay.server.access-log ")).toList();
    }

    private static String request(String method, String target) {
        return method + " " + target + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer %KEY%\r\n\r\n";
    }

    /** Writes raw bytes to the listener and reads until {@code answers} answers (by their status lines) arrived. */
    private String exchange(String raw, int answers) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write(raw.replace("%KEY%", key).getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder read = new StringBuilder();
            byte[] buffer = new byte[8192];
            while (read.toString().split("HTTP/1.1 ", -1).length - 1 < answers || !complete(read.toString())) {
                int n = in.read(buffer);
                if (n < 0) {
                    break;
                }
                read.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
            }
            return read.toString();
        }
    }

    /** Whether the last answer's body (by its Content-Length) is all there. */
    private static boolean complete(String text) {
        int head = text.lastIndexOf("HTTP/1.1 ");
        int end = text.indexOf("\r\n\r\n", head);
        if (end < 0) {
            return false;
        }
        String headers = text.substring(head, end).toLowerCase(java.util.Locale.ROOT);
        int at = headers.indexOf("content-length: ");
        int length = at < 0 ? 0 : Integer.parseInt(headers.substring(at + 16).split("\r\n")[0].strip());
        return text.length() - (end + 4) >= length;
    }
}
