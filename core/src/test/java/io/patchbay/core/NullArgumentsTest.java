package io.patchbay.core;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patchbay.core.account.Page;
import io.patchbay.core.account.Viewer;
import io.patchbay.core.catalog.ConnectorCatalog;
import io.patchbay.core.plugin.ConnectorSource;
import io.patchbay.core.proxy.ProxyRequest;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A missing argument is named in the exception, so an embedder sees which one without a debugger. */
class NullArgumentsTest {

    @Test
    void buildersAndRecordsNameTheMissingArgument() {
        assertThatThrownBy(() -> Viewer.endUser("t", null, null)).hasMessage("ownerId");
        assertThatThrownBy(() -> new Page<String>(null, Optional.empty())).hasMessage("items");
        assertThatThrownBy(() -> Hub.builder().connectors(null)).hasMessage("connectors");
        assertThatThrownBy(() -> new ConnectorCatalog(null)).hasMessage("connectors");
        assertThatThrownBy(() -> new ConnectorSource(null, Optional.empty())).hasMessage("kind");
        assertThatThrownBy(() -> new HubModule(null, java.time.Clock.systemUTC())).hasMessage("connectors");
    }

    @Test
    void proxyRequestsNameTheMissingPart() {
        ProxyRequest request = ProxyRequest.of("GET", "me");
        assertThatThrownBy(() -> request.withQuery(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("rawQuery");
        assertThatThrownBy(() -> request.withHeader(null, "v")).hasMessage("name");
        assertThatThrownBy(() -> request.withHeader("Accept", null)).hasMessage("value");
        assertThatThrownBy(() -> request.withBody(null)).hasMessage("body");
        assertThatThrownBy(() -> request.withJson(null)).hasMessage("json");
    }
}
