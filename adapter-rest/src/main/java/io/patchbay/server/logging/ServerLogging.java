package io.patchbay.server.logging;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.jul.LevelChangePropagator;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy;
import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.util.FileSize;
import io.patchbay.storage.OwnerOnly;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * The server's logging, set up in code: the console, and a rolling file under {@code PATCHBAY_LOG_DIR}, both fed by
 * one asynchronous queue, at {@code PATCHBAY_LOG_LEVEL}, as text or JSON lines ({@code PATCHBAY_LOG_FORMAT}).
 * Logback finds it through {@link java.util.ServiceLoader}. The same set-up written as {@code logback.xml} loaded
 * about 450 more classes: the XML parser and Logback's configuration model.
 *
 * <p>Any XML configuration wins: {@code -Dlogback.configurationFile}, or a {@code logback-test.xml} or
 * {@code logback.xml} on the class path (an application embedding the server, a test).
 */
public final class ServerLogging extends ContextAwareBase implements Configurator {
    public static final String LOG_DIR = "PATCHBAY_LOG_DIR";
    public static final String LOG_LEVEL = "PATCHBAY_LOG_LEVEL";
    /** {@code text} (default) or {@code json}: one JSON object per line, for log collectors. */
    public static final String LOG_FORMAT = "PATCHBAY_LOG_FORMAT";
    static final String DEFAULT_LOG_DIR = "data/logs";
    /** The values each setting may take (in any case), and its default. */
    private static final Map<String, Choice> CHOICES = new TreeMap<>(Map.of(
            LOG_LEVEL, new Choice("INFO", List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF")),
            LOG_FORMAT, new Choice("TEXT", List.of("TEXT", "JSON"))));
    /** Libraries that say too much at INFO. */
    private static final List<String> QUIET = List.of("org.eclipse.jetty", "io.javalin", "com.zaxxer.hikari",
            "org.flywaydb");

    private final Function<String, String> settings;
    private final ClassLoader resources;

    /** As Logback creates it: settings from system properties, then the environment. */
    public ServerLogging() {
        this(name -> Optional.ofNullable(System.getProperty(name)).orElseGet(() -> System.getenv(name)),
                ServerLogging.class.getClassLoader());
    }

    ServerLogging(Function<String, String> settings, ClassLoader resources) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.resources = Objects.requireNonNull(resources, "resources");
    }

