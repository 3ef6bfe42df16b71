package io.patchbay.server;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.Moshi;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's headless Chromium driven over the DevTools protocol: open a page, run script in it, wait for the DOM.
 * Only 127.0.0.1 is ever loaded.
 */
final class HeadlessChromium implements AutoCloseable {
    private static final JsonAdapter<Object> JSON = new Moshi.Builder().build().adapter(Object.class);
    private final Process process;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<Map<String, Object>>> pending = new ConcurrentHashMap<>();

    /** The browser binary, when this machine has one. */
    static Optional<Path> binary() {
        return List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome").stream()
                .map(Path::of).filter(Files::isExecutable).findFirst();
    }

    /** A browser with its profile in {@code folder}; the test is skipped on a machine without Chromium. */
    static HeadlessChromium startIn(Path folder) throws IOException, InterruptedException {
        Assumptions.assumeTrue(binary().isPresent(), "no Chromium on this machine (apt-get install chromium)");
        return new HeadlessChromium(binary().get(), Files.createDirectories(folder.resolve("chromium-profile")));
    }

    HeadlessChromium(Path binary, Path profile) throws IOException, InterruptedException {
        process = new ProcessBuilder(binary.toString(), "--headless=new", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--no-first-run", "--disable-extensions", "--disable-background-networking",
                "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
                "--user-data-dir=" + profile, "about:blank")
                .redirectErrorStream(true)
                .redirectOutput(profile.resolveSibling("chromium.log").toFile())
                .start();
        Path portFile = profile.resolve("DevToolsActivePort");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!Files.exists(portFile) || Files.readAllLines(portFile).isEmpty()) {
            if (System.nanoTime() > deadline || !process.isAlive()) {
                throw new IllegalStateException("Chromium did not start; see chromium.log");
            }
            Thread.sleep(50);
        }
        int port = Integer.parseInt(Files.readAllLines(portFile).get(0).strip());
        HttpClient http = HttpClient.newHttpClient();
        String pageSocket = null;
        while (pageSocket == null) {
            String list = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> targets = (List<Map<String, Object>>) JSON.fromJson(list);
            pageSocket = targets.stream().filter(t -> "page".equals(t.get("type")))
                    .map(t -> (String) t.get("webSocketDebuggerUrl")).findFirst().orElse(null);
            if (pageSocket == null) {
                Thread.sleep(50);
            }
        }
        socket = http.newWebSocketBuilder().buildAsync(URI.create(pageSocket), new WebSocket.Listener() {
            private final StringBuilder message = new StringBuilder();

            @Override
            @SuppressWarnings("unchecked")
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                message.append(data);
                if (last) {
                    try {
                        Map<String, Object> json = (Map<String, Object>) JSON.fromJson(message.toString());
                        Object id = json.get("id");
                        if (id instanceof Number n) {
                            CompletableFuture<Map<String, Object>> future = pending.remove(n.intValue());
                            if (future != null) {
                                future.complete(json);
                            }
                        }
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                    message.setLength(0);
                }
                webSocket.request(1);
                return null;
            }
        }).join();
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> command(String method, Map<String, Object> params) {
        int id = ids.incrementAndGet();
        CompletableFuture<Map<String, Object>> future = new CompletableFuture<>();
        pending.put(id, future);
        socket.sendText(JSON.toJson(Map.of("id", id, "method", method, "params", params)), true).join();
        Map<String, Object> answer = future.orTimeout(20, TimeUnit.SECONDS).join();
        if (answer.containsKey("error")) {
            throw new IllegalStateException(method + " failed: " + answer.get("error"));
        }
        return (Map<String, Object>) answer.get("result");
    }

    void open(String url) {
        if (!url.startsWith("http://127.0.0.1:")) {
            throw new IllegalArgumentException("only local pages are opened");
        }
        command("Page.navigate", Map.of("url", url));
    }

    /** Runs a script expression in the page and returns its JSON value. */
    @SuppressWarnings("unchecked")
    Object eval(String expression) {
        Map<String, Object> result = command("Runtime.evaluate", Map.of("expression", expression,
                "returnByValue", true, "awaitPromise", true));
        if (result.containsKey("exceptionDetails")) {
            throw new IllegalStateException("script failed: " + result.get("exceptionDetails"));
        }
        return ((Map<String, Object>) result.get("result")).get("value");
    }

    /** Polls an expression until its value passes, for at most {@code timeout}. */
    Object waitFor(String expression, Predicate<Object> done, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Object value = null;
        while (System.nanoTime() < deadline) {
            try {
                value = eval(expression);
            } catch (IllegalStateException notYet) {
                value = null;
            }
            if (done.test(value)) {
                return value;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("timed out waiting for " + expression + "; last value " + value);
    }

    @Override
    public void close() {
        try {
            socket.abort();
        } finally {
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
