package io.patchbay.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;

/**
 * A certificate authority the JVM trusts while this is open, so a connector reaches a fake provider over TLS as it
 * reaches the real one over HTTPS: through the JVM's trust store, with no test switch in the connector. Install it
 * before the JVM's first TLS connection (the default trust is read once), and close it to restore the settings.
 */
public final class TrustedTestAuthority implements AutoCloseable {
    private static final String[] TRUST_PROPERTIES = {"javax.net.ssl.trustStore", "javax.net.ssl.trustStorePassword",
            "javax.net.ssl.trustStoreType"};

    private final HeldCertificate authority;
    private final Map<String, String> saved;

    private TrustedTestAuthority(HeldCertificate authority, Map<String, String> saved) {
        this.authority = authority;
        this.saved = saved;
    }

    /** Makes an authority, writes a trust store holding it into {@code folder} and points the JVM at it. */
    public static TrustedTestAuthority install(Path folder) throws IOException, GeneralSecurityException {
        Objects.requireNonNull(folder, "folder");
        HeldCertificate authority = new HeldCertificate.Builder().certificateAuthority(0)
                .commonName("Patchbay test CA").build();
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("test-ca", authority.certificate());
        Path file = folder.resolve("trust.p12");
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, "changeit".toCharArray());
        }
        Map<String, String> saved = new HashMap<>();
        for (String name : TRUST_PROPERTIES) {
            saved.put(name, System.getProperty(name));
        }
        System.setProperty("javax.net.ssl.trustStore", file.toString());
        System.setProperty("javax.net.ssl.trustStorePassword", "changeit");
        System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
        return new TrustedTestAuthority(authority, saved);
    }

    /** What a server presents for {@code host} (a name or an IP address), signed by this authority. */
    public HandshakeCertificates serverCertificates(String host) {
        Objects.requireNonNull(host, "host");
        HeldCertificate certificate = new HeldCertificate.Builder().addSubjectAlternativeName(host)
                .signedBy(authority).build();
        return new HandshakeCertificates.Builder().heldCertificate(certificate, authority.certificate()).build();
    }

    @Override
    public void close() {
        saved.forEach((name, value) -> {
            if (value == null) {
                System.clearProperty(name);
            } else {
                System.setProperty(name, value);
            }
        });
    }
}
