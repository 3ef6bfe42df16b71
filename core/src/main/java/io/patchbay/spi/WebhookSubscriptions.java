package io.patchbay.spi;

import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Capability: manage provider-side webhook subscriptions. Deliveries are checked by {@link WebhookVerifier}. */
public interface WebhookSubscriptions {

    Subscription create(Credentials credentials, String workspaceId, URI callbackUrl, List<String> events,
                        String description);

    List<Subscription> list(Credentials credentials, String workspaceId);

    void delete(Credentials credentials, String workspaceId, String subscriptionId);

    /**
     * @param id      provider id of the subscription
     * @param secret  the signing secret the provider issued, when it issues one per subscription
     * @param enabled whether the provider delivers to it
     */
    record Subscription(String id, String workspaceId, URI callbackUrl, List<String> events, boolean enabled,
                        Optional<String> secret) {
        public Subscription {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(workspaceId, "workspaceId");
            Objects.requireNonNull(callbackUrl, "callbackUrl");
            events = List.copyOf(events);
            Objects.requireNonNull(secret, "secret");
        }

        @Override
        public String toString() {
            return "Subscription[id=" + id + ", workspaceId=" + workspaceId + ", callbackUrl=" + callbackUrl
                    + ", events=" + events + ", enabled=" + enabled + "]";
        }
    }
}
