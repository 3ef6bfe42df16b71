package io.patchbay.connector.oneflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patchbay.connector.oneflow.fake.FakeOneflow;
import io.patchbay.connector.oneflow.fake.RecordedCall;
import io.patchbay.spi.ActionCall;
import io.patchbay.spi.Connector;
import io.patchbay.spi.FieldError;
import io.patchbay.spi.ProviderRejected;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DownloadTest extends FakeServerTest {

    @Test
    void contractPdfIsDownloadedThroughTheRedirectAndReturnedAsBase64() {
        Map<String, Object> out = map(invoke(ADMIN, "download_contract_file", Map.of("contract_id",
                FakeOneflow.CONTRACT_SIGNED)));

        byte[] expected = fake.fileBytes(FakeOneflow.CONTRACT_SIGNED, 1);
        assertThat(Base64.getDecoder().decode((String) out.get("content_base64"))).isEqualTo(expected);
        assertThat(out).containsEntry("file_name", "contract.pdf").containsEntry("content_type", "application/pdf")
                .containsEntry("file_type", "contract").containsEntry("size", (long) expected.length)
                .containsEntry("file_id", 1L).containsEntry("contract_id", FakeOneflow.CONTRACT_SIGNED);

        List<RecordedCall> calls = fake.requests();
        assertThat(calls).extracting(RecordedCall::apiPath).containsExactly(
                "/contracts/" + FakeOneflow.CONTRACT_SIGNED + "/files",
                "/contracts/" + FakeOneflow.CONTRACT_SIGNED + "/files/1",
                "/__files/" + FakeOneflow.CONTRACT_SIGNED + "/1");
        RecordedCall download = calls.get(1);
        assertThat(download.query()).isEqualTo(Map.of("download", "true"));
        assertThat(download.header("accept")).isEqualTo("binary/octet-stream");
        assertThat(download.header("x-oneflow-api-token")).isEqualTo(FakeOneflow.TOKEN);
        assertThat(download.header("x-oneflow-user-email")).isEqualTo(FakeOneflow.ADMIN_EMAIL);
        // Same origin as the API: Oneflow's own connector re-sends its headers to the Location.
        assertThat(calls.get(2).header("x-oneflow-api-token")).isEqualTo(FakeOneflow.TOKEN);
        assertThat(calls.get(2).query()).containsKey("signature");
    }

    @Test
    void aRedirectToAnotherHostGetsNoOneflowHeaders() {
        fake.redirectDownloadsToHost("localhost");

        Map<String, Object> out = map(invoke(ADMIN, "download_contract_file", Map.of("contract_id",
                FakeOneflow.CONTRACT_SIGNED, "file_id", 7001)));

        RecordedCall file = fake.requests().get(2);
        assertThat(file.apiPath()).isEqualTo("/__files/" + FakeOneflow.CONTRACT_SIGNED + "/7001");
        assertThat(file.header("host")).startsWith("localhost:");
        assertThat(file.header("x-oneflow-api-token")).isNull();
        assertThat(file.header("x-oneflow-user-email")).isNull();
        assertThat(out).containsEntry("file_name", "terms.docx").containsEntry("content_type",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
        assertThat(Base64.getDecoder().decode((String) out.get("content_base64")))
                .isEqualTo(fake.fileBytes(FakeOneflow.CONTRACT_SIGNED, 7001));
    }

    @Test
    void aFileHostsRefusalIsADownloadFailureNotAnOneflowError() {
        fake.redirectDownloadsToHost("localhost").fileHostAnswers(403);

        assertThatThrownBy(() -> invoke(ADMIN, "download_contract_file", Map.of("contract_id",
                FakeOneflow.CONTRACT_SIGNED)))
                .isInstanceOfSatisfying(io.patchbay.spi.ProviderUnavailable.class, e -> {
                    assertThat(e.code()).isEqualTo("download_failed");
                    assertThat(e.getMessage()).contains("file host localhost answered HTTP 403")
                            .contains("may have expired").doesNotContain("signature");
                });

        fake.reset();
        fake.redirectDownloadsToHost("localhost").fileHostAnswers(401);
        assertThatThrownBy(() -> invoke(ADMIN, "download_contract_file", Map.of("contract_id",
                FakeOneflow.CONTRACT_SIGNED)))
                .isInstanceOfSatisfying(io.patchbay.spi.ProviderUnavailable.class, e -> assertThat(e.getMessage())
                        .contains("file host localhost answered HTTP 401"));
        // Retried as a whole: a fresh link from Oneflow may work.
        assertThat(fake.requests()).filteredOn(c -> c.apiPath().startsWith("/__files/")).hasSize(3);

        // A busy file host may answer the next try.
        fake.reset();
        fake.redirectDownloadsToHost("localhost").fileHostAnswers(429);
        assertThatThrownBy(() -> invoke(ADMIN, "download_contract_file", Map.of("contract_id",
                FakeOneflow.CONTRACT_SIGNED)))
                .isInstanceOfSatisfying(io.patchbay.spi.ProviderUnavailable.class, e ->
                        assertThat(e.code()).isEqualTo("download_failed"));
        assertThat(fake.requests()).filteredOn(c -> c.apiPath().startsWith("/__files/")).hasSize(3);

        // A file the host does not have is not there on the next link either: asked once.
        fake.reset();
        fake.redirectDownloadsToHost("localhost").fileHostAnswers(404);
        assertThatThrownBy(() -> invoke(ADMIN, "download_contract_file", Map.of("contract_id",
                FakeOneflow.CONTRACT_SIGNED)))
                .isInstanceOfSatisfying(ProviderRejected.class, e -> {
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.code()).isEqualTo("download_refused");
                    assertThat(e.getMessage()).contains("file host localhost answered HTTP 404");
                });
        assertThat(fake.requests()).filteredOn(c -> c.apiPath().startsWith("/__files/")).hasSize(1);
    }

    @Test
    void unknownFileIsNotFoundOnTheFileIdField() {
        assertThatThrownBy(() -> invoke(ADMIN, "download_contract_file", Map.of("contract_id",
                FakeOneflow.CONTRACT_DRAFT, "file_id", 2)))
                .isInstanceOfSatisfying(ProviderRejected.class, e -> {
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.code()).isEqualTo("file_not_found");
                    assertThat(e.fieldErrors()).extracting(FieldError::field).containsExactly("file_id");
                });
        assertThat(fake.requests()).extracting(RecordedCall::apiPath)
                .containsExactly("/contracts/" + FakeOneflow.CONTRACT_DRAFT + "/files");
    }

    @Test
    void aFileLargerThanTheConfiguredLimitIsRefused() {
        Map<String, String> settings = new HashMap<>(TestContexts.FAST_RETRIES);
        settings.put("max_download_bytes", "10");
        try (Connector small = new OneflowConnectorFactory().create(TestContexts.fast(fake.baseUrl())
                .withSettings(settings))) {
            assertThatThrownBy(() -> small.invoke(new ActionCall("download_contract_file", ADMIN, Optional.empty(),
                    Map.of("contract_id", FakeOneflow.CONTRACT_SIGNED))))
                    .isInstanceOfSatisfying(io.patchbay.spi.InputRejected.class, e -> {
                        // The limit is Patchbay's: Oneflow answered 200, so no provider status is made up.
                        assertThat(e.code()).isEqualTo("file_too_large");
                        assertThat(e.fieldErrors()).extracting(FieldError::field).containsExactly("file_id");
                    });
        }
    }

    @Test
    void aFailedDownloadIsRetriedAsAWhole() {
        fake.failNext(503, 2);

        Map<String, Object> out = map(invoke(ADMIN, "download_contract_file", Map.of("contract_id",
                FakeOneflow.CONTRACT_SIGNED)));

        assertThat(out.get("size")).isEqualTo((long) fake.fileBytes(FakeOneflow.CONTRACT_SIGNED, 1).length);
        assertThat(fake.requests("GET", "/contracts/" + FakeOneflow.CONTRACT_SIGNED + "/files")).hasSize(3);
    }
}
