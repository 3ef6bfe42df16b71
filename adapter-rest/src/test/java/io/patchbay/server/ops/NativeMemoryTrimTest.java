package io.patchbay.server.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** When the compilers' freed memory is given back, and that the JVM's command for it is reached. */
class NativeMemoryTrimTest {
    private final AtomicLong compiled = new AtomicLong();
    private final NativeMemoryTrim trim = new NativeMemoryTrim(compiled::get, Duration.ofMinutes(1),
            Executors.newSingleThreadScheduledExecutor());

    @Test
    void trimsOnceTheCompilersGoQuietThenAtMostOncePerInterval() {
        compiled.set(900);
        assertThat(trim.due(2_000)).as("nothing seen yet").isFalse();
        compiled.set(1_400);
        assertThat(trim.due(3_000)).as("still compiling").isFalse();
        assertThat(trim.due(4_000)).as("quiet for one check").isTrue();
        assertThat(trim.due(5_000)).as("nothing compiled since the trim").isFalse();
        assertThat(trim.due(90_000)).isFalse();

        compiled.set(1_450);
        assertThat(trim.due(91_000)).isFalse();
        assertThat(trim.due(92_000)).as("a later burst, over a minute after the trim").isTrue();

        compiled.set(1_460);
        assertThat(trim.due(93_000)).isFalse();
        assertThat(trim.due(94_000)).as("within a minute of the last trim").isFalse();
        assertThat(trim.due(152_000)).as("still quiet, a minute after the last trim").isTrue();
    }

    @Test
    void waitsForTheJvmsArenaCleaningEveryFiveSecondsOfUptime() {
        assertThat(NativeMemoryTrim.untilArenasCleaned(4_200)).isEqualTo(1_300);
        assertThat(NativeMemoryTrim.untilArenasCleaned(5_000)).isEqualTo(5_500);
        assertThat(NativeMemoryTrim.untilArenasCleaned(61_999)).isEqualTo(3_501);
    }

    @Test
    void theJvmTrimsTheCHeapOnLinux() throws Exception {
        assumeTrue(System.getProperty("os.name").startsWith("Linux"), "glibc's malloc_trim is Linux only");
        assertThat(NativeMemoryTrim.trimNow()).startsWith("Trim native heap: RSS+Swap: ");
    }
}
