package io.patchbay.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A key or session token sent where an id or a name goes is never repeated by the problem that answers it. */
class ProblemMaskingTest extends ServerWithFakeTogglTest {
    private static final String SESSION_TOKEN = "pb_cs_" + "Q7r2Xk9mW4p1Zt8Lc3Vn6Bh5Jd0Fs2Gy";

    @Override
    String tenantPrefix() {
        return "problem-masking-";
    }

    @Test
    void aKeyOrSessionTokenInThePathIsMaskedInTheProblemsDetailAndInstance() {
        String secretPart = key.substring("pb_sk_".length());
        for (String id : List.of(key, ObservabilityTest.encoded(key, "_", false),
                ObservabilityTest.encoded(key, "_" + secretPart.substring(0, 4), true))) {
            Api.Response missing = api.get("/v1/accounts/" + id).token(key).send();

            assertThat(missing.status()).as(id).isEqualTo(404);
            assertThat(missing.string("detail")).as(id).contains("pb_sk_****");
            assertThat(missing.string("instance")).as(id).isEqualTo("/v1/accounts/pb_sk_****");
            assertThat(missing.body()).as(id).doesNotContain(secretPart.substring(0, 8))
                    .doesNotContain(secretPart.substring(24));
        }

        Api.Response session = api.get("/v1/accounts/" + SESSION_TOKEN).token(key).send();
        assertThat(session.status()).isEqualTo(404);
        assertThat(session.string("instance")).isEqualTo("/v1/accounts/pb_cs_****");
        assertThat(session.body()).doesNotContain(SESSION_TOKEN.substring(6));
    }

    @Test
    void aKeySentAsAQueryParameterIsMaskedInTheErrorNamingIt() {
        String secretPart = key.substring("pb_sk_".length());

        Api.Response unknown = api.get("/v1/accounts?" + key + "=1").token(key).send();

        assertThat(unknown.status()).as(unknown.toString()).isEqualTo(400);
        assertThat(unknown.errorFields()).containsExactly("pb_sk_****");
        assertThat(unknown.body()).doesNotContain(secretPart.substring(0, 8)).doesNotContain(secretPart.substring(24));
    }
}
