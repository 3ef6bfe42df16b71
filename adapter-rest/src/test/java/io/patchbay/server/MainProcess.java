package io.patchbay.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * {@code Main} in a new JVM, as an operator runs it: the tests' class path without their logging set-up, no
 * {@code PATCHBAY_*} variable but the ones given, standard error merged into standard output.
 */
public final class MainProcess {
    private MainProcess() {
    }

    /** What the process printed before it ended by itself, and its exit code. */
    public record Ended(String output, int exitCode) {
    }

    public static Process launch(List<String> jvmOptions, Map<String, String> env, String... args) throws IOException {
        String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.endsWith("test-classes")).collect(Collectors.joining(File.pathSeparator));
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", classPath, Main.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("PATCHBAY_"));
        builder.environment().putAll(env);
        return builder.start();
    }

    /** Runs the process until it ends by itself, failing the test if it has not within {@code limit}. */
    public static Ended runToExit(Duration limit, List<String> jvmOptions, Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        Process process = launch(jvmOptions, env, args);
        try {
            boolean ended = process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
            if (!ended) {
                process.destroyForcibly().waitFor();
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(ended).as("the process ends by itself:%n%s", output).isTrue();
            return new Ended(output, process.exitValue());
        } finally {
            process.destroyForcibly();
        }
    }
}
