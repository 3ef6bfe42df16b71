package io.patchbay.connector.oneflow.fake;

import static org.assertj.core.api.Assertions.assertThat;

import com.squareup.moshi.Moshi;
import com.squareup.moshi.Types;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fake itself, over raw HTTP: what other modules' end-to-end tests may rely on. */
class FakeOneflowTest {
    private static FakeOneflow fake;
    private static final OkHttpClient HTTP = new OkHttpClient.Builder().followRedirects(false).build();

    @BeforeAll
    static void start() {
        fake = FakeOneflow.start();
    }

    @AfterAll
    static void stop() {
        fake.close();
        HTTP.dispatcher().executorService().shutdown();
    }

    @BeforeEach
    void reset() {
        fake.reset();
    }

    private record Answer(int status, Map<String, Object> json, Response raw) {
    }

    private Answer get(String pathAndQuery, String... headers) throws IOException {
        return send(new Request.Builder().url(fake.baseUrl() + pathAndQuery), headers);
    }

    private Answer send(Request.Builder builder, String... headers) throws IOException {
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        try (Response response = HTTP.newCall(builder.build()).execute()) {
            String body = response.body().string();
            Map<String, Object> json = body.startsWith("{") ? new Moshi.Builder().build()
                    .<Map<String, Object>>adapter(Types.newParameterizedType(Map.class, String.class, Object.class))
                    .fromJson(body) : Map.of();
            return new Answer(response.code(), json, response);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    @Test
    void pingWithAValidTokenIsAnEmptyObject() throws IOException {
        Answer answer = get("/ping", "x-oneflow-api-token", FakeOneflow.TOKEN);
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json()).isEmpty();
    }

    @Test
    void missingOrUnknownTokenIs401WithTheSharedErrorBody() throws IOException {
        for (Answer answer : List.of(get("/ping"), get("/users", "x-oneflow-api-token", FakeOneflow.REVOKED_TOKEN))) {
            assertThat(answer.status()).isEqualTo(401);
            assertThat(answer.json()).containsEntry("error_code", 4010000.0)
                    .containsEntry("detail", "The API token or the user email is invalid.")
                    .containsEntry("parameter_problems", Map.of()).containsEntry("status", 401.0)
                    .containsEntry("title", "Unauthorized")
                    .containsEntry("type", "https://api.oneflow.com/v1/error_codes/4010000")
                    .containsKey("request_id");
        }
    }

    @Test
    void headerNamesMatchWhateverTheirCaseAndEmailsExactlyUnlessTheFakeIsLenient() throws IOException {
        Answer exact = get("/workspaces", "X-Oneflow-API-Token", FakeOneflow.TOKEN,
                "X-Oneflow-User-Email", FakeOneflow.MEMBER_EMAIL);
        assertThat(exact.status()).isEqualTo(200);
        assertThat(exact.json()).containsEntry("count", 2.0);

        Answer otherCase = get("/workspaces", "x-oneflow-api-token", FakeOneflow.TOKEN,
                "x-oneflow-user-email", "MAX.MEMBER@acme.EXAMPLE");
        assertThat(otherCase.status()).isEqualTo(401);
        assertThat(otherCase.json()).containsEntry("error_code", 4010000.0);

        fake.emailsIgnoreCase(true);
        Answer lenient = get("/workspaces", "x-oneflow-api-token", FakeOneflow.TOKEN,
                "x-oneflow-user-email", "MAX.MEMBER@acme.EXAMPLE");
        assertThat(lenient.status()).isEqualTo(200);
        assertThat(lenient.json()).containsEntry("count", 2.0);
    }

    @Test
    void anUnknownOrInactiveEmailIs401LikeABadToken() throws IOException {
        for (String email : List.of("nobody@acme.example", FakeOneflow.INACTIVE_EMAIL, FakeOneflow.OTHER_ACCOUNT_EMAIL)) {
            Answer answer = get("/contracts", "x-oneflow-api-token", FakeOneflow.TOKEN, "x-oneflow-user-email", email);
            assertThat(answer.status()).as(email).isEqualTo(401);
            assertThat(answer.json()).containsEntry("error_code", 4010000.0);
        }
    }

    @Test
    void pagesCarryLinksAndTheTotalCount() throws IOException {
        Answer first = get("/users?limit=100&offset=0", "x-oneflow-api-token", FakeOneflow.TOKEN);
        Answer last = get("/users?limit=100&offset=100", "x-oneflow-api-token", FakeOneflow.TOKEN);

        Map<String, Object> links = map(first.json().get("_links"));
        assertThat(map(links.get("previous"))).containsEntry("href", null);
        assertThat(map(links.get("next")).get("href")).isEqualTo(fake.baseUrl() + "/users?limit=100&offset=100");
        assertThat(map(links.get("self")).get("href")).isEqualTo(fake.baseUrl() + "/users?limit=100&offset=0");
        assertThat(first.json()).containsEntry("count", (double) FakeOneflow.ACME_USERS);
        assertThat((List<?>) first.json().get("data")).hasSize(100);
        assertThat(map(map(last.json().get("_links")).get("next"))).containsEntry("href", null);
        assertThat(map(map(last.json().get("_links")).get("previous")).get("href"))
                .isEqualTo(fake.baseUrl() + "/users?limit=100&offset=0");
        assertThat(last.json()).containsEntry("count", (double) FakeOneflow.ACME_USERS);
        Answer beyond = get("/users?offset=19900", "x-oneflow-api-token", FakeOneflow.TOKEN);
        assertThat((List<?>) beyond.json().get("data")).isEmpty();
    }

    @Test
    void limitAndOffsetOutOfBoundsAre400WithParameterProblems() throws IOException {
        for (String query : List.of("limit=0", "limit=101", "offset=-1", "offset=19901", "limit=all&offset=x")) {
            Answer answer = get("/contracts?" + query, "x-oneflow-api-token", FakeOneflow.TOKEN);
            assertThat(answer.status()).as(query).isEqualTo(400);
            assertThat(map(answer.json().get("parameter_problems"))).as(query).isNotEmpty();
            assertThat(map(answer.json().get("parameter_problems")).keySet()).allMatch(k -> query.contains(k));
        }
    }

    @Test
    void aTrailingSlashIsTheSameEndpoint() throws IOException {
        Answer answer = get("/templates/", "x-oneflow-api-token", FakeOneflow.TOKEN);
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json()).containsEntry("count", 4.0);
    }

