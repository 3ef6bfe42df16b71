package io.patchbay.core.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.patchbay.core.LoggedEvents;
import io.patchbay.core.error.NotFoundException;
import io.patchbay.spi.ActionCall;
import io.patchbay.spi.ActionDefinition;
import io.patchbay.spi.ActionResult;
import io.patchbay.spi.AuthMethod;
import io.patchbay.spi.Connector;
import io.patchbay.spi.ConnectorInfo;
import io.patchbay.spi.CredentialField;
import io.patchbay.spi.CredentialSpec;
import io.patchbay.spi.Credentials;
import io.patchbay.spi.ProxyTarget;
import io.patchbay.spi.Verification;
import java.net.URI;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ConnectorCatalogTest {

    @Test
    void whatAConnectorDeclaresIsReadOnceSoOneThatFailsLaterBreaksNoListing() {
        DescribesOnce flaky = new DescribesOnce("flaky");
        DescribesOnce steady = new DescribesOnce("steady");
        ConnectorCatalog catalog = new ConnectorCatalog(List.of(steady, flaky));

        assertThat(catalog.descriptions()).extracting(ConnectorCatalog.Description::id)
                .containsExactly("flaky", "steady");
        assertThat(catalog.description("flaky").credentialSpec().defaultMethod().id()).isEqualTo("api_token");
        assertThat(catalog.action("flaky", "list_things").title()).isEqualTo("List things");
        assertThat(catalog.get("steady")).isSameAs(steady);
        assertThat(flaky.reads.get()).as("info, credentialSpec and actions, each read once").isEqualTo(3);
        assertThatThrownBy(() -> catalog.action("flaky", "nothing")).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> catalog.description("absent")).isInstanceOf(NotFoundException.class);
    }

    @Test
    void aConnectorThatCannotDescribeItselfIsLeftOutWithItsReasonAndTheOthersStay() {
        Connector broken = new DescribesOnce("broken") {
            @Override
            public List<ActionDefinition> actions() {
                throw new IllegalStateException("no actions file");
            }
        };
        LoggedEvents events = LoggedEvents.of(ConnectorCatalog.class);
        try {
            ConnectorCatalog catalog = new ConnectorCatalog(List.of(broken, new DescribesOnce("steady")));

            assertThat(catalog.descriptions()).extracting(ConnectorCatalog.Description::id).containsExactly("steady");
            assertThatThrownBy(() -> catalog.get("broken")).isInstanceOf(NotFoundException.class);
            assertThat(events.list()).singleElement().satisfies(e -> {
                assertThat(e.getLevel()).isEqualTo(Level.ERROR);
                assertThat(e.getFormattedMessage()).isEqualTo("Connector " + broken.getClass().getName()
                        + " left out of the catalog: it failed to describe itself");
                assertThat(e.getThrowableProxy().getMessage()).isEqualTo("no actions file");
            });
        } finally {
            events.close();
        }
    }

    /** Answers each of its definitions once, then fails: the catalog must not ask again. */
    private static class DescribesOnce implements Connector {
        final AtomicInteger reads = new AtomicInteger();
        private final String id;

        DescribesOnce(String id) {
            this.id = id;
        }

        private void once() {
            if (reads.incrementAndGet() > 3) {
                throw new IllegalStateException(id + " read again");
            }
        }

        @Override
        public ConnectorInfo info() {
            once();
            return new ConnectorInfo(id, id, "A connector", "1.0.0", URI.create("https://example.invalid"));
        }

        @Override
        public CredentialSpec credentialSpec() {
            once();
            return CredentialSpec.of(new AuthMethod("api_token", "API token", true,
                    List.of(CredentialField.secret("api_token", "Token", "Any value")), List.of("Paste it"),
                    List.of()));
        }

        @Override
        public List<ActionDefinition> actions() {
            once();
            return List.of(new ActionDefinition("list_things", "List things", "Lists things",
                    "{\"type\":\"object\"}", "{\"type\":\"object\"}", true));
        }

        @Override
        public Verification verify(Credentials credentials) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ActionResult invoke(ActionCall call) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ProxyTarget proxyTarget(Credentials credentials) {
            throw new UnsupportedOperationException();
        }

        @Override
        public URI baseUrl() {
            return URI.create("https://example.invalid");
        }
    }
}
