package io.patchbay.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.connector.toggl.fake.FakeToggl;
import java.util.ArrayList;
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
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            List<Future<Api.Response>> answers = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
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
        assertThat(after.at("version")).isEqualTo(20.0);
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
}
