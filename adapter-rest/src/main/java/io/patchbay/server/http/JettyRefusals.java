package io.patchbay.server.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * The API server's own refusals of what it cannot parse (a character a path may not hold raw, a bad host, a header
 * block over its limit) as problem documents, like every other answer: Jetty writes HTML pages, which clients of a
 * JSON API cannot read. The listener refuses most such requests itself; these are the ones it passes on.
 */
public final class JettyRefusals extends ErrorHandler {
    /** Every method: Jetty writes its page for GET, POST and HEAD only, and an empty body for PUT, PATCH, DELETE. */
    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) throws IOException {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, Problems.CONTENT_TYPE);
        response.write(true, ByteBuffer.wrap(document(code, message, Request.getPathInContext(request))), callback);
    }

    private static byte[] document(int status, String reason, String path) {
        ApiException problem = switch (status) {
            case 414 -> new ApiException(414, "uri_too_long", "URI too long", "The request line is too long");
            case 431 -> new ApiException(431, "headers_too_large", "Request headers too large",
                    "The request headers are too large");
            case 400 -> new ApiException(400, "malformed_request", "Malformed request", "The request is not valid "
                    + "HTTP/1.1" + (reason == null || reason.isBlank() ? "" : ": " + reason));
            default -> new ApiException(status, "http_" + status, "HTTP " + status, "The request was refused "
                    + "with status " + status + (reason == null || reason.isBlank() ? "" : ": " + reason));
        };
        return Problems.document(problem, path).getBytes(StandardCharsets.UTF_8);
    }
}
