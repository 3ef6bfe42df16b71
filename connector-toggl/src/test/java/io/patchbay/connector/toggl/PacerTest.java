package io.patchbay.connector.toggl;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.connector.support.Deadline;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The turns of one token's requests. */
class PacerTest {
    @Test
    void aRequestThatNeedNotWaitGoesWhateverIsLeftOfItsCallAndOnlyAWaitThatCannotEndInTimeIsRefused()
            throws InterruptedException {
        Pacer pacer = new Pacer(Duration.ofSeconds(10), Duration.ofMillis(500));

        assertThat(pacer.acquire(Deadline.after(Duration.ofMillis(100)))).as("less than the margin left, no wait")
                .isEmpty();
        assertThat(pacer.acquire(Deadline.after(Duration.ofSeconds(5)))).as("the next turn is 10 s away")
                .hasValueSatisfying(wait -> assertThat(wait).isGreaterThan(Duration.ofSeconds(9)));
    }
}
