package io.patchbay.connector.oneflow;

import java.util.Map;
import okhttp3.ResponseBody;
import retrofit2.Call;
import retrofit2.http.Body;
import retrofit2.http.GET;
import retrofit2.http.Header;
import retrofit2.http.POST;
import retrofit2.http.PUT;
import retrofit2.http.Path;
import retrofit2.http.Query;
import retrofit2.http.QueryMap;
import retrofit2.http.Streaming;
import retrofit2.http.Tag;
import retrofit2.http.Url;

/**
 * Oneflow public API v1, relative to the base URL. Each call carries its {@link Auth} as a request tag; an
 * interceptor turns it into headers, so no method can forget them.
 */
interface OneflowApi {

    @GET("ping")
    Call<Void> ping(@Tag Auth auth);

    @GET("accounts/me")
    Call<Dto.Account> account(@Tag Auth auth);

    @GET("users")
    Call<Dto.Page<Dto.User>> users(@Tag Auth auth, @Query("limit") int limit, @Query("offset") int offset);

    @GET("workspaces")
    Call<Dto.Page<Dto.Workspace>> workspaces(@Tag Auth auth, @QueryMap Map<String, String> query);

    @GET("templates")
    Call<Dto.Page<Dto.Template>> templates(@Tag Auth auth, @QueryMap Map<String, String> query);

    @GET("contracts")
    Call<Dto.Page<Dto.Contract>> contracts(@Tag Auth auth, @QueryMap Map<String, String> query);

    @GET("contracts/{id}")
    Call<Dto.Contract> contract(@Tag Auth auth, @Path("id") long contractId);

    @POST("contracts/create")
    Call<Dto.Contract> createContract(@Tag Auth auth, @Body Map<String, Object> body);

    @POST("contracts/{id}/publish")
    Call<Dto.Contract> publish(@Tag Auth auth, @Path("id") long contractId, @Body Map<String, Object> body);

    @GET("contracts/{id}/parties")
    Call<Dto.Page<Map<String, Object>>> parties(@Tag Auth auth, @Path("id") long contractId,
                                                @Query("limit") int limit, @Query("offset") int offset);

    @GET("contracts/{id}/events")
    Call<Dto.Page<Dto.Event>> events(@Tag Auth auth, @Path("id") long contractId,
                                     @QueryMap Map<String, String> query);

    @GET("contracts/{id}/data_fields")
    Call<Dto.Page<Dto.DataField>> dataFields(@Tag Auth auth, @Path("id") long contractId, @Query("limit") int limit,
                                             @Query("offset") int offset);

    /** {@code ref} is the numeric id or {@code c::<custom_id>}. */
    @PUT("contracts/{id}/data_fields/{ref}")
    Call<Dto.DataField> updateDataField(@Tag Auth auth, @Path("id") long contractId, @Path("ref") String ref,
                                        @Body Map<String, Object> body);

    @GET("contracts/{id}/files")
    Call<Dto.Page<Dto.File>> files(@Tag Auth auth, @Path("id") long contractId, @Query("limit") int limit,
                                   @Query("offset") int offset);

    /** Answers with the bytes, or with a redirect to them (redirects are followed by the caller). */
    @Streaming
    @GET("contracts/{id}/files/{fileId}?download=true")
    Call<ResponseBody> download(@Tag Auth auth, @Path("id") long contractId, @Path("fileId") long fileId,
                                @Header("Accept") String accept);

    /** A redirect target; {@code auth} is null when the target is not the API's own origin. */
    @Streaming
    @GET
    Call<ResponseBody> fetch(@Tag Auth auth, @Url String url, @Header("Accept") String accept);

    /** The headers of one call. The token never appears in {@link #toString()}. */
    record Auth(String token, String email) {
        static final String TOKEN_HEADER = "x-oneflow-api-token";
        static final String EMAIL_HEADER = "x-oneflow-user-email";

        /** Token only: Oneflow then acts as the account's anonymous admin (used to look the user up). */
        static Auth tokenOnly(String token) {
            return new Auth(token, null);
        }

        Map<String, String> headers() {
            return email == null ? Map.of(TOKEN_HEADER, token) : Map.of(TOKEN_HEADER, token, EMAIL_HEADER, email);
        }

        @Override
        public String toString() {
            return "Auth[token=****, email=" + email + "]";
        }
    }
}
