package io.patchbay.connector.oneflow;

import io.patchbay.connector.support.Deadline;
import io.patchbay.spi.ActionCall;
import io.patchbay.spi.FieldError;
import io.patchbay.spi.InputRejected;
import io.patchbay.spi.ProviderRejected;
import io.patchbay.spi.ProviderUnavailable;
import java.io.IOException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.ResponseBody;
import okio.BufferedSource;
import retrofit2.Response;

/** Contract files: the listing and the download, which Oneflow may answer with a redirect to the bytes. */
final class OneflowFiles {
    private static final String ACCEPT_BINARY = "binary/octet-stream";
    private static final int MAX_REDIRECTS = 5;
    /** The file host failed in a way a fresh link may get past: the read is retried. */
    static final String DOWNLOAD_FAILED = "download_failed";
    /** The file host refused the file itself (404, say): a {@code ProviderRejected}, not retried. */
    static final String DOWNLOAD_REFUSED = "download_refused";
    private static final Set<String> GENERIC_TYPES = Set.of("application/octet-stream", "binary/octet-stream");
    /** RFC 6266 {@code filename*=charset'language'percent-encoded} (RFC 8187); the language tag may be empty. */
    private static final Pattern FILENAME_EXT = Pattern.compile(
            "(?:^|;)\\s*filename\\*\\s*=\\s*([^';\\s]*)'[^']*'([^;\\s]*)", Pattern.CASE_INSENSITIVE);
    /** The plain {@code filename=} parameter, a token or a quoted string. */
    private static final Pattern FILENAME = Pattern.compile(
            "(?:^|;)\\s*filename\\s*=\\s*(\"(?:[^\"\\\\]|\\\\.)*\"|[^;]*)", Pattern.CASE_INSENSITIVE);
    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("pdf", "application/pdf"), Map.entry("txt", "text/plain"), Map.entry("csv", "text/csv"),
            Map.entry("xml", "application/xml"), Map.entry("png", "image/png"), Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"), Map.entry("gif", "image/gif"), Map.entry("bmp", "image/bmp"),
            Map.entry("tif", "image/tiff"), Map.entry("tiff", "image/tiff"), Map.entry("doc", "application/msword"),
            Map.entry("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            Map.entry("xls", "application/vnd.ms-excel"),
            Map.entry("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            Map.entry("ppt", "application/vnd.ms-powerpoint"),
            Map.entry("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
            Map.entry("rtf", "application/rtf"), Map.entry("asice", "application/vnd.etsi.asic-e+zip"));

    private final OneflowHttp http;

    OneflowFiles(OneflowHttp http) {
        this.http = http;
    }

    /** Every file of a contract, page by page (one attempt each; callers wrap it in the retry policy). */
    OneflowPages.Read<Dto.File> all(OneflowApi.Auth auth, long contractId, Deadline deadline) {
        return OneflowPages.all(offset -> OneflowActions.body(http.once(auth,
                api -> api.files(auth, contractId, OneflowPages.LIMIT, offset), deadline)));
    }

    Object download(OneflowApi.Auth auth, ActionCall call) {
        Input in = new Input(call.action(), call.input(), Set.of("contract_id", "file_id"));
        Optional<Long> contractId = in.id("contract_id", true);
        long fileId = call.input().get("file_id") == null ? 1L : in.id("file_id", true).orElse(1L);
        in.done();
        long contract = contractId.orElseThrow();
        // A download is a read: the whole exchange, redirects included, is retried when Oneflow fails.
        return http.retrying(deadline -> fetch(auth, contract, fileId, deadline));
    }

    private Object fetch(OneflowApi.Auth auth, long contractId, long fileId, Deadline deadline) {
        OneflowPages.Read<Dto.File> files = all(auth, contractId, deadline);
        // Beyond Oneflow's cap a file may exist unseen: say so rather than claim it does not exist.
        String unseen = files.truncated() ? " among the first " + OneflowPages.MAX_ITEMS + " files, all that Oneflow "
                + "lists of a contract (it serves no offset past " + OneflowPages.MAX_OFFSET + ")" : "";
        Dto.File meta = files.items().stream().filter(f -> f.id() != null && f.id() == fileId)
                .findFirst()
                .orElseThrow(() -> new ProviderRejected(404, "file_not_found",
                        "Contract " + contractId + " has no file " + fileId + unseen
                                + "; list_contract_files shows its files",
                        List.of(new FieldError("file_id", "not_found", "no file with this id on the contract"
                                + unseen))));
        Response<ResponseBody> response = http.send(auth, api -> api.download(auth, contractId, fileId, ACCEPT_BINARY),
                deadline);
        for (int hops = 0; isRedirect(response.code()); hops++) {
            HttpUrl from = response.raw().request().url();
            String location = response.headers().get("Location");
            closeQuietly(response.errorBody());
            HttpUrl target = location == null ? null : from.resolve(location);
            if (target == null) {
                throw new ProviderUnavailable("unexpected_response", "Oneflow redirected the download nowhere", null);
            }
            if (hops == MAX_REDIRECTS) {
                throw new ProviderUnavailable("too_many_redirects", "The download was redirected too often", null);
            }
            if (from.isHttps() && !target.isHttps()) {
                throw new ProviderUnavailable("insecure_redirect", "Oneflow redirected the download to plain HTTP", null);
            }
            // The token goes only to Oneflow itself; a file host gets a plain GET (its URL is its own credential).
            OneflowApi.Auth next = sameOrigin(target) ? auth : null;
            String url = target.toString();
            response = http.send(next, api -> api.fetch(next, url, ACCEPT_BINARY), deadline);
        }
        if (!response.isSuccessful()) {
            HttpUrl answered = response.raw().request().url();
            if (!sameOrigin(answered)) {
                // A file host's refusal (an expired signed link, its own outage) says nothing about the Oneflow
                // token or user, so it is not read as an Oneflow error. Only the host is named: the link's query
                // is its credential.
                int status = response.code();
                closeQuietly(response.errorBody());
                // An expired link (401, 403), a busy host (408, 429) or its outage may pass on a fresh try; a 404
                // will not.
                boolean fresh = status >= 500 || status == 401 || status == 403 || status == 408 || status == 429;
                String detail = "The file host " + answered.host() + " answered HTTP "
                        + status + " to the download of file " + fileId + " of contract " + contractId
                        + " that Oneflow redirected to" + (status == 403 || status == 401
                        ? "; the link Oneflow gave may have expired" : "");
                // A refusal of the file itself is final: no Retry-After for the caller either.
                throw fresh ? new ProviderUnavailable(DOWNLOAD_FAILED, detail, null)
                        : new ProviderRejected(status, DOWNLOAD_REFUSED, detail);
            }
            throw http.failure(response, auth);
        }
        try (ResponseBody body = response.body()) {
            byte[] bytes = readAtMost(body, http.settings().maxDownloadBytes(), response);
            return Output.obj("contract_id", contractId, "file_id", fileId,
                    "file_name", fileName(response.headers().get("Content-Disposition"), meta),
                    "content_type", contentType(body == null ? null : body.contentType(), meta),
                    "file_type", meta.type(), "size", (long) bytes.length,
                    "content_base64", Base64.getEncoder().encodeToString(bytes));
        }
    }

    private static byte[] readAtMost(ResponseBody body, long max, Response<?> response) {
        if (body == null) {
            return new byte[0];
        }
        if (body.contentLength() > max) {
            throw tooLarge(max);
        }
        try {
            BufferedSource source = body.source();
            if (source.request(max + 1)) {
                throw tooLarge(max);
            }
            return source.getBuffer().readByteArray();
        } catch (IOException e) {
            throw OneflowHttp.transportFailure(e, response.raw().request());
        }
    }

    /** Patchbay's own limit, not Oneflow's refusal: no provider status. */
    private static InputRejected tooLarge(long max) {
        return new InputRejected("file_too_large", "The file is larger than the " + max
                + " bytes download_contract_file returns; fetch it through the proxy instead",
                List.of(new FieldError("file_id", "too_large", "the file exceeds " + max + " bytes")));
    }

    private boolean sameOrigin(HttpUrl url) {
        HttpUrl apiOrigin = http.apiOrigin();
        return url.scheme().equals(apiOrigin.scheme()) && url.host().equalsIgnoreCase(apiOrigin.host())
                && url.port() == apiOrigin.port();
    }

    private static boolean isRedirect(int code) {
        return code == 301 || code == 302 || code == 303 || code == 307 || code == 308;
    }

    static String fileName(String contentDisposition, Dto.File meta) {
        if (contentDisposition != null) {
            // filename* carries the real (non-ASCII) name; filename is the fallback for old clients.
            Matcher ext = FILENAME_EXT.matcher(contentDisposition);
            if (ext.find()) {
                Optional<String> decoded = percentDecode(ext.group(2), ext.group(1));
                if (decoded.isPresent() && !decoded.get().isBlank()) {
                    return decoded.get().strip();
                }
            }
            Matcher plain = FILENAME.matcher(contentDisposition);
            if (plain.find()) {
                String value = plain.group(1).strip();
                if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1).replaceAll("\\\\(.)", "$1");
                }
                if (!value.isBlank()) {
                    return value.strip();
                }
            }
        }
        String name = meta.name() == null || meta.name().isBlank() ? meta.type() + "_" + meta.id() : meta.name();
        String ext = meta.extension();
        return ext == null || ext.isBlank() || name.toLowerCase(Locale.ROOT).endsWith("." + ext.toLowerCase(Locale.ROOT))
                ? name : name + "." + ext;
    }

