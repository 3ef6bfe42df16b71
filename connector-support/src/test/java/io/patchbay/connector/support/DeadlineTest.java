package io.patchbay.connector.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.ResponseBody;
import org.junit.jupiter.api.Test;
import retrofit2.Call;
import retrofit2.Retrofit;
import retrofit2.http.GET;

class DeadlineTest {
    interface Api {
        @GET("slow")
        Call<ResponseBody> slow();
    }

    private static Api api(MockWebServer server) throws IOException {
        server.start();
        return new Retrofit.Builder().baseUrl(server.url("/")).build().create(Api.class);
    }

    @Test
    void aCallGetsOnlyTheTimeThatIsLeft() throws IOException {
        try (MockWebServer server = new MockWebServer()) {
            Call<ResponseBody> call = api(server).slow();

            assertThat(Deadline.after(Duration.ofSeconds(2)).bound(call)).isTrue();

            assertThat(call.timeout().timeoutNanos()).isPositive()
                    .isLessThanOrEqualTo(Duration.ofSeconds(2).toNanos());
        }
    }

    @Test
    void aCallPastTheDeadlineIsNotToBeSentAndKeepsItsTimeout() throws IOException {
        try (MockWebServer server = new MockWebServer()) {
            Call<ResponseBody> call = api(server).slow();
            long before = call.timeout().timeoutNanos();

            assertThat(Deadline.after(Duration.ZERO).bound(call)).isFalse();

            assertThat(call.timeout().timeoutNanos()).isEqualTo(before);
            assertThat(server.getRequestCount()).isZero();
        }
    }

    @Test
    void aBoundCallIsCutOffAtTheDeadline() throws IOException {
        try (MockWebServer server = new MockWebServer()) {
            server.enqueue(new MockResponse.Builder().headersDelay(5, TimeUnit.SECONDS).build());
            Call<ResponseBody> call = api(server).slow();
            long start = System.nanoTime();

            assertThat(Deadline.after(Duration.ofMillis(300)).bound(call)).isTrue();

            assertThatThrownBy(call::execute).isInstanceOf(InterruptedIOException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        }
    }

    @Test
    void leavesTimeAfterAWaitOnlyWhenTheWaitEndsBeforeTheDeadline() {
        Deadline deadline = Deadline.after(Duration.ofSeconds(5));

        assertThat(deadline.leavesTimeAfter(Duration.ofSeconds(1))).isTrue();
        assertThat(deadline.leavesTimeAfter(Duration.ofSeconds(10))).isFalse();
        assertThat(Deadline.after(Duration.ZERO).leavesTimeAfter(Duration.ZERO)).isFalse();
    }

    @Test
    void theTimeoutIsRequired() {
        assertThatThrownBy(() -> Deadline.after(null)).isInstanceOf(NullPointerException.class).hasMessage("timeout");
    }
}
