package io.patchbay.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.connector.toggl.fake.FakeToggl;
import io.patchbay.connector.toggl.fake.Fault;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What an operator sees of the server's work: the metrics at {@code GET /metrics}, the access lines. */
class ObservabilityTest extends ServerWithFakeTogglTest {
    private static final String STUDIO = Long.toString(FakeToggl.WS_STUDIO);

    @Override
    String tenantPrefix() {
        return "observe-";
    }

    private Api.Response link(Map<String, Object> credentials, String workspace) {
        Map<String, Object> body = new LinkedHashMap<>(Map.of("connector_id", "toggl", "credentials", credentials,
                "owner_id", "u-observe"));
        if (workspace != null) {
            body.put("workspace_id", workspace);
        }
        return api.post("/v1/accounts").token(key).json(body).send();
    }

    private String metrics() {
        Api.Response metrics = api.get("/metrics").send();
        assertThat(metrics.status()).isEqualTo(200);
        return metrics.body();
    }

    private static double count(String metrics, String series) {
        return metrics.lines().filter(line -> line.startsWith(series + " "))
                .mapToDouble(line -> Double.parseDouble(line.substring(series.length() + 1)))
                .findFirst().orElse(0);
    }

    @Test
    void everyConnectorCallIsTimedByConnectorOperationAndOutcome() {
        String calls = "patchbay_connector_calls_seconds_count{connector=\"toggl\",operation=\"%s\",outcome=\"%s\"}";
        String before = metrics();

        assertThat(link(Map.of("api_token", FakeToggl.UNKNOWN_TOKEN), null).status()).isEqualTo(422);
        Api.Response linked = link(Map.of("api_token", FakeToggl.ALICE.apiToken()), STUDIO);
        assertThat(linked.status()).as(linked.toString()).isEqualTo(201);
        String id = linked.string("account.id");
        assertThat(api.post("/v1/accounts/" + id + "/actions/list_projects").token(key).send().status())
                .isEqualTo(200);
        toggl.enqueue(Fault.unavailable(), 20);
        Api.Response down = api.post("/v1/accounts/" + id + "/actions/list_projects").token(key).send();
        assertThat(down.status()).as(down.toString()).isEqualTo(502);
        toggl.reset();
        assertThat(api.post("/v1/accounts/" + id + "/actions/no_such_action").token(key).send().status())
                .isEqualTo(404);

        String after = metrics();
        assertThat(after).contains("# HELP patchbay_connector_calls_seconds ");
        assertThat(count(after, calls.formatted("verify", "invalid_credentials"))
                - count(before, calls.formatted("verify", "invalid_credentials"))).isEqualTo(1);
        assertThat(count(after, calls.formatted("verify", "ok")) - count(before, calls.formatted("verify", "ok")))
                .isEqualTo(1);
        assertThat(count(after, calls.formatted("action:list_projects", "ok"))
                - count(before, calls.formatted("action:list_projects", "ok"))).isEqualTo(1);
        assertThat(count(after, calls.formatted("action:list_projects", "provider_unavailable"))
                - count(before, calls.formatted("action:list_projects", "provider_unavailable"))).isEqualTo(1);
        assertThat(after).as("an action the connector does not declare never becomes a label")
                .doesNotContain("no_such_action");
    }

    /** {@code key} with each character of {@code encoded} percent-encoded, in upper or lower case hex. */
    static String encoded(String key, String encoded, boolean lower) {
        StringBuilder path = new StringBuilder();
        for (char c : key.toCharArray()) {
            String hex = String.format(lower ? "%%%02x" : "%%%02X", (int) c);
            path.append(encoded.indexOf(c) >= 0 ? hex : String.valueOf(c));
        }
        return path.toString();
    }

    @Test
    void anApiKeySentInThePathIsMaskedInTheAccessLineInWhateverEncoding() {
        String secretPart = key.substring("pb_sk_".length());
        List<String> forms = List.of(encoded(key, "_", false), encoded(key, "_", true),
                encoded(key, "pb_sk" + secretPart.substring(0, 3), false),
                key.substring(0, 10) + encoded(key.substring(10), secretPart.substring(5, 9), true),
                key.replace("_", "%255F"));
        try (LogCapture logs = new LogCapture()) {
            for (String form : forms) {
                assertThat(api.get("/v1/accounts/" + form).token(key).send().status()).as(form).isEqualTo(404);
            }

            List<String> access = logs.lines().stream().filter(line -> line.startsWith("io.patchbay.server.access-log"))
                    .filter(line -> line.contains("GET /v1/accounts/")).toList();
            assertThat(access).hasSize(forms.size()).allSatisfy(line -> assertThat(line)
                    .contains("GET /v1/accounts/pb_sk_**** 404 ")
                    .doesNotContain(secretPart.substring(0, 8)).doesNotContain(secretPart.substring(24)));
        }
    }

    @Test
    void everyPatchbayMetricFamilyDescribesItself() {
        Api.Response linked = link(Map.of("api_token", FakeToggl.ALICE.apiToken()), STUDIO);
        assertThat(linked.status()).as(linked.toString()).isEqualTo(201);
        assertThat(api.get("/v1/accounts/" + linked.string("account.id") + "/proxy/api/v9/me").token(key).send()
                .status()).isEqualTo(200);

        List<String> help = metrics().lines().filter(line -> line.startsWith("# HELP patchbay_")).toList();

        assertThat(help).extracting(line -> line.split(" ")[2]).contains("patchbay_http_requests_seconds",
                "patchbay_http_requests_seconds_max", "patchbay_proxy_upstream_seconds",
                "patchbay_proxy_upstream_seconds_max", "patchbay_connector_calls_seconds",
                "patchbay_connector_calls_seconds_max");
        assertThat(help).allSatisfy(line -> assertThat(line.split(" ", 4)).as(line).hasSize(4)
                .satisfies(parts -> assertThat(parts[3]).isNotBlank()));
    }

    @Test
    void aRequestRefusedBeforeItsRouteRanKeepsTheRouteLabelOfItsPath() {
        String requests = "patchbay_http_requests_seconds_count{method=\"%s\",route=\"%s\",status=\"%s\"}";
        String before = metrics();

        assertThat(api.sendBytes("GET", "/v1/accounts?cursor=%ZZ", Map.of("Authorization", "Bearer " + key),
                StandardCharsets.US_ASCII).status()).isEqualTo(400);
        assertThat(api.delete("/health").send().status()).isEqualTo(405);
        assertThat(api.get("/v1/nowhere/pb_sk_notakey").send().status()).isEqualTo(404);

        String after = metrics();
        assertThat(count(after, requests.formatted("GET", "/v1/accounts", "400"))
                - count(before, requests.formatted("GET", "/v1/accounts", "400"))).isEqualTo(1);
        assertThat(count(after, requests.formatted("DELETE", "/health", "405"))
                - count(before, requests.formatted("DELETE", "/health", "405"))).isEqualTo(1);
        assertThat(count(after, requests.formatted("GET", "unmatched", "404"))
                - count(before, requests.formatted("GET", "unmatched", "404"))).as("a path no route has").isEqualTo(1);
        assertThat(after).doesNotContain("nowhere");
    }
}
