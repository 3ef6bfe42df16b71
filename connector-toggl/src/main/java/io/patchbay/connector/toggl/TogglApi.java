package io.patchbay.connector.toggl;

import java.util.List;
import java.util.Map;
import okhttp3.ResponseBody;
import retrofit2.Call;
import retrofit2.http.Body;
import retrofit2.http.DELETE;
import retrofit2.http.GET;
import retrofit2.http.Header;
import retrofit2.http.PATCH;
import retrofit2.http.POST;
import retrofit2.http.PUT;
import retrofit2.http.Path;
import retrofit2.http.Query;

/**
 * The Toggl endpoints the connector uses: Track API v9, Reports API v3 and Webhooks API v1, all below the same
 * host. Paths are relative so a base URL with a path prefix (a proxy) keeps working.
 */
interface TogglApi {
    String AUTH = "Authorization";

    // Track API v9: the user

    @GET("api/v9/me")
    Call<Dto.Me> me(@Header(AUTH) String auth);

    @GET("api/v9/me/workspaces")
    Call<List<Dto.MeWorkspace>> workspaces(@Header(AUTH) String auth);

    /**
     * Answers the new token; the old one stops working at once. Read raw: the spec leaves the body unspecified
     * (a JSON string in practice), and a body the converter cannot read would lose the only copy of the token.
     */
    @POST("api/v9/me/reset_token")
    Call<ResponseBody> resetToken(@Header(AUTH) String auth);

    // Track API v9: time entries

    @GET("api/v9/me/time_entries")
    Call<List<Dto.TimeEntry>> timeEntries(@Header(AUTH) String auth, @Query("start_date") String startDate,
                                          @Query("end_date") String endDate);

    @GET("api/v9/me/time_entries/{id}")
    Call<Dto.TimeEntry> timeEntry(@Header(AUTH) String auth, @Path("id") long id);

    /** Answers JSON {@code null} when nothing runs. */
    @GET("api/v9/me/time_entries/current")
    Call<Dto.TimeEntry> currentTimeEntry(@Header(AUTH) String auth);

    @POST("api/v9/workspaces/{wid}/time_entries")
    Call<Dto.TimeEntry> createTimeEntry(@Header(AUTH) String auth, @Path("wid") long workspaceId,
                                        @Body Map<String, Object> body);

    @PUT("api/v9/workspaces/{wid}/time_entries/{id}")
    Call<Dto.TimeEntry> updateTimeEntry(@Header(AUTH) String auth, @Path("wid") long workspaceId, @Path("id") long id,
                                        @Body Map<String, Object> body);

    @DELETE("api/v9/workspaces/{wid}/time_entries/{id}")
    Call<ResponseBody> deleteTimeEntry(@Header(AUTH) String auth, @Path("wid") long workspaceId, @Path("id") long id);

    @PATCH("api/v9/workspaces/{wid}/time_entries/{id}/stop")
    Call<Dto.TimeEntry> stopTimeEntry(@Header(AUTH) String auth, @Path("wid") long workspaceId, @Path("id") long id);

    // Track API v9: workspace entities

    @GET("api/v9/workspaces/{wid}/projects")
    Call<List<Dto.Project>> projects(@Header(AUTH) String auth, @Path("wid") long workspaceId,
                                     @Query("active") String active, @Query("page") int page,
                                     @Query("per_page") int perPage);

    @POST("api/v9/workspaces/{wid}/projects")
    Call<Dto.Project> createProject(@Header(AUTH) String auth, @Path("wid") long workspaceId,
                                    @Body Map<String, Object> body);

    @GET("api/v9/workspaces/{wid}/clients")
    Call<List<Dto.Client>> clients(@Header(AUTH) String auth, @Path("wid") long workspaceId,
                                   @Query("status") String status);

    @POST("api/v9/workspaces/{wid}/clients")
    Call<Dto.Client> createClient(@Header(AUTH) String auth, @Path("wid") long workspaceId,
                                  @Body Map<String, Object> body);

    @GET("api/v9/workspaces/{wid}/tags")
    Call<List<Dto.Tag>> tags(@Header(AUTH) String auth, @Path("wid") long workspaceId, @Query("page") int page,
                             @Query("per_page") int perPage);

    /** The spec declares an array of tags, other sources a single tag: read as a JSON value and decide then. */
    @POST("api/v9/workspaces/{wid}/tags")
    Call<Object> createTag(@Header(AUTH) String auth, @Path("wid") long workspaceId, @Body Map<String, Object> body);

    @GET("api/v9/workspaces/{wid}/tasks")
    Call<Dto.TaskPage> tasks(@Header(AUTH) String auth, @Path("wid") long workspaceId, @Query("pid") Long projectId,
                             @Query("active") String active, @Query("page") int page, @Query("per_page") int perPage);

    @GET("api/v9/workspaces/{wid}/users")
    Call<List<Dto.WorkspaceUser>> workspaceUsers(@Header(AUTH) String auth, @Path("wid") long workspaceId);

    // Reports API v3

    @POST("reports/api/v3/workspace/{wid}/search/time_entries")
    Call<List<Dto.ReportRow>> searchTimeEntries(@Header(AUTH) String auth, @Path("wid") long workspaceId,
                                                @Body Dto.ReportQuery query);

    // Webhooks API v1

    @GET("webhooks/api/v1/subscriptions/{wid}")
    Call<List<Dto.Subscription>> subscriptions(@Header(AUTH) String auth, @Path("wid") long workspaceId);

    @POST("webhooks/api/v1/subscriptions/{wid}")
    Call<Dto.Subscription> createSubscription(@Header(AUTH) String auth, @Path("wid") long workspaceId,
                                              @Body Dto.SubscriptionWrite body);

    @DELETE("webhooks/api/v1/subscriptions/{wid}/{sid}")
    Call<ResponseBody> deleteSubscription(@Header(AUTH) String auth, @Path("wid") long workspaceId,
                                          @Path("sid") long subscriptionId);

    @GET("webhooks/api/v1/validate/{wid}/{sid}/{code}")
    Call<ResponseBody> validateSubscription(@Header(AUTH) String auth, @Path("wid") long workspaceId,
                                            @Path("sid") long subscriptionId, @Path("code") String code);

    @POST("webhooks/api/v1/ping/{wid}/{sid}")
    Call<Dto.Status> pingSubscription(@Header(AUTH) String auth, @Path("wid") long workspaceId,
                                      @Path("sid") long subscriptionId);
}
