package io.patchbay.server.ops;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.patchbay.server.http.ApiException;
import io.patchbay.server.http.Problems;
import io.patchbay.server.http.RouteGroup;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** Unauthenticated operational routes: liveness, readiness, Prometheus metrics and the OpenAPI document. */
public final class OpsRoutes implements RouteGroup {
    public static final String OPENAPI_RESOURCE = "/io/patchbay/server/openapi.json";

    private final BooleanSupplier ready;
    private final PrometheusMeterRegistry metrics;
    private final byte[] openApi;

    @Inject
    public OpsRoutes(@Named("ready") BooleanSupplier ready, PrometheusMeterRegistry metrics) {
        this.ready = ready;
        this.metrics = metrics;
        this.openApi = openApiDocument();
    }

    public static byte[] openApiDocument() {
        try (InputStream in = OpsRoutes.class.getResourceAsStream(OPENAPI_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + OPENAPI_RESOURCE);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/health", ctx -> ctx.json(Map.of("status", "ok")));
        routes.get("/ready", this::ready);
        routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                .result(metrics.scrape()));
        routes.get("/openapi.json", ctx -> ctx.contentType("application/json").result(openApi));
    }

    private void ready(Context ctx) {
        if (!ready.getAsBoolean()) {
            Problems.write(ctx, new ApiException(503, "not_ready", "Not ready",
                    "The database is unreachable, its schema is not migrated, or the server is shutting down"));
            return;
        }
        ctx.json(Map.of("status", "ready"));
    }
}
