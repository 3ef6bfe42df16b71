package io.patchbay.server.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

class OriginTest {
    @Test
    void theHostHeaderNamesThePortOnlyWhenItIsNotTheSchemesOwn() {
        assertThat(Origin.of(URI.create("https://API.track.toggl.com/api/v9")).hostHeader())
                .isEqualTo("api.track.toggl.com");
        assertThat(Origin.of(URI.create("http://127.0.0.1:8081/x")).hostHeader()).isEqualTo("127.0.0.1:8081");
    }

    @Test
    void anIpv6LiteralIsBracketedOnceInTheHostHeaderAndBareAsTheHost() {
        Origin origin = Origin.of(URI.create("http://[::1]:19299/api"));
        assertThat(origin.host()).isEqualTo("::1");
        assertThat(origin.hostHeader()).isEqualTo("[::1]:19299");
        assertThat(Origin.of(URI.create("https://[2001:DB8::1]/")).hostHeader()).isEqualTo("[2001:db8::1]");
    }
}
