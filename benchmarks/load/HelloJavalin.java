import io.javalin.Javalin;

/**
 * The bare Javalin 7 server Patchbay's start-up time and idle memory are compared with: one route, nothing else.
 * Compiled and run by server-bench.sh against the same jar, JVM and flags as Patchbay.
 */
public final class HelloJavalin {
    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.jetty.host = "127.0.0.1";
            config.routes.get("/health", ctx -> ctx.result("{\"status\":\"ok\"}"));
        }).start(port);
    }
}
