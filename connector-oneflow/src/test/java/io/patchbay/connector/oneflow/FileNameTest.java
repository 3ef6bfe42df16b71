package io.patchbay.connector.oneflow;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The file name {@code download_contract_file} returns, read from Content-Disposition as RFC 6266 says. */
class FileNameTest {
    private static final Dto.File META = new Dto.File(7001L, "terms", "docx", "attachment");

    private static String name(String contentDisposition) {
        return OneflowFiles.fileName(contentDisposition, META);
    }

    @Test
    void theExtendedNameIsPercentDecodedAndPreferredOverThePlainOne() {
        assertThat(name("attachment; filename=\"Avtal - Goteborg.pdf\"; filename*=UTF-8''Avtal%20%E2%80%93%20G%C3%B6teborg.pdf"))
                .isEqualTo("Avtal – Göteborg.pdf");
        assertThat(name("attachment; filename*=UTF-8''Avtal%20%E2%80%93%20G%C3%B6teborg.pdf; filename=\"fallback.pdf\""))
                .isEqualTo("Avtal – Göteborg.pdf");
    }

    @Test
    void aLanguageTagAndOtherLetterCasesAreRead() {
        assertThat(name("attachment; FILENAME*=utf-8'sv'%C3%85rsavtal.pdf")).isEqualTo("Årsavtal.pdf");
        assertThat(name("attachment; filename*=iso-8859-1'en'%A3%20rates.pdf")).isEqualTo("£ rates.pdf");
    }

    @Test
    void aBrokenExtendedNameFallsBackToThePlainOne() {
        assertThat(name("attachment; filename*=UTF-8''bad%ZZ.pdf; filename=\"plain.pdf\"")).isEqualTo("plain.pdf");
        assertThat(name("attachment; filename*=KOI8-R''%F0.pdf; filename=plain.pdf")).isEqualTo("plain.pdf");
        assertThat(name("attachment; filename*=UTF-8''%C3.pdf")).as("not UTF-8").isEqualTo("terms.docx");
    }

    @Test
    void thePlainNameIsUnquoted() {
        assertThat(name("attachment; filename=\"say \\\"hi\\\"; now.pdf\"")).isEqualTo("say \"hi\"; now.pdf");
        assertThat(name("attachment; filename=contract.pdf")).isEqualTo("contract.pdf");
        assertThat(name("inline")).isEqualTo("terms.docx");
        assertThat(name(null)).isEqualTo("terms.docx");
    }
}
