package io.patchbay.core.proxy;

import io.patchbay.core.account.AccountVault;
import io.patchbay.core.account.LinkedAccount;
import io.patchbay.core.catalog.CallSecrets;
import io.patchbay.core.catalog.ConnectorCalls;
import io.patchbay.core.catalog.ConnectorCatalog;
import io.patchbay.core.error.ConnectorFaultException;
import io.patchbay.spi.Connector;
import io.patchbay.spi.Credentials;
import io.patchbay.spi.ProxyTarget;
import io.patchbay.spi.SecretForms;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a proxy request for one account needs: where it goes and with which headers ({@link ProxyTarget}), and
 * which secret values to mask in the answer. {@link #toString()} shows no secret.
 */
public record OpenedTarget(LinkedAccount account, ProxyTarget target, SecretMasking.Secrets secrets) {
    private static final Logger LOG = LoggerFactory.getLogger(OpenedTarget.class);

    public OpenedTarget {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(secrets, "secrets");
    }

    /**
     * Opens the account's sealed credentials and asks its connector for the target, as a connector call: under the
     * hub's deadline (a connector that fetches a token first cannot hold the caller forever), with the connector's
     * own class loader and its secrets masked in logs. The caller has checked that the viewer may see the account.
     *
     * @throws ConnectorFaultException {@link ConnectorFaultException#PROXY_TARGET_INVALID} when the connector names a
     *                                 target outside its own base URL's origin (logged)
     */
    public static OpenedTarget open(ConnectorCatalog catalog, AccountVault vault, ConnectorCalls calls,
                                    LinkedAccount account) {
        return open(catalog, vault, calls, account, calls.deadline());
    }

    /** As the other {@code open}, within what is left of a deadline taken before (a request's whole deadline). */
    public static OpenedTarget open(ConnectorCatalog catalog, AccountVault vault, ConnectorCalls calls,
                                    LinkedAccount account, ConnectorCalls.Deadline deadline) {
        Objects.requireNonNull(deadline, "deadline");
        Connector connector = catalog.get(account.connectorId());
        Credentials credentials = vault.open(account);
        List<String> secretFields = CallSecrets.of(connector, credentials);
        ProxyTarget target = calls.call(connector, secretFields, "proxy_target", deadline, () -> {
            ProxyTarget asked = connector.proxyTarget(credentials);
            if (asked != null) {
                refuseOtherOrigin(connector.info().id(), asked.baseUrl(), connector.baseUrl());
            }
            return asked;
        });
        List<String> values = secretValues(secretFields, target.headers(), target.nonSecretHeaders());
        List<String> jsonFields = target.secretJsonFields().stream()
                .map(name -> SecretMasking.latin1View('"' + name + '"'))
                .sorted()
                .toList();
        return new OpenedTarget(account, target, new SecretMasking.Secrets(values, jsonFields));
    }

    /**
     * The account's credentials go only to the connector's own base URL (its provider's, or the operator's
     * override): a target on another scheme, host or port is the connector's fault, refused before anything is sent.
     */
    static void refuseOtherOrigin(String connectorId, URI target, URI baseUrl) {
        String asked = origin(target);
        String own = baseUrl == null ? "none" : origin(baseUrl);
        if (!asked.equals(own)) {
            LOG.error("Connector '{}' named proxy target origin {} but its base URL's origin is {}: the request was "
                    + "refused, nothing sent", connectorId, asked, own);
            throw new ConnectorFaultException(ConnectorFaultException.PROXY_TARGET_INVALID, connectorId,
                    "Connector '" + connectorId + "' named a proxy target outside its own base URL; the request was "
                            + "refused and nothing was sent to the provider. The connector is faulty: see the log", null);
        }
    }

    /** Scheme, host and port, the port spelt out even when it is the scheme's default; nothing else of the URL. */
    static String origin(URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        String host = url.getHost() == null ? "" : url.getHost().toLowerCase(Locale.ROOT);
        int port = url.getPort() >= 0 ? url.getPort() : scheme.equals("https") ? 443 : scheme.equals("http") ? 80 : -1;
        return scheme + "://" + host + ":" + port;
    }

    /**
     * What answers must not show: the secret fields, and the headers made from them (an echoing provider would show
     * "Basic <base64>", or only its credentials); a header the connector declares not secret, such as a user's
     * email, is data that answers must keep. Each also in the {@link SecretForms forms} JSON writers and URLs give
     * it. Values shorter than {@link CallSecrets#MIN_LENGTH} would mask ordinary words.
     */
    static List<String> secretValues(List<String> secretFields, Map<String, String> headers,
                                     Set<String> nonSecretHeaders) {
        List<String> values = Stream.concat(secretFields.stream(), headers.entrySet().stream()
                        .filter(h -> !nonSecretHeaders.contains(h.getKey().toLowerCase(Locale.ROOT)))
                        .flatMap(h -> Stream.of(h.getValue(), withoutScheme(h.getValue()))))
                .toList();
        return CallSecrets.forms(values).stream().map(SecretMasking::latin1View).distinct().toList();
    }

    /** The credentials of an auth header value ({@code Basic <base64>}, {@code Bearer <token>}): after the scheme. */
    private static String withoutScheme(String value) {
        int space = value.indexOf(' ');
        return space < 0 ? value : value.substring(space + 1).strip();
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