    /**
     * Why {@code value} cannot be the setting {@code name}, if it cannot. Logback would read an unknown level as
     * DEBUG (logging more than asked); the server refuses to start instead.
     */
    public static Optional<String> problem(String name, String value) {
        return valid(name, value) ? Optional.empty()
                : Optional.of("must be one of " + CHOICES.get(name).values() + " (in any case)");
    }

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (settings.apply("logback.configurationFile") != null || resources.getResource("logback-test.xml") != null
                || resources.getResource("logback.xml") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        apply(context);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** Attaches the server's outputs to {@code context}'s root logger. */
    void apply(LoggerContext context) {
        String dir = Optional.ofNullable(settings.apply(LOG_DIR)).filter(d -> !d.isBlank()).orElse(DEFAULT_LOG_DIR);
        Level level = Level.toLevel(chosen(LOG_LEVEL));
        boolean json = chosen(LOG_FORMAT).equals("JSON");

        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setEncoder(json ? json(context) : text(context, "%d{HH:mm:ss.SSS} %-5level %logger{24} - %msg%n"));

        try {
            // Logback would create a missing directory readable by everyone; the logs name accounts and callers.
            OwnerOnly.createDirectories(Path.of(dir));
        } catch (IOException | RuntimeException e) {
            addWarn("Cannot create the log directory " + dir + ": " + e.getMessage());
        }
        RollingFileAppender<ILoggingEvent> file = new RollingFileAppender<>();
        file.setContext(context);
        file.setFile(dir + "/patchbay.log");
        SizeAndTimeBasedRollingPolicy<ILoggingEvent> rolling = new SizeAndTimeBasedRollingPolicy<>();
        rolling.setContext(context);
        rolling.setParent(file);
        rolling.setFileNamePattern(dir + "/patchbay.%d{yyyy-MM-dd}.%i.log.gz");
        rolling.setMaxFileSize(FileSize.valueOf("50MB"));
        rolling.setMaxHistory(14);
        rolling.setTotalSizeCap(FileSize.valueOf("1GB"));
        rolling.start();
        file.setRollingPolicy(rolling);
        file.setEncoder(json ? json(context) : text(context, "%d{ISO8601} %-5level [%thread] %logger - %msg%n"));

        // Request threads hand lines over instead of writing them: an access line per request stays cheap. Nothing
        // is dropped: with a full queue a request waits for the writer. One queue feeds both outputs. A line logged
        // during a connector call has the call's secrets masked before it is queued.
        FanOutAppender outputs = new FanOutAppender();
        outputs.addAppender(start(context, "CONSOLE", console));
        outputs.addAppender(start(context, "FILE", file));
        AsyncAppender async = new MaskingAsyncAppender();
        async.setContext(context); // before anything is attached: it reports each attachment to the context
        async.setQueueSize(8192);
        async.setDiscardingThreshold(0);
        async.setNeverBlock(false);
        async.addAppender(start(context, "OUTPUTS", outputs));

        // java.util.logging (a library in a drop-in connector, OkHttp's logging interceptor) into the same queue,
        // masked like the rest instead of printed to standard error as it is; its levels follow these, so a line
        // below them is not even built.
        LevelChangePropagator levels = new LevelChangePropagator();
        levels.setContext(context);
        levels.setResetJUL(true);
        levels.start();
        context.addListener(levels);
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }

        QUIET.forEach(name -> context.getLogger(name).setLevel(Level.WARN));
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(level);
        root.addAppender(start(context, "ASYNC", async));
    }

    /**
     * Writes out the queued lines and closes the outputs; the last thing the server does when it stops. (Logback's
     * own shutdown hook would run beside the server's and could stop logging before the server's last lines.)
     */
    public static void stop() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.stop();
        }
    }

    /** The setting in upper case, or its default when unset, blank or (with an error status) not a choice. */
    private String chosen(String name) {
        String value = settings.apply(name);
        String fallback = CHOICES.get(name).fallback();
        if (!valid(name, value)) {
            // Main refuses such a value before logging starts; an embedding application gets the default and this.
            addError(name + ": " + problem(name, value).orElseThrow() + ", got '" + value + "'; using " + fallback);
            return fallback;
        }
        return value == null || value.isBlank() ? fallback : value.strip().toUpperCase(Locale.ROOT);
    }

    private static boolean valid(String name, String value) {
        return value == null || value.isBlank() || CHOICES.get(name).values()
                .contains(value.strip().toUpperCase(Locale.ROOT));
    }

    private static Encoder<ILoggingEvent> text(LoggerContext context, String pattern) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(pattern);
        encoder.start();
        return encoder;
    }

    /** The time, level, thread, logger, message (formatted) and any exception with its stack. */
    private static Encoder<ILoggingEvent> json(LoggerContext context) {
        JsonEncoder encoder = new JsonEncoder();
        encoder.setContext(context);
        encoder.setWithSequenceNumber(false);
        encoder.setWithNanoseconds(false);
        encoder.setWithContext(false);
        encoder.setWithMessage(false);
        encoder.setWithArguments(false);
        encoder.setWithFormattedMessage(true);
        encoder.start();
        return encoder;
    }

    private record Choice(String fallback, List<String> values) {
    }

    private static <A extends Appender<ILoggingEvent>> A start(LoggerContext context, String name, A appender) {
        appender.setContext(context);
        appender.setName(name);
        appender.start();
        return appender;
    }
}
