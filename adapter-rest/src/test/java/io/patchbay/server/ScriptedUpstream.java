package io.patchbay.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A provider on 127.0.0.1 speaking plain HTTP/1.1 over sockets, so tests control what a real server may do that
 * HTTP libraries smooth over: keep-alive connections dropped between requests, answers that never come. Answers
 * Toggl's linking calls ({@code /api/v9/me}, {@code /api/v9/me/workspaces}) itself; every other request goes to the
 * test's script. Records every request with the connection it came on.
 */
final class ScriptedUpstream implements AutoCloseable {
    static final String TOKEN = "0123456789abcdef0123456789abcdef";

    /** A request as received; header names in lower case. */
    record Received(int connection, int indexOnConnection, String method, String target, Map<String, String> headers,
                    byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** What to do with a request: answer (after a delay), or close the connection without answering. */
    record Reply(int status, String reason, Map<String, String> headers, byte[] body, long delayMillis,
                 boolean drop) {
        Reply(int status, Map<String, String> headers, byte[] body, long delayMillis, boolean drop) {
            this(status, "Scripted", headers, body, delayMillis, drop);
        }

        Reply(int status, Map<String, String> headers, String body, long delayMillis, boolean drop) {
            this(status, headers, body.getBytes(StandardCharsets.UTF_8), delayMillis, drop);
        }

        static Reply ok(String body) {
            return new Reply(200, Map.of("Content-Type", "application/json"), body, 0, false);
        }

        static Reply hangUp() {
            return new Reply(0, Map.of(), "", 0, true);
        }

        Reply after(long millis) {
            return new Reply(status, reason, headers, body, millis, drop);
        }

        /** The same answer with its own reason phrase on the status line. */
        Reply reason(String phrase) {
            return new Reply(status, phrase, headers, body, delayMillis, drop);
        }
    }

    private final ServerSocket socket;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private volatile Function<Received, Reply> script = r -> new Reply(404, Map.of(), "", 0, false);

    ScriptedUpstream() throws IOException {
        socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "scripted-upstream");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    URI baseUrl() {
        return URI.create("http://127.0.0.1:" + socket.getLocalPort());
    }

    void script(Function<Received, Reply> value) {
        script = value;
    }

    /** Requests other than the linking calls, in arrival order. */
    List<Received> scripted() {
        return received.stream().filter(r -> !r.target().startsWith("/api/v9/me")).toList();
    }

    private void accept() {
        while (!socket.isClosed()) {
            try {
                Socket client = socket.accept();
                open.add(client);
                int number = connections.incrementAndGet();
                Thread thread = new Thread(() -> serve(client, number), "scripted-upstream-" + number);
                thread.setDaemon(true);
                thread.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket client, int connection) {
        try (client; InputStream in = client.getInputStream(); OutputStream out = client.getOutputStream()) {
            for (int index = 1; ; index++) {
                String requestLine = line(in);
                if (requestLine == null || requestLine.isEmpty()) {
                    return;
                }
                Map<String, String> headers = new LinkedHashMap<>();
                for (String header = line(in); header != null && !header.isEmpty(); header = line(in)) {
                    int colon = header.indexOf(':');
                    headers.put(header.substring(0, colon).strip().toLowerCase(Locale.ROOT),
                            header.substring(colon + 1).strip());
                }
                byte[] body = in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0")));
                String[] parts = requestLine.split(" ");
                Received request = new Received(connection, index, parts[0], parts[1], Map.copyOf(headers), body);
                received.add(request);
                Reply reply = request.target().startsWith("/api/v9/me") ? linking(request) : script.apply(request);
                if (reply.drop()) {
                    return;
                }
                if (reply.delayMillis() > 0) {
                    Thread.sleep(reply.delayMillis());
                }
                write(out, reply);
            }
        } catch (IOException | InterruptedException e) {
            // The peer went away, or the test is over.
        }
    }

    private static Reply linking(Received request) {
        return request.target().equals("/api/v9/me/workspaces")
                ? Reply.ok("[{\"id\":2001,\"name\":\"Edge\",\"organization_id\":3001,\"admin\":true,\"role\":\"admin\"}]")
                : Reply.ok("{\"id\":1001,\"email\":\"edge@example.com\",\"fullname\":\"Edge\",\"timezone\":\"UTC\","
                + "\"default_workspace_id\":2001}");
    }

    private static void write(OutputStream out, Reply reply) throws IOException {
        byte[] body = reply.body();
        StringBuilder head = new StringBuilder("HTTP/1.1 ").append(reply.status()).append(' ')
                .append(reply.reason()).append("\r\n");
        reply.headers().forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        // A scripted Content-Length stands, as a HEAD answer carries the GET's length over no body; a scripted
        // Transfer-Encoding frames the body itself, which the script then writes framed.
        if (reply.headers().keySet().stream().noneMatch(name -> name.equalsIgnoreCase("Content-Length")
                || name.equalsIgnoreCase("Transfer-Encoding"))) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int b = in.read(); b != -1; b = in.read()) {
            if (b == '\n') {
                String text = bytes.toString(StandardCharsets.ISO_8859_1);
                return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
            }
            bytes.write(b);
        }
        return bytes.size() == 0 ? null : bytes.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        socket.close();
        for (Socket s : open) {
            s.close();
        }
    }
}