    @Test
    void the429BodyIsOneflowsOwn() throws IOException {
        fake.limitRequests(1, Duration.ofMinutes(5));
        assertThat(get("/ping", "x-oneflow-api-token", FakeOneflow.TOKEN).status()).isEqualTo(200);

        Answer limited = get("/ping", "x-oneflow-api-token", FakeOneflow.TOKEN);
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.json()).containsEntry("error_code", 4290000.0)
                .containsEntry("info", "https://developer.oneflow.com/reference/api-rate-limit")
                .doesNotContainKey("request_id").doesNotContainKey("type");
        assertThat(limited.raw().header("Retry-After")).isNull();
        assertThat(get("/ping", "x-oneflow-api-token", FakeOneflow.OTHER_ACCOUNT_TOKEN).status())
                .as("the limit is per token").isEqualTo(200);
    }

    @Test
    void writesWithoutTheUserEmailAreRefused() throws IOException {
        Answer answer = send(new Request.Builder().url(fake.baseUrl() + "/contracts/create")
                .post(RequestBody.create("{\"workspace_id\":396198,\"template_id\":110008}",
                        MediaType.get("application/json"))), "x-oneflow-api-token", FakeOneflow.TOKEN);
        assertThat(answer.status()).isEqualTo(400);
        assertThat(map(answer.json().get("parameter_problems"))).containsKey("x-oneflow-user-email");
        assertThat(fake.contractCount()).isEqualTo(FakeOneflow.SALES_CONTRACTS + 2);
    }

    @Test
    void participantsOneflowWouldRefuseAre400WithTheirParameterProblems() throws IOException {
        String parties = "[{\"type\":\"company\",\"name\":\"Hooli\",\"participants\":["
                + "{\"name\":\"A\",\"delivery_channel\":\"email\",\"signatory\":true},"
                + "{\"name\":\"B\",\"email\":\"b@hooli.example\",\"delivery_channel\":\"sms\"}]},"
                + "{\"type\":\"individual\",\"participant\":{\"name\":\"C\",\"email\":\"c@example.com\","
                + "\"signatory\":true,\"sign_method\":\"standard_esign\",\"_permissions\":{}}}]";
        Answer answer = send(new Request.Builder().url(fake.baseUrl() + "/contracts/create")
                .post(RequestBody.create("{\"workspace_id\":396198,\"template_id\":110008,\"parties\":" + parties
                        + "}", MediaType.get("application/json"))), "x-oneflow-api-token", FakeOneflow.TOKEN,
                "x-oneflow-user-email", FakeOneflow.ADMIN_EMAIL);

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.json()).containsEntry("error_code", 4000000.0);
        assertThat(map(answer.json().get("parameter_problems"))).containsOnlyKeys(
                "parties[0].participants[0].email", "parties[0].participants[0].sign_method",
                "parties[0].participants[0]._permissions", "parties[0].participants[1].phone_number");
        assertThat(fake.contractCount()).as("nothing was created").isEqualTo(FakeOneflow.SALES_CONTRACTS + 2);
    }

    @Test
    void unknownSortColumnsAndIdsAreRefused() throws IOException {
        assertThat(get("/contracts?sort=colour", "x-oneflow-api-token", FakeOneflow.TOKEN).status()).isEqualTo(400);
        Answer missing = get("/contracts/999", "x-oneflow-api-token", FakeOneflow.TOKEN);
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json()).containsEntry("error_code", 4040000.0);
    }

    @Test
    void contractNamesLiveInPrivateAndTimesUseColonOffsets() throws IOException {
        Answer answer = get("/contracts/" + FakeOneflow.CONTRACT_SIGNED, "x-oneflow-api-token", FakeOneflow.TOKEN);
        assertThat(answer.json()).doesNotContainKey("name");
        assertThat(map(answer.json().get("_private"))).containsEntry("name", "Mutual NDA – Globex");
        assertThat((String) answer.json().get("published_time")).isEqualTo("2024-01-09T09:00:00+00:00");
    }

    @Test
    void downloadsRedirectToASignedUrlThatNeedsNoToken() throws IOException {
        Answer redirect = get("/contracts/" + FakeOneflow.CONTRACT_SIGNED + "/files/1?download=true",
                "x-oneflow-api-token", FakeOneflow.TOKEN);
        assertThat(redirect.status()).isEqualTo(302);
        String location = redirect.raw().header("Location");
        assertThat(location).contains("/__files/" + FakeOneflow.CONTRACT_SIGNED + "/1?signature=");

        try (Response file = HTTP.newCall(new Request.Builder().url(location).build()).execute()) {
            assertThat(file.code()).isEqualTo(200);
            assertThat(file.header("Content-Type")).isEqualTo("application/pdf");
            assertThat(file.body().bytes()).isEqualTo(fake.fileBytes(FakeOneflow.CONTRACT_SIGNED, 1));
        }
        try (Response forged = HTTP.newCall(new Request.Builder().url(location.replaceAll("signature=.*",
                "signature=forged")).build()).execute()) {
            assertThat(forged.code()).isEqualTo(403);
        }
        Answer meta = get("/contracts/" + FakeOneflow.CONTRACT_SIGNED + "/files/7001", "x-oneflow-api-token",
                FakeOneflow.TOKEN);
        assertThat(meta.json()).containsEntry("name", "terms.docx").containsEntry("type", "attachment");
    }

    @Test
    void everyRequestIsRecordedAndResetForgetsEverything() throws IOException {
        send(new Request.Builder().url(fake.baseUrl() + "/contracts/" + FakeOneflow.CONTRACT_DRAFT
                        + "/data_fields/c::counterparty_name")
                .put(RequestBody.create("{\"value\":\"Initech LLC\"}", MediaType.get("application/json"))),
                "x-oneflow-api-token", FakeOneflow.TOKEN, "x-oneflow-user-email", FakeOneflow.ADMIN_EMAIL);

        RecordedCall call = fake.requests().get(0);
        assertThat(call.method()).isEqualTo("PUT");
        assertThat(call.apiPath()).isEqualTo("/contracts/" + FakeOneflow.CONTRACT_DRAFT + "/data_fields/c::counterparty_name");
        assertThat(call.json()).isEqualTo(Map.of("value", "Initech LLC"));
        assertThat(call.header("X-ONEFLOW-USER-EMAIL")).isEqualTo(FakeOneflow.ADMIN_EMAIL);
        assertThat(call.toString()).doesNotContain(FakeOneflow.TOKEN);
        assertThat(fake.dataFieldValue(FakeOneflow.CONTRACT_DRAFT, "counterparty_name")).contains("Initech LLC");

        fake.reset();
        assertThat(fake.requests()).isEmpty();
        assertThat(fake.dataFieldValue(FakeOneflow.CONTRACT_DRAFT, "counterparty_name")).contains("");
    }
}
