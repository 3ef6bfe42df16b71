package io.patchbay.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConnectorSettingsTest {

    @Test
    void aValueThatDoesNotParseIsNamedByItsKeyAndWhatWasExpectedNeverShown() {
        ConnectorSettings settings = ConnectorSettings.read("acme", Map.of("signing_key", "s3cr3t-value"),
                Set.of("signing_key"));

        assertThatThrownBy(() -> settings.get("signing_key", Integer::parseInt, 0, "a whole number"))
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertThat(e.toString()).doesNotContain("s3cr3t-value"))
                .hasMessageContaining("Connector acme setting signing_key must be a whole number")
                .as("the parser's exception quotes the value").hasNoCause();
    }

    @Test
    void aValueThatParsesIsReturnedAndAMissingOneFallsBack() {
        ConnectorSettings settings = ConnectorSettings.read("acme", Map.of("Retry-Max", " 3 "), Set.of("retry_max",
                "timeout"));

        assertThat(settings.get("retry_max", Integer::parseInt, 0, "a whole number")).isEqualTo(3);
        assertThat(settings.get("timeout", Integer::parseInt, 7, "a whole number")).isEqualTo(7);
    }
}
