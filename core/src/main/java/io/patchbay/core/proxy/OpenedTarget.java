package io.patchbay.core.proxy;

import io.patchbay.core.account.AccountVault;
import io.patchbay.core.account.LinkedAccount;
import io.patchbay.core.catalog.CallSecrets;
import io.patchbay.core.catalog.ConnectorCatalog;
import io.patchbay.spi.Connector;
import io.patchbay.spi.Credentials;
import io.patchbay.spi.ProxyTarget;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * What a proxy request for one account needs: where it goes and with which headers ({@link ProxyTarget}), and
 * which secret values to mask in the answer. {@link #toString()} shows no secret.
 */
public record OpenedTarget(LinkedAccount account, ProxyTarget target, SecretMasking.Secrets secrets) {
    public OpenedTarget {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(secrets, "secrets");
    }

    /**
     * Opens the account's sealed credentials and asks its connector for the target. The caller has checked that
     * the viewer may see the account.
     */
    public static OpenedTarget open(ConnectorCatalog catalog, AccountVault vault, LinkedAccount account) {
        Connector connector = catalog.get(account.connectorId());
        Credentials credentials = vault.open(account);
        List<String> secretFields = CallSecrets.of(connector, credentials);
        ProxyTarget target = CallSecrets.during(secretFields, () -> connector.proxyTarget(credentials));
        // The secret fields, and the headers made from them (an echoing provider would show "Basic <base64>"); a
        // header the connector declares not secret, such as a user's email, is data that answers must keep.
        List<String> values = Stream.concat(secretFields.stream(),
                        target.headers().entrySet().stream()
                                .filter(h -> !target.nonSecretHeaders().contains(h.getKey().toLowerCase(Locale.ROOT)))
                                .map(Map.Entry::getValue))
                .filter(value -> value.length() >= CallSecrets.MIN_LENGTH)
                .map(SecretMasking::latin1View)
                .distinct()
                .toList();
        List<String> jsonFields = target.secretJsonFields().stream()
                .map(name -> SecretMasking.latin1View('"' + name + '"'))
                .sorted()
                .toList();
        return new OpenedTarget(account, target, new SecretMasking.Secrets(values, jsonFields));
    }

    /** The same target for a newer read of the same account version (its labels, say, may differ). */
    public OpenedTarget withAccount(LinkedAccount current) {
        return current == account ? this : new OpenedTarget(current, target, secrets);
    }

    @Override
    public String toString() {
        return "OpenedTarget[account=" + account.id() + ", target=" + target + ", secrets=" + secrets + "]";
    }
}
