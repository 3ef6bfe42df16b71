package io.patchbay.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConnectorContextTest {

    @Test
    void toStringShowsSettingKeysButNoValueAndNoCredentialsInTheBaseUrl() {
        ConnectorContext context = ConnectorContext.defaults("acme")
                .withSettings(Map.of("client_secret", "s3cr3t-value", "region", "eu"))
                .withBaseUrl(URI.create("https://proxyuser:proxy-pass@api.acme.test:8443/v2?key=query-token"));

        assertThat(context.toString())
                .contains("client_secret").contains("region")
                .contains("https://api.acme.test:8443/v2")
                .doesNotContain("s3cr3t-value").doesNotContain("eu]").doesNotContain("=eu")
                .doesNotContain("proxy-pass").doesNotContain("query-token");
        assertThat(ConnectorContext.defaults("acme").toString()).contains("baseUrlOverride=none");
    }
}
