package io.patchbay.server.access;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * What an API key may do. {@link #ADMIN} manages API keys of every tenant and rotates the keyset, and nothing else:
 * it never reads or uses accounts.
 */
public enum Scope {
    ADMIN("admin"),
    ACCOUNTS_READ("accounts:read"),
    ACCOUNTS_WRITE("accounts:write"),
    CONNECT_SESSIONS_WRITE("connect_sessions:write"),
    ACTIONS_INVOKE("actions:invoke"),
    PROXY_INVOKE("proxy:invoke");

    private final String value;

    Scope(String value) {
        this.value = value;
    }

    public String value() {
        return value;
    }

    public static Optional<Scope> parse(String value) {
        return Arrays.stream(values()).filter(s -> s.value.equals(value)).findFirst();
    }

    /** What a tenant key gets when its creator names no scopes: everything but key management. */
    public static Set<Scope> tenantDefaults() {
        return EnumSet.complementOf(EnumSet.of(ADMIN));
    }
}
