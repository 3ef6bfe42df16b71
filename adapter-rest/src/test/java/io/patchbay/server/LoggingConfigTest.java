package io.patchbay.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.status.Status;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server's own logging configuration (tests run with logback-test.xml), loaded as the server loads it. */
class LoggingConfigTest {
    @TempDir
    Path logDir;

    @Test
    void everyLineReachesTheConsoleAndTheLogFileAndTheConfigurationRaisesNoWarning() throws Exception {
        URL config = getClass().getClassLoader().getResource("logback.xml");
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter());
        context.putProperty("PATCHBAY_LOG_DIR", logDir.toString());
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(config);

        PrintStream stdout = System.out;
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        System.setOut(new PrintStream(console, true, StandardCharsets.UTF_8));
        try {
            context.getLogger("io.patchbay.server.LoggingConfigTest").info("line {} of the test", 1);
            context.getLogger("io.patchbay.server.LoggingConfigTest").debug("below the default level");
            context.stop(); // drains the asynchronous queue, then flushes and closes the outputs
        } finally {
            System.setOut(stdout);
        }

        assertThat(context.getStatusManager().getCopyOfStatusList())
                .as("warnings and errors while configuring (an appender ignored, a bad property)")
                .noneMatch(status -> status.getEffectiveLevel() >= Status.WARN);
        assertThat(console.toString(StandardCharsets.UTF_8)).contains("INFO  i.p.s.LoggingConfigTest - line 1 of "
                + "the test").doesNotContain("below the default level");
        assertThat(Files.readString(logDir.resolve("patchbay.log")))
                .contains("INFO  [main] io.patchbay.server.LoggingConfigTest - line 1 of the test")
                .doesNotContain("below the default level");
    }
}
