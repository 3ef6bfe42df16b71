package io.patchbay.connector.oneflow.fake;

import java.util.List;
import java.util.Objects;

/**
 * What the fake did to deliver one webhook: the body it sent on every attempt (the same bytes, so the same
 * {@code callback_id}), and the status code of each attempt; a connection failure counts as status 0.
 */
public record WebhookDelivery(String callbackId, byte[] body, List<Integer> statuses) {
    public WebhookDelivery {
        Objects.requireNonNull(callbackId, "callbackId");
        Objects.requireNonNull(body, "body");
        statuses = List.copyOf(statuses);
    }

    public boolean delivered() {
        return !statuses.isEmpty() && statuses.get(statuses.size() - 1) == 200;
    }
}
