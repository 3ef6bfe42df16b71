package io.patchbay.connector.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.Map;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.ResponseBody;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import retrofit2.Call;
import retrofit2.Retrofit;
import retrofit2.converter.moshi.MoshiConverterFactory;
import retrofit2.http.Body;
import retrofit2.http.GET;
import retrofit2.http.POST;

class EmptyBodiesTest {
    interface Api {
        @GET("thing")
        Call<Map<String, Object>> thing();

        @GET("raw")
        Call<ResponseBody> raw();

        @POST("things")
        Call<Map<String, Object>> create(@Body Map<String, Object> thing);
    }

    private MockWebServer server;
    private Api api;

    @BeforeEach
    void start() throws IOException {
        server = new MockWebServer();
        server.start();
        api = new Retrofit.Builder().baseUrl(server.url("/"))
                .addConverterFactory(new EmptyBodies(MoshiConverterFactory.create()))
                .build().create(Api.class);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void anEmptySuccessBodyWhereJsonWasExpectedIsReportedAsSuch() {
        server.enqueue(new MockResponse.Builder().body("").build());

        assertThatThrownBy(() -> api.thing().execute()).isInstanceOf(EmptyBodies.Empty.class)
                .hasMessage("empty answer body where JSON was expected");
    }

    @Test
    void jsonIsConvertedByTheWrappedFactory() throws IOException {
        server.enqueue(new MockResponse.Builder().body("{\"id\":\"t1\"}").build());

        assertThat(api.thing().execute().body()).isEqualTo(Map.of("id", "t1"));
    }

    @Test
    void aBrokenJsonBodyFailsAsTheWrappedFactoryFails() {
        server.enqueue(new MockResponse.Builder().body("{\"id\":").build());

        assertThatThrownBy(() -> api.thing().execute()).isInstanceOf(IOException.class)
                .isNotInstanceOf(EmptyBodies.Empty.class);
    }

    @Test
    void requestBodiesAreWrittenByTheWrappedFactory() throws Exception {
        server.enqueue(new MockResponse.Builder().body("{}").build());

        api.create(Map.of("name", "a")).execute();

        assertThat(server.takeRequest().getBody().utf8()).isEqualTo("{\"name\":\"a\"}");
    }

    @Test
    void rawBodiesAreLeftToRetrofitEvenWhenEmpty() throws IOException {
        server.enqueue(new MockResponse.Builder().body("").build());

        try (ResponseBody body = api.raw().execute().body()) {
            assertThat(body.string()).isEmpty();
        }
    }

    @Test
    void theWrappedFactoryIsRequired() {
        assertThatThrownBy(() -> new EmptyBodies(null)).isInstanceOf(NullPointerException.class).hasMessage("json");
    }
}
