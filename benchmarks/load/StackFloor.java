import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadWrapper;
import com.google.crypto.tink.aead.AesGcmKeyManager;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Provides;
import com.squareup.moshi.Moshi;
import com.squareup.moshi.Types;
import io.javalin.Javalin;
import io.javalin.json.JsonMapper;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.LoggerFactory;

/**
 * The start-up floor of Patchbay's required stack, as a reference for its start-up and memory figures: what any
 * server built on it does before it can answer, and nothing else. Logback configured from the classpath, a Tink
 * AES-GCM keyset loaded from a file (made on the first start) and used once, an SQLite file opened through jdbi and
 * queried, a Guice injector, a Moshi JSON mapper, a Prometheus registry, and Javalin answering {@code /health} once
 * the storage side is ready. The storage side runs beside the rest, as in Patchbay. No Netty, Hikari, Flyway, Caffeine,
 * connectors or routes. Compiled and run by server-bench.sh against the server jar, with the same JVM and flags.
 *
 * <p>Arguments: port, data directory.
 */
public final class StackFloor {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Path dir = Path.of(args[1]);
        Files.createDirectories(dir);
        CompletableFuture<Integer> storage = CompletableFuture.supplyAsync(() -> openStorage(dir));
        LoggerFactory.getLogger(StackFloor.class).info("starting");
        Injector injector = Guice.createInjector(new AbstractModule() {
            @Provides
            @Singleton
            Moshi moshi() {
                return new Moshi.Builder().build();
            }

            @Provides
            @Singleton
            PrometheusMeterRegistry metrics() {
                return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            }
        });
        Moshi moshi = injector.getInstance(Moshi.class);
        PrometheusMeterRegistry metrics = injector.getInstance(PrometheusMeterRegistry.class);
        Type document = Types.newParameterizedType(Map.class, String.class, Object.class);
        JsonMapper mapper = new JsonMapper() {
            @Override
            public String toJsonString(Object value, Type type) {
                return moshi.adapter(type).toJson(value);
            }

            @Override
            public <T> T fromJsonString(String json, Type type) {
                try {
                    return moshi.<T>adapter(type).fromJson(json);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
        storage.join();
        Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.jetty.host = "127.0.0.1";
            config.jsonMapper(mapper);
            config.routes.get("/health", ctx -> ctx.json(Map.of("status", "ok"), document));
            config.routes.get("/metrics", ctx -> ctx.result(metrics.scrape()));
        }).start(port);
    }

    @SuppressWarnings("deprecation") // the Tink calls Patchbay's own keyset code makes
    private static int openStorage(Path dir) {
        try {
            AeadWrapper.register();
            AesGcmKeyManager.register(true);
            Path keyFile = dir.resolve("keyset.json");
            if (!Files.exists(keyFile)) {
                Files.writeString(keyFile, TinkJsonProtoKeysetFormat.serializeKeyset(
                        KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM), InsecureSecretKeyAccess.get()));
            }
            Aead aead = TinkJsonProtoKeysetFormat.parseKeyset(Files.readString(keyFile), InsecureSecretKeyAccess.get())
                    .getPrimitive(RegistryConfiguration.get(), Aead.class);
            byte[] context = "floor".getBytes(StandardCharsets.UTF_8);
            aead.decrypt(aead.encrypt("secret".getBytes(StandardCharsets.UTF_8), context), context);
            Jdbi jdbi = Jdbi.create("jdbc:sqlite:" + dir.resolve("floor.db"));
            return jdbi.withHandle(handle -> {
                handle.execute("create table if not exists item (id text primary key, value text)");
                return handle.createQuery("select count(*) from item").mapTo(Integer.class).one();
            });
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