    /** RFC 8187 value characters, percent-decoded in UTF-8 or ISO-8859-1; empty when malformed or another charset. */
    private static Optional<String> percentDecode(String encoded, String charset) {
        java.nio.charset.Charset cs;
        if (charset.equalsIgnoreCase("UTF-8")) {
            cs = java.nio.charset.StandardCharsets.UTF_8;
        } else if (charset.equalsIgnoreCase("ISO-8859-1")) {
            cs = java.nio.charset.StandardCharsets.ISO_8859_1;
        } else {
            return Optional.empty();
        }
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '%') {
                if (i + 2 >= encoded.length() || Character.digit(encoded.charAt(i + 1), 16) < 0
                        || Character.digit(encoded.charAt(i + 2), 16) < 0) {
                    return Optional.empty();
                }
                bytes.write(Integer.parseInt(encoded.substring(i + 1, i + 3), 16));
                i += 2;
            } else if (c < 0x80) {
                bytes.write(c);
            } else {
                return Optional.empty();
            }
        }
        try {
            return Optional.of(cs.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes.toByteArray())).toString());
        } catch (java.nio.charset.CharacterCodingException e) {
            return Optional.empty();
        }
    }

    static String contentType(MediaType type, Dto.File meta) {
        if (type != null) {
            String plain = type.type() + "/" + type.subtype();
            if (!GENERIC_TYPES.contains(plain)) {
                return plain;
            }
        }
        String ext = meta.extension() == null ? "" : meta.extension().toLowerCase(Locale.ROOT);
        return TYPES.getOrDefault(ext, "application/octet-stream");
    }

    private static void closeQuietly(ResponseBody body) {
        if (body != null) {
            body.close();
        }
    }
}
