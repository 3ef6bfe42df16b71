package io.patchbay.spi;

import java.util.Map;

/** Capability: tell an authentic provider webhook delivery from a forged one. */
public interface WebhookVerifier {

    /**
     * @param headers request headers, keys in lower case
     * @param body    the raw request body, exactly as received
     * @param secret  the subscription's signing secret or the integration's sign key
     * @return whether the signature matches; compared in constant time
     */
    boolean verify(Map<String, String> headers, byte[] body, String secret);
}
