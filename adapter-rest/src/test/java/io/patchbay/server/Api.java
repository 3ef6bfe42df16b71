package io.patchbay.server;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.Moshi;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A small HTTP client for the server under test: JSON in and out, every request recorded for leak checks. */
final class Api {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final JsonAdapter<Object> JSON = new Moshi.Builder().build().adapter(Object.class).serializeNulls();

    private final URI base;
    private final List<Response> responses = new ArrayList<>();

    Api(int port) {
        this.base = URI.create("http://127.0.0.1:" + port);
    }

    /** A request being built: token, headers, body. */
    final class Call {
        private final String method;
        private final String path;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private final List<Map.Entry<String, String>> repeated = new ArrayList<>();
        private HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.noBody();

        private Call(String method, String path) {
            this.method = method;
            this.path = path;
        }

        Call token(String token) {
            return header("Authorization", "Bearer " + token);
        }

        Call header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        /** One more field line of {@code name}, after any set with {@link #header}: the header is then repeated. */
        Call headerAgain(String name, String value) {
            repeated.add(Map.entry(name, value));
            return this;
        }

        Call owner(String owner) {
            return header("Patchbay-Owner-Id", owner);
        }

        Call json(Object value) {
            return raw(JSON.toJson(value));
        }

        Call raw(String text) {
            headers.putIfAbsent("Content-Type", "application/json");
            body = HttpRequest.BodyPublishers.ofString(text);
            return this;
        }

        /** A body of unknown length: sent chunked, without Content-Length. */
        Call stream(java.util.function.Supplier<java.io.InputStream> data) {
            body = HttpRequest.BodyPublishers.ofInputStream(data);
            return this;
        }

        Call bytes(byte[] data) {
            body = HttpRequest.BodyPublishers.ofByteArray(data);
            return this;
        }

        Response send() {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                    .timeout(Duration.ofSeconds(30))
                    .method(method, body);
            headers.forEach(request::header);
            repeated.forEach(e -> request.header(e.getKey(), e.getValue()));
            try {
                HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
                Response r = new Response(response.statusCode(), response.headers(), response.body());
                synchronized (responses) {
                    responses.add(r);
                }
                return r;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    Call get(String path) {
        return new Call("GET", path);
    }

    Call post(String path) {
        return new Call("POST", path);
    }

    Call put(String path) {
        return new Call("PUT", path);
    }

    Call patch(String path) {
        return new Call("PATCH", path);
    }

    Call delete(String path) {
        return new Call("DELETE", path);
    }

    Call method(String method, String path) {
        return new Call(method, path);
    }

    /**
     * A body-less request written byte by byte on a connection of its own, with its header values encoded in
     * {@code headerCharset}: {@link HttpClient} sends only ASCII in headers, while other clients send what they are
     * given (curl, UTF-8 from a terminal).
     */
    Response sendBytes(String method, String path, Map<String, String> headers, java.nio.charset.Charset headerCharset) {
        java.io.ByteArrayOutputStream request = new java.io.ByteArrayOutputStream();
        request.writeBytes((method + " " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n")
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        headers.forEach((name, value) -> request.writeBytes((name + ": " + value + "\r\n").getBytes(headerCharset)));
        request.writeBytes("\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        try (java.net.Socket socket = new java.net.Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.toByteArray());
            String answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            int end = answer.indexOf("\r\n\r\n");
            Map<String, List<String>> answerHeaders = new LinkedHashMap<>();
            for (String line : answer.substring(answer.indexOf("\r\n") + 2, end).split("\r\n")) {
                int colon = line.indexOf(':');
                answerHeaders.computeIfAbsent(line.substring(0, colon), k -> new ArrayList<>())
                        .add(line.substring(colon + 1).strip());
            }
            Response r = new Response(Integer.parseInt(answer.substring(9, 12)),
                    HttpHeaders.of(answerHeaders, (name, value) -> true), answer.substring(end + 4));
            synchronized (responses) {
                responses.add(r);
            }
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every answer received so far, to scan for leaked secrets. */
    List<Response> responses() {
        synchronized (responses) {
            return List.copyOf(responses);
        }
    }

    record Response(int status, HttpHeaders headers, String body) {
        @SuppressWarnings("unchecked")
        Map<String, Object> json() {
            try {
                return (Map<String, Object>) JSON.fromJson(body);
            } catch (IOException | ClassCastException e) {
                throw new AssertionError("not a JSON object (status " + status + "): " + body, e);
            }
        }

        /** A value by dotted path, e.g. {@code account.id} or {@code errors.0.field}. */
        Object at(String path) {
            Object current = json();
            for (String part : path.split("\\.")) {
                if (current instanceof Map<?, ?> map) {
                    current = map.get(part);
                } else if (current instanceof List<?> list) {
                    current = list.get(Integer.parseInt(part));
                } else {
                    throw new AssertionError("no " + path + " in " + body);
                }
            }
            return current;
        }

        String string(String path) {
            return (String) at(path);
        }

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> list(String path) {
            return (List<Map<String, Object>>) at(path);
        }

        @SuppressWarnings("unchecked")
        List<String> strings(String path) {
            return (List<String>) at(path);
        }

        Optional<String> header(String name) {
            return headers.firstValue(name);
        }

        /** The field names of the problem's field errors. */
        List<String> errorFields() {
            return list("errors").stream().map(e -> (String) e.get("field")).toList();
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }
}
