package io.patchbay.server.connect;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.patchbay.server.http.RouteGroup;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code GET /connect}: a small page an application sends its end user to, with the connect session token in the
 * URL fragment ({@code /connect#session=pb_cs_…}, plus {@code &account=acc_…} in edit mode). The page itself is
 * static; it reads the connector's spec and links with the token through the public API. A fragment never reaches
 * a server or its logs.
 */
public final class ConnectPageRoutes implements RouteGroup {
    /** Scripts and styles from this server only, no framing (a credentials form must not be overlaid). */
    static final String POLICY = "default-src 'none'; script-src 'self'; connect-src 'self'; "
            + "style-src 'unsafe-inline'; img-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

    private final byte[] page = resource("connect.html");
    private final byte[] script = resource("connect.js");

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/connect", ctx -> send(ctx, "text/html; charset=utf-8", page));
        routes.get("/connect.js", ctx -> send(ctx, "text/javascript; charset=utf-8", script));
    }

    private static void send(Context ctx, String type, byte[] body) {
        ctx.header("Content-Security-Policy", POLICY)
                .header("Referrer-Policy", "no-referrer")
                .header("X-Content-Type-Options", "nosniff")
                .header("Cache-Control", "no-store")
                .contentType(type)
                .result(body);
    }

    private static byte[] resource(String name) {
        try (InputStream in = ConnectPageRoutes.class.getResourceAsStream("/io/patchbay/server/connect/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
