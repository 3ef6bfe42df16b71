package io.patchbay.server;

import io.patchbay.spi.SpiVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Drop-in connectors made at test time: Java source compiled against the SPI alone and packed with its service file
 * and descriptor into a jar of its own folder, as an operator drops one into the connectors folder.
 */
public final class DropIns {
    private DropIns() {
    }

    /**
     * A connector {@code id} whose verify and one action ({@code whoami}) send {@code GET <base URL>me} with the
     * account's token as a Bearer header (any status but 200 is a rejected token), and whose proxy target is its base
     * URL with that header. Each part can be replaced by statements of one's own.
     */
    public static Connector connector(String id) {
        return new Connector(id);
    }

    /** One drop-in connector's source and packaging, changed part by part. */
    public static final class Connector {
        private final String id;
        private String createFirst = "";
        private String verify = """
                if (me(c) != 200) throw new InvalidCredentials("invalid_token", "api_token", "token refused");
                return new Verification(new ProviderIdentity("u1", Optional.empty(), "Test user", Optional.empty(),
                        Map.of()), List.of(), List.of());""";
        private String invoke = "return new ActionResult(Map.of(\"status\", me(call.credentials())));";
        private String proxyTarget = "return new ProxyTarget(base, Map.of(\"Authorization\", \"Bearer \" "
                + "+ c.require(\"api_token\")), Set.of());";
        private String descriptorVersion = "1.0.0";
        private String infoVersion = "1.0.0";
        private String spiVersion = SpiVersion.CURRENT;
        private String serviceFile;

        private Connector(String id) {
            this.id = id;
        }

        /** The body of {@code verify(Credentials c)}. */
        public Connector verify(String statements) {
            this.verify = statements;
            return this;
        }

        /** The body of {@code invoke(ActionCall call)}. */
        public Connector invoke(String statements) {
            this.invoke = statements;
            return this;
        }

        /** The body of {@code proxyTarget(Credentials c)}; {@code base} is the connector's base URL. */
        public Connector proxyTarget(String statements) {
            this.proxyTarget = statements;
            return this;
        }

        /** Statements run first in the factory's {@code create(ConnectorContext context)}. */
        public Connector createFirst(String statements) {
            this.createFirst = statements;
            return this;
        }

        /** The descriptor's {@code spi-version}. */
        public Connector spiVersion(String version) {
            this.spiVersion = version;
            return this;
        }

        /** The service file's content instead of the factory's class name. */
        public Connector serviceFile(String content) {
            this.serviceFile = content;
            return this;
        }

        private String pkg() {
            return "test.dropin." + id.replace('-', '_');
        }

        private String source() {
            return """
                    package %1$s;

                    import io.patchbay.spi.*;
                    import java.io.IOException;
                    import java.net.URI;
                    import java.net.http.HttpClient;
                    import java.net.http.HttpRequest;
                    import java.net.http.HttpResponse;
                    import java.util.*;

                    public final class Factory implements ConnectorFactory {
                        public String id() { return "%2$s"; }
                        public Connector create(ConnectorContext context) {
                            %3$s
                            return new TestConnector(context);
                        }
                    }

                    final class TestConnector implements Connector {
                        private final ConnectorContext context;
                        private final URI base;
                        private final HttpClient http;

                        TestConnector(ConnectorContext context) {
                            this.context = context;
                            this.base = context.baseUrl(URI.create("https://%2$s.invalid/"));
                            this.http = HttpClient.newBuilder().connectTimeout(context.connectTimeout()).build();
                        }

                        public ConnectorInfo info() {
                            return new ConnectorInfo("%2$s", "Test %2$s", "A drop-in made by a test", "%4$s",
                                    URI.create("https://example.invalid"));
                        }

                        public CredentialSpec credentialSpec() {
                            return CredentialSpec.of(new AuthMethod("api_token", "API token", true,
                                    List.of(CredentialField.secret("api_token", "API token", "Any value")),
                                    List.of("Type anything"), List.of()));
                        }

                        public URI baseUrl() { return base; }

                        public List<ActionDefinition> actions() {
                            return List.of(new ActionDefinition("whoami", "Who am I", "The token's user",
                                    "{\\"type\\":\\"object\\"}", "{\\"type\\":\\"object\\"}", true));
                        }

                        int me(Credentials c) {
                            HttpRequest request = HttpRequest.newBuilder(base.resolve("me"))
                                    .timeout(context.callTimeout())
                                    .header("Authorization", "Bearer " + c.require("api_token")).build();
                            try {
                                return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                            } catch (IOException e) {
                                throw new ProviderUnavailable(ProviderUnavailable.UNREACHABLE, e.toString(), null);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                                throw new ProviderUnavailable(ProviderUnavailable.TIMEOUT, "interrupted", null);
                            }
                        }

                        public Verification verify(Credentials c) {
                            %5$s
                        }

                        public ActionResult invoke(ActionCall call) {
                            %6$s
                        }

                        public ProxyTarget proxyTarget(Credentials c) {
                            %7$s
                        }
                    }
                    """.formatted(pkg(), id, createFirst, infoVersion, verify, invoke, proxyTarget);
        }

        /** Compiles and packs it as {@code <connectorsDir>/<id>/<id>.jar}; returns that folder. */
        public Path into(Path connectorsDir) {
            try {
                Path work = Files.createTempDirectory("dropin-" + id);
                Path src = work.resolve("src").resolve(pkg().replace('.', '/'));
                Files.createDirectories(src);
                Files.writeString(src.resolve("Factory.java"), source());
                Path classes = Files.createDirectories(work.resolve("classes"));
                Path spi = Path.of(io.patchbay.spi.Connector.class.getProtectionDomain().getCodeSource().getLocation()
                        .toURI());
                JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
                int status = compiler.run(null, null, null, "--release", "17", "-classpath", spi.toString(),
                        "-d", classes.toString(), src.resolve("Factory.java").toString());
                if (status != 0) {
                    throw new IllegalStateException("the test connector " + id + " does not compile");
                }
                Path folder = Files.createDirectories(connectorsDir.resolve(id));
                try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(folder.resolve(id + ".jar")));
                     Stream<Path> files = Files.walk(classes)) {
                    for (Path file : files.filter(Files::isRegularFile).toList()) {
                        put(jar, classes.relativize(file).toString().replace('\\', '/'), Files.readAllBytes(file));
                    }
                    put(jar, "META-INF/services/io.patchbay.spi.ConnectorFactory", (serviceFile != null ? serviceFile
                            : pkg() + ".Factory\n").getBytes(StandardCharsets.UTF_8));
                    put(jar, SpiVersion.DESCRIPTOR_PATH, String.join("\n", List.of("id=" + id,
                            "version=" + descriptorVersion, "spi-version=" + spiVersion))
                            .getBytes(StandardCharsets.UTF_8));
                }
                return folder;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        }

        private static void put(JarOutputStream jar, String name, byte[] bytes) throws IOException {
            jar.putNextEntry(new JarEntry(name));
            jar.write(bytes);
            jar.closeEntry();
        }
    }
}
