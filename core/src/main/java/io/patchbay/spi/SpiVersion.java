package io.patchbay.spi;

/** The version of this SPI. A connector built for another major version is refused at load time. */
public final class SpiVersion {
    public static final int MAJOR = 1;
    /**
     * 1.1: {@link InputRejected}; {@link ProviderUnavailable#TIMEOUT}; {@link FieldType#PASSWORD};
     * {@link ConnectorSettings}; the {@link ProxyTarget} members after the first three.
     * 1.2: {@link ProviderUnavailable#UNREACHABLE}; {@code {name}} segments in {@link ProxyTarget.BlockedRoute} paths;
     * {@link InsufficientPermissions#InsufficientPermissions(String, String, int)} with the provider's status.
     * 1.3: {@link ProxyTarget.Admission}, asked before each proxied request.
     * 1.4: {@link SecretForms}, the forms a provider echoes a secret in.
     */
    public static final int MINOR = 4;
    public static final String CURRENT = MAJOR + "." + MINOR;

    /**
     * Where a drop-in connector jar keeps its descriptor: a properties file with {@code id}, {@code version} and
     * {@code spi-version}. It is read before any class of the jar is loaded.
     */
    public static final String DESCRIPTOR_PATH = "META-INF/patchbay/connector.properties";

    private SpiVersion() {
    }
}
