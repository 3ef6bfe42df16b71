package io.patchbay.server;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.patchbay.server.logging.ServerLogging;
import io.patchbay.storage.KeysetSource;
import io.patchbay.storage.StorageConfig;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads {@link ServerConfig} from {@code PATCHBAY_*} environment variables and, when {@code PATCHBAY_CONFIG_FILE}
 * names one, a {@code .properties} or {@code .yaml} file. Both use the same keys ({@code database.url} in the file is
 * {@code PATCHBAY_DATABASE_URL} in the environment); the environment wins. Unknown keys are errors, so a typo
 * never passes silently.
 */
final class ConfigLoader {
    static final String PREFIX = "PATCHBAY_";
    static final String CONFIG_FILE = "PATCHBAY_CONFIG_FILE";
    /** Names the file, so it can only come from the environment. */
    static final Set<String> ENVIRONMENT_ONLY = Set.of(CONFIG_FILE);

    /** Every key besides the per-connector ones, in file form. */
    private static final List<String> KEYS = List.of(
            "host", "port", "data_dir",
            "database.url", "database.user", "database.password", "database.pool_size", "database.statement_timeout",
            "keyset.file", "keyset.json", "keyset.generate",
            "connectors.dir", "max_request_bytes",
            "provider.connect_timeout", "provider.call_timeout", "access_log", "shutdown_timeout",
            "cors.allowed_origins", "log.dir", "log.level", "log.format");
    /** Keys whose value is a comma-separated list, which a YAML file may also give as a list. */
    private static final Set<String> LIST_KEYS = Set.of("cors.allowed_origins");
    private static final Pattern CONNECTOR_KEY = Pattern.compile("connector\\.([a-z][a-z0-9-]*)\\.([a-z][a-z0-9_]*)");
    private static final Pattern CONNECTOR_ENV = Pattern.compile("PATCHBAY_CONNECTOR_([A-Z][A-Z0-9-]*)_([A-Z][A-Z0-9_]*)");
    private static final Pattern SERVICE_LINK = Pattern.compile(
            "PATCHBAY_([A-Z0-9_]+_)?(SERVICE_HOST|SERVICE_PORT(_[A-Z0-9_]+)?|PORT_\\d+_(TCP|UDP|SCTP)(_(PROTO|PORT|ADDR))?)");
    private static final Pattern PORT_LINK = Pattern.compile("PATCHBAY_([A-Z0-9_]+_)?PORT");
    private static final Pattern LINK_URL = Pattern.compile("(tcp|udp|sctp)://");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(b|kib|mib)?", Pattern.CASE_INSENSITIVE);
    /** A host name or IPv4 address; an IPv6 literal (two colons at least), bracketed or not, is {@link #IPV6}. */
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?");
    private static final Pattern IPV6 = Pattern.compile("\\[?[0-9A-Fa-f.]*:[0-9A-Fa-f.]*:[0-9A-Fa-f:.]*(%[A-Za-z0-9]+)?]?");
    /**
     * A user name (and password) before the host of a URL: {@code //user:password@host}. A password may hold any of
     * {@code / ? # @}, so any {@code @} after {@code //} that is not in a parameter's value (no {@code =} before it)
     * counts: an {@code @} in the database name is refused too, which percent-encoding ({@code %40}) avoids.
     */
    private static final Pattern USER_INFO = Pattern.compile("^[^?;#]*//[^=]*@");
    /** The user info of a URL in a value shown, up to its last {@code @} for the same reason. */
    private static final Pattern SHOWN_USER_INFO = Pattern.compile("//[^=]*@");
    /** Shorter passwords are not searched for in messages: every such string in them would be replaced. */
    private static final int MIN_MASKED_PASSWORD = 4;
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m)", Pattern.CASE_INSENSITIVE);
    /** Quoted text in a YAML problem longer than an escaped character, which could be part of a value. */
    private static final Pattern QUOTED = Pattern.compile("'(?!<)[^']{5,}'");
    /** Jackson's words for a repeated key: {@code Duplicate field 'database'}. */
    private static final Pattern DUPLICATE = Pattern.compile("Duplicate field '([^']*)'");
    /**
     * A key given twice is an error, not "the last one wins": a second {@code database:} block would otherwise drop
     * the first one's settings and start on a fresh database with a new keyset.
     */
    private static ObjectMapper yaml() {
        // Made only for a YAML file: Jackson's databind is some 400 classes a start without one need not load.
        return new ObjectMapper(YAMLFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());
    }

    /** A value and where it came from, for messages. */
    private record Setting(String value, String source) {
    }

    private final Map<String, Setting> settings = new TreeMap<>();
    /** The keys the config file gave, as dotted names. */
    private final Set<String> keysInFile = new java.util.HashSet<>();
    private final List<String> problems = new ArrayList<>();

    private ConfigLoader() {
    }

    /** From the process environment. */
    static ServerConfig fromEnvironment() {
        return load(System.getenv());
    }

    /**
     * @param environment the variables to read; only {@code PATCHBAY_*} ones are looked at
     * @throws ConfigException listing every problem found
     */
    static ServerConfig load(Map<String, String> environment) {
        ConfigLoader loader = new ConfigLoader();
        Optional.ofNullable(environment.get(CONFIG_FILE)).filter(f -> !f.isBlank()).ifPresent(file -> {
            try {
                loader.readFile(Path.of(file));
            } catch (InvalidPathException e) {
                loader.problems.add(CONFIG_FILE + ": is not a usable path: " + e.getReason());
            }
        });
        environment.forEach((name, value) -> {
            if (name.startsWith(PREFIX) && !ENVIRONMENT_ONLY.contains(name) && !serviceLink(name, value)) {
                String variable = "environment variable " + name;
                loader.put(envToKey(name), value, variable, name, variable);
            }
        });
        return loader.build();
    }

    /**
     * Whether a variable is one Kubernetes sets for a Service named {@code patchbay} or {@code patchbay-<x>} in every
     * pod of its namespace ({@code PATCHBAY_SERVICE_HOST}, {@code PATCHBAY_PORT=tcp://10.0.0.7:8080}, ...): not a
     * setting, and refusing it as unknown would stop every start of the pod. A value set in the pod spec wins over a
     * service link of the same name, so a {@code PATCHBAY_PORT} in URL form is always the link's.
     */
    static boolean serviceLink(String name, String value) {
        if (name.startsWith(PREFIX + "CONNECTOR_")) {
            return false;
        }
        return SERVICE_LINK.matcher(name).matches()
                || PORT_LINK.matcher(name).matches() && LINK_URL.matcher(value.strip()).lookingAt();
    }

    static String envName(String key) {
        return PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_');
    }

    private static Optional<String> envToKey(String name) {
        for (String key : KEYS) {
            if (envName(key).equals(name)) {
                return Optional.of(key);
            }
        }
        Matcher m = CONNECTOR_ENV.matcher(name);
        if (m.matches()) {
            return Optional.of("connector." + m.group(1).toLowerCase(Locale.ROOT) + "."
                    + m.group(2).toLowerCase(Locale.ROOT));
        }
        return Optional.empty();
    }

    /**
     * @param source    where the setting was read, for an unknown one
     * @param asWritten its name as the source spells it
     * @param origin    what messages about its value name: the variable, or the file and the key
     */
    private void put(Optional<String> key, String value, String source, String asWritten, String origin) {
        if (key.isEmpty() || !(KEYS.contains(key.get()) || CONNECTOR_KEY.matcher(key.get()).matches())) {
            problems.add(source + ": unknown setting '" + asWritten + "'; known settings are " + KEYS
                    + " and connector.<id>.base_url / connector.<id>.<setting>"
                    + " (in the environment: " + envName("database.url") + " and so on)");
            return;
        }
        if (value.isBlank() && settings.containsKey(key.get())) {
            // Empty counts as not set: an empty variable leaves the file's value, as the docs say.
            return;
        }
        settings.put(key.get(), new Setting(value.strip(), origin));
    }

    private void putFromFile(String file, String key, String value) {
        if (!keysInFile.add(key)) {
            // "log.level: x" and a "log:" block with "level: y": YAML sees two keys, the setting is given twice.
            problems.add(file + ": the key '" + key + "' is given twice; give each setting once");
            return;
        }
        put(Optional.of(key), value, file, key, file + ": " + key);
    }

    private void readFile(Path file) {
        String source = "config file " + file.toAbsolutePath();
        if (!Files.isRegularFile(file)) {
            problems.add(CONFIG_FILE + ": " + file.toAbsolutePath() + " does not exist or is not a file");
            return;
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        try (Reader reader = Files.newBufferedReader(file)) {
            if (name.endsWith(".properties")) {
                Properties properties = new Properties();
                try {
                    properties.load(reader);
                } catch (IllegalArgumentException e) {
                    // A Windows path's backslashes are escapes in a properties file, and a backslash before u a bad one.
                    problems.add(source + ": is not a valid properties file (" + e.getMessage() + "); a backslash "
                            + "starts an escape there: write C:\\\\users\\\\pb or C:/users/pb");
                    return;
                }
                properties.stringPropertyNames().forEach(k -> putFromFile(source, k, properties.getProperty(k)));
            } else if (name.endsWith(".yaml") || name.endsWith(".yml")) {
                JsonNode root = yaml().readTree(reader);
                if (root != null && !root.isMissingNode() && !root.isNull()) {
                    if (!root.isObject()) {
                        problems.add(source + ": the top level must be a mapping of settings");
                        return;
                    }
                    flatten("", root, source);
                }
            } else {
                problems.add(CONFIG_FILE + ": " + file + " must end in .properties, .yaml or .yml");
            }
        } catch (StreamReadException e) {
            problems.add(source + ": " + unreadable(e));
        } catch (IOException e) {
            problems.add(source + ": cannot be read: " + e.getMessage());
        }
    }

    /** What is wrong with a YAML file and where. */
    private static String unreadable(StreamReadException e) {
        JsonLocation at = e.getLocation();
        String where = at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
        Matcher duplicate = DUPLICATE.matcher(String.valueOf(e.getOriginalMessage()));
        if (duplicate.lookingAt()) {
            String parent = e.getProcessor() == null ? "" : parentKey(e.getProcessor());
            return "the key '" + parent + duplicate.group(1) + "' is given twice" + where
                    + "; give each setting once (a repeated block would replace the earlier one)";
        }
        // SnakeYAML's own message quotes the offending line, which may be a password with its closing quote
        // missing: only the kind of problem and where it is are shown.
        if (e.getCause() instanceof MarkedYAMLException yaml) {
            Mark mark = yaml.getProblemMark() != null ? yaml.getProblemMark() : yaml.getContextMark();
            String kind = Stream.of(yaml.getContext(), yaml.getProblem()).filter(Objects::nonNull)
                    .map(text -> QUOTED.matcher(text).replaceAll("'…'")).collect(Collectors.joining(": "));
            return "is not valid YAML" + (mark == null ? where
                    : " (line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1) + ")")
                    + (kind.isEmpty() ? "" : ": " + kind);
        }
        return "is not valid YAML" + where;
    }

    /** The dotted key of the mapping the parser is in, with a trailing dot; empty at the top level. */
    private static String parentKey(JsonParser parser) {
        List<String> names = new ArrayList<>();
        for (var context = parser.getParsingContext().getParent(); context != null; context = context.getParent()) {
            if (context.getCurrentName() != null) {
                names.add(0, context.getCurrentName());
            }
        }
        return names.isEmpty() ? "" : String.join(".", names) + ".";
    }

    private void flatten(String prefix, JsonNode node, String source) {
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String key = prefix + field.getKey();
            JsonNode value = field.getValue();
            if (value.isObject()) {
                flatten(key + ".", value, source);
            } else if (value.isNull()) {
                // "host:" with nothing after it counts as not set, as an empty environment variable does; its
                // name is still checked.
                putFromFile(source, key, "");
            } else if (value.isValueNode()) {
                putFromFile(source, key, value.asText());
            } else if (value.isArray() && LIST_KEYS.contains(key) && allValues(value)) {
                // A YAML list reads as the environment variable's comma-separated form.
                List<String> items = new ArrayList<>();
                value.forEach(item -> items.add(item.asText()));
                putFromFile(source, key, String.join(",", items));
            } else {
                problems.add(source + ": " + key + (LIST_KEYS.contains(key)
                        ? " must be a comma-separated value or a list of values" : " must be a single value"));
            }
        }
    }

    private static boolean allValues(JsonNode array) {
        for (JsonNode item : array) {
            if (!item.isValueNode() || item.isNull()) {
                return false;
            }
        }
        return true;
    }

    private ServerConfig build() {
        String host = string("host").orElse("127.0.0.1");
        if (!HOST.matcher(host).matches() && !IPV6.matcher(host).matches()) {
            problem("host", "must be a host name or IP address to listen on, without a scheme or port (the port is "
                    + envName("port") + "), e.g. 0.0.0.0 or 127.0.0.1");
        }
        int port = integer("port", 0, 65535).orElse(ServerConfig.DEFAULT_PORT);
        Path dataDir = path("data_dir").orElse(Path.of("data"));
        Optional<String> databaseUrl = string("database.url");
        databaseUrl.ifPresent(url -> {
            if (!url.startsWith("jdbc:sqlite:") && !url.startsWith("jdbc:postgresql:")) {
                problem("database.url", "must start with jdbc:postgresql: or jdbc:sqlite:");
            } else if (USER_INFO.matcher(url).find()) {
                // The PostgreSQL driver reads user:password@ as part of the host name, so it never connects, and
                // the URL with its password would be printed in every message about it.
                problem("database.url", "must not hold a user or password (user:password@host): set "
                        + envName("database.user") + " and " + envName("database.password") + " instead");
            }
        });
        int poolSize = integer("database.pool_size", 1, 64).orElse(StorageConfig.DEFAULT_POOL_SIZE);
        // Positive and at most an hour, as every duration here: 0 would be PostgreSQL's "no limit".
        Duration statementTimeout = duration("database.statement_timeout")
                .orElse(StorageConfig.DEFAULT_STATEMENT_TIMEOUT);
        Optional<String> keysetJson = string("keyset.json");
        Optional<Path> keysetFile = path("keyset.file");
        if (keysetJson.isPresent() && keysetFile.isPresent()) {
            problem("keyset.json", "set either keyset.json or keyset.file, not both");
        }
        KeysetSource keyset = keysetJson.<KeysetSource>map(json -> new KeysetSource.Json(
                        settings.get("keyset.json").source(), json))
                .orElseGet(() -> KeysetSource.file(keysetFile.orElse(dataDir.resolve(StorageConfig.EMBEDDED_KEYSET_FILE))));
        // Generating is right for the zero-setup default only: a configured keyset that is missing is an error.
        boolean generate = bool("keyset.generate").orElse(keysetJson.isEmpty() && keysetFile.isEmpty());
        if (generate && keysetJson.isPresent()) {
            problem("keyset.generate", "only a keyset file can be generated, not one given as JSON");
        }
        Path connectorsDir = path("connectors.dir").orElse(ServerConfig.DEFAULT_CONNECTORS_DIR);
        if (Files.exists(connectorsDir) && !Files.isDirectory(connectorsDir)) {
            // A connector jar given here instead of its folder would be skipped without a word.
            problem("connectors.dir", "must be a folder holding one subfolder per drop-in connector, not a file");
        }
        long maxRequestBytes = size("max_request_bytes").orElse(ServerConfig.DEFAULT_MAX_REQUEST_BYTES);
        Duration connectTimeout = duration("provider.connect_timeout").orElse(Duration.ofSeconds(10));
        Duration callTimeout = duration("provider.call_timeout").orElse(Duration.ofSeconds(30));
        boolean accessLog = bool("access_log").orElse(true);
        // By default a request in flight on stop may run to its own end: every provider call is cut off by then.
        // A shorter drain would close, unanswered, a write the provider may have applied, and its retry repeat it.
        Duration shutdownTimeout = duration("shutdown_timeout")
                .orElse(callTimeout.plus(ServerConfig.CALL_TIMEOUT_GRACE).plusSeconds(1));
        List<String> corsOrigins = origins("cors.allowed_origins");
        Map<String, ServerConfig.ConnectorSettings> connectors = connectors();
        Map<String, String> logging = new TreeMap<>(Map.of(ServerLogging.LOG_DIR,
                path("log.dir").orElse(dataDir.resolve("logs")).toString()));
        for (String key : List.of("log.level", "log.format")) {
            string(key).ifPresent(value -> ServerLogging.problem(envName(key), value).ifPresentOrElse(
                    why -> problem(key, why), () -> logging.put(envName(key), value)));
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(withoutPassword());
        }
        ServerConfig config = new ServerConfig(host, port, dataDir, databaseUrl, string("database.user"),
                string("database.password"), poolSize, statementTimeout, keyset, generate, connectorsDir, connectors, maxRequestBytes,
                connectTimeout, callTimeout, accessLog, shutdownTimeout, corsOrigins, logging);
        try {
            // The storage's own URL rules (a SQLite URL without a file, say); its pool size and keyset rules are
            // checked above, so what it refuses here is the URL.
            config.storage();
        } catch (IllegalArgumentException e) {
            problem("database.url", String.valueOf(e.getMessage()).replaceFirst("^jdbcUrl: ", ""));
            throw new ConfigException(withoutPassword());
        }
        return config;
    }

    /**
     * Web origins as browsers send them in {@code Origin}: scheme, lower-case host and a port only when not the
     * scheme's default. Listed one by one: a page on any origin could otherwise drive the API with a session token
     * it was handed.
     */
    private List<String> origins(String key) {
        List<String> origins = new ArrayList<>();
        for (String item : string(key).map(v -> v.split(",", -1)).orElse(new String[0])) {
            String given = item.strip();
            String why = null;
            if (given.isEmpty()) {
                why = "an empty item (a comma too many): origins are separated by single commas";
            } else if (given.equals("*")) {
                why = "'*' is not accepted; list each origin whose pages may call the API, e.g. https://app.example.com";
            } else {
                try {
                    URI uri = new URI(given);
                    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
                    if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
                        why = "'" + given + "' is not an origin: scheme (http or https) and host, e.g. https://app.example.com";
                    } else if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null
                            || !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/")) {
                        why = "'" + given + "' is not an origin: scheme, host and port only, without a path";
                    } else {
                        int port = uri.getPort();
                        boolean defaultPort = port == -1 || port == (scheme.equals("http") ? 80 : 443);
                        origins.add(scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT)
                                + (defaultPort ? "" : ":" + port));
                    }
                } catch (URISyntaxException e) {
                    why = "'" + given + "' is not an origin: " + e.getReason();
                }
            }
            if (why != null) {
                problem(key, why);
            }
        }
        return List.copyOf(new LinkedHashSet<>(origins));
    }

    private Map<String, ServerConfig.ConnectorSettings> connectors() {
        Map<String, Optional<URI>> urls = new LinkedHashMap<>();
        Map<String, Map<String, String>> others = new LinkedHashMap<>();
        settings.forEach((key, setting) -> {
            Matcher m = CONNECTOR_KEY.matcher(key);
            // Empty counts as not set, as for every other setting (an unset variable in a compose file).
            if (!m.matches() || setting.value().isEmpty()) {
                return;
            }
            String id = m.group(1);
            urls.putIfAbsent(id, Optional.empty());
            others.putIfAbsent(id, new LinkedHashMap<>());
            if (m.group(2).equals("base_url")) {
                urls.put(id, baseUrl(key, setting));
            } else {
                others.get(id).put(m.group(2), setting.value());
            }
        });
        Map<String, ServerConfig.ConnectorSettings> result = new LinkedHashMap<>();
        urls.forEach((id, url) -> result.put(id, new ServerConfig.ConnectorSettings(url, others.get(id))));
        return result;
    }

    private Optional<URI> baseUrl(String key, Setting setting) {
        try {
            URI uri = new URI(setting.value());
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                problem(key, "must be an absolute http(s) URL such as https://api.example.com/v1");
                return Optional.empty();
            }
            if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
                problem(key, "must not carry a query, fragment or user info");
                return Optional.empty();
            }
            return Optional.of(uri);
        } catch (URISyntaxException e) {
            problem(key, "is not a valid URL: " + e.getReason());
            return Optional.empty();
        }
    }

    /**
     * The problems with the configured database password replaced wherever it shows: also in a setting it was
     * pasted into by mistake, or in a URL whose user info the patterns above could not tell apart.
     */
    private List<String> withoutPassword() {
        Optional<String> password = string("database.password").filter(p -> p.length() >= MIN_MASKED_PASSWORD);
        return password.map(p -> problems.stream().map(problem -> problem.replace(p, "***")).toList())
                .orElse(problems);
    }

    private void problem(String key, String message) {
        Setting setting = settings.get(key);
        String where = setting == null ? envName(key) : setting.source();
        // Values are shown to help, but never a password: neither as a parameter nor as a URL's user info.
        String shown = setting == null || key.contains("password") || key.contains("json") ? ""
                : ", got '" + SHOWN_USER_INFO.matcher(setting.value().replaceAll("(?i)(password=)[^&;]*", "$1***"))
                        .replaceAll("//***@") + "'";
        problems.add(where + ": " + message + shown);
    }

    private Optional<String> string(String key) {
        return Optional.ofNullable(settings.get(key)).map(Setting::value).filter(v -> !v.isEmpty());
    }

    private Optional<Path> path(String key) {
        return string(key).flatMap(value -> {
            try {
                return Optional.of(Path.of(value));
            } catch (InvalidPathException e) {
                problem(key, "is not a usable path: " + e.getReason());
                return Optional.empty();
            }
        });
    }

    private Optional<Integer> integer(String key, int min, int max) {
        return string(key).flatMap(v -> {
            try {
                int value = Integer.parseInt(v);
                if (value >= min && value <= max) {
                    return Optional.of(value);
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            problem(key, "must be a whole number from " + min + " to " + max);
            return Optional.empty();
        });
    }

    private Optional<Boolean> bool(String key) {
        return string(key).flatMap(v -> {
            if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
                return Optional.of(Boolean.parseBoolean(v));
            }
            problem(key, "must be true or false");
            return Optional.empty();
        });
    }

    private Optional<Long> size(String key) {
        return string(key).flatMap(v -> {
            Matcher m = SIZE.matcher(v);
            if (m.matches()) {
                try {
                    long number = Long.parseLong(m.group(1));
                    String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
                    long bytes = Math.multiplyExact(number, unit.equals("mib") ? 1024L * 1024 : unit.equals("kib") ? 1024L : 1L);
                    if (bytes >= 1024 && bytes <= 1024L * 1024 * 1024) {
                        return Optional.of(bytes);
                    }
                } catch (ArithmeticException | NumberFormatException ignored) {
                    // reported below
                }
            }
            problem(key, "must be a size from 1KiB to 1024MiB, in bytes or with KiB/MiB (e.g. 1048576 or 1MiB)");
            return Optional.empty();
        });
    }

    private Optional<Duration> duration(String key) {
        return string(key).flatMap(v -> {
            Matcher m = DURATION.matcher(v);
            if (m.matches()) {
                try {
                    long n = Long.parseLong(m.group(1));
                    Duration d = switch (m.group(2).toLowerCase(Locale.ROOT)) {
                        case "ms" -> Duration.ofMillis(n);
                        case "s" -> Duration.ofSeconds(n);
                        default -> Duration.ofMinutes(n);
                    };
                    if (!d.isZero() && d.compareTo(Duration.ofHours(1)) <= 0) {
                        return Optional.of(d);
                    }
                } catch (ArithmeticException | NumberFormatException ignored) {
                    // too large for a Duration or a long: reported below
                }
            }
            problem(key, "must be a positive duration up to 1 hour with a unit: ms, s or m (e.g. 10s)");
            return Optional.empty();
        });
    }
}
