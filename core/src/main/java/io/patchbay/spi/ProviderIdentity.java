package io.patchbay.spi;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Who the credentials belong to at the provider.
 *
 * @param id          the provider's stable user id (Oneflow: the user id within the account)
 * @param email       the user's email when the provider tells it
 * @param displayName the user's name for display
 * @param accountId   the provider-side account/organization the identity belongs to, when there is one
 * @param attributes  extra, non-secret provider facts (timezone, account name, ...)
 */
public record ProviderIdentity(String id, Optional<String> email, String displayName, Optional<String> accountId,
                               Map<String, String> attributes) {
    public ProviderIdentity {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(displayName, "displayName");
        Objects.requireNonNull(accountId, "accountId");
        attributes = Map.copyOf(attributes);
    }
}
