package io.patchbay.spi;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The forms writers give a secret, so masking finds it whichever wrote it back. */
class SecretFormsTest {
    @Test
    void aTokenOfLettersAndDigitsHasOnlyItsOwnForm() {
        assertThat(SecretForms.of("a1b2c3d4e5f60718293a4b5c6d7e8f90"))
                .containsExactly("a1b2c3d4e5f60718293a4b5c6d7e8f90");
    }

    @Test
    void base64PaddingAsHtmlSafeJsonWritersAndUrlsWriteIt() {
        assertThat(SecretForms.of("dG9rZW4/Pz8+Pg=="))
                .startsWith("dG9rZW4/Pz8+Pg==")
                .contains("dG9rZW4/Pz8+Pg\\u003d\\u003d", "dG9rZW4/Pz8+Pg\\u003D\\u003D", // Gson
                        "dG9rZW4\\/Pz8+Pg==", "dG9rZW4\\/Pz8+Pg\\u003d\\u003d", // PHP
                        "dG9rZW4%2FPz8%2BPg%3D%3D", "dG9rZW4%2fPz8%2bPg%3d%3d"); // a URL, either case
    }

    @Test
    void quotesBackslashesAndNonAsciiCharactersAsJsonWritersEscapeThem() {
        assertThat(SecretForms.of("pa\"ss\\wörd<1>"))
                .contains("pa\\\"ss\\\\wörd<1>", // every writer: quote and backslash
                        "pa\\\"ss\\\\w\\u00f6rd<1>", "pa\\\"ss\\\\w\\u00F6rd<1>", // ASCII-only writers
                        "pa\\\"ss\\\\wörd\\u003c1\\u003e", // HTML-safe writers (Go, Gson)
                        "pa%22ss%5Cw%C3%B6rd%3C1%3E", "pa%22ss%5Cw%C3%B6rd%3C1%3E".toLowerCase());
    }

    @Test
    void goEscapesAnAmpersandButNotAnEqualsSign() {
        assertThat(SecretForms.of("key&sig=0123abcd")).contains("key\\u0026sig=0123abcd",
                "key\\u0026sig\\u003d0123abcd");
    }

    @Test
    void javaScriptsEncodeUriComponentKeepsSomeCharactersOthersEscape() {
        assertThat(SecretForms.of("p@ss word!(x)")).contains("p%40ss%20word!(x)", "p%40ss+word%21%28x%29");
    }

    @Test
    void aSpaceAsAFormAndAsAPathWriteIt() {
        assertThat(SecretForms.of("Token k3y-0f-the-account")).contains("Token+k3y-0f-the-account",
                "Token%20k3y-0f-the-account");
    }
}
