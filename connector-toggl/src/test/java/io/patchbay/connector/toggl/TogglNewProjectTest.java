package io.patchbay.connector.toggl;

import static io.patchbay.connector.toggl.fake.FakeToggl.ALICE;
import static io.patchbay.connector.toggl.fake.FakeToggl.DAVE;
import static io.patchbay.connector.toggl.fake.FakeToggl.PROJECT_WEBSITE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.patchbay.connector.toggl.fake.Fault;
import io.patchbay.connector.toggl.fake.FakeRequest;
import io.patchbay.connector.toggl.fake.FakeToggl;
import io.patchbay.spi.ActionCall;
import io.patchbay.spi.Connector;
import io.patchbay.spi.Credentials;
import io.patchbay.spi.InsufficientPermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Toggl's permissions learn of a new project a few seconds after it is created, and until then refuse requests
 * naming it with the same 403 as a project the user may not use. Toggl advises waiting 2-5 s and trying up to 3 times.
 */
class TogglNewProjectTest {
    @RegisterExtension
    static final TogglOnFake TOGGL = new TogglOnFake();
    private static final FakeToggl FAKE = TOGGL.fake();
    private static final Connector CONNECTOR = TOGGL.connector();
    private static final String ENTRIES = "/api/v9/workspaces/2001/time_entries";

    @SuppressWarnings("unchecked")
    private static Map<String, Object> run(Credentials credentials, String action, Map<String, Object> input) {
        return (Map<String, Object>) CONNECTOR.invoke(new ActionCall(action, credentials, Optional.of("2001"), input))
                .output();
    }

    @SuppressWarnings("unchecked")
    private static long newProject(String name) {
        Map<String, Object> project = (Map<String, Object>) run(TestContexts.token(ALICE), "create_project",
                Map.of("name", name)).get("project");
        return ((Number) project.get("id")).longValue();
    }

    @Test
    void aTimerOnAProjectJustCreatedIsStartedOnceTogglKnowsTheProject() {
        FAKE.newProjectsUnknownFor(2);
        long project = newProject("Launch");
        FAKE.clearRequests();

        @SuppressWarnings("unchecked")
        Map<String, Object> entry = (Map<String, Object>) run(TestContexts.token(ALICE), "start_timer",
                Map.of("description", "kick-off", "project_id", project)).get("time_entry");

        assertThat(entry).containsEntry("project_id", project).containsEntry("running", true);
        List<FakeRequest> sent = FAKE.requests("POST", ENTRIES);
        assertThat(sent).as("refused twice, then accepted").hasSize(3);
        assertThat(sent).extracting(FakeRequest::body).containsOnly(sent.get(0).body());
        assertThat(FAKE.timeEntries("kick-off")).hasSize(1);
        assertThat(FAKE.internalErrors()).isEmpty();
    }

    @Test
    void aProjectStillUnknownAfterThreeMoreTriesIsReportedAsSuchWithTogglsAnswer() {
        FAKE.newProjectsUnknownFor(10);
        long project = newProject("Launch");
        FAKE.clearRequests();

        InsufficientPermissions refused = catchThrowableOfType(InsufficientPermissions.class,
                () -> run(TestContexts.token(ALICE), "create_time_entry", Map.of("project_id", project,
                        "start", "2026-01-05T09:00:00Z", "duration", 600, "description", "planning")));

        assertThat(refused.code()).isEqualTo("forbidden");
        assertThat(refused.getMessage()).contains("User does not have access to this resource")
                .contains("project " + project + " was created moments ago").contains("sent 4 times");
        assertThat(FAKE.requests("POST", ENTRIES)).hasSize(4);
        assertThat(FAKE.timeEntries("planning")).isEmpty();
    }

    @Test
    void aNoAccessAnswerOnAProjectNotCreatedHereIsTriedOnceMoreAndSaysItMayBeNew() {
        // Dave belongs to no workspace: Toggl's plain "no access", which a project created elsewhere a moment ago
        // would get too; the connector cannot tell them apart.
        InsufficientPermissions refused = catchThrowableOfType(InsufficientPermissions.class,
                () -> run(TestContexts.token(DAVE), "start_timer", Map.of("project_id", PROJECT_WEBSITE)));

        assertThat(refused.getMessage()).contains("User does not have access to this resource")
                .contains("if project " + PROJECT_WEBSITE + " was created moments ago").contains("sent 2 times");
        assertThat(FAKE.requests("POST", ENTRIES)).hasSize(2);
    }

    @Test
    void aNoAccessAnswerThatNamesNoProjectIsNotSentAgain() {
        InsufficientPermissions refused = catchThrowableOfType(InsufficientPermissions.class,
                () -> run(TestContexts.token(DAVE), "start_timer", Map.of("description", "x")));

        assertThat(refused.getMessage()).doesNotContain("moments ago");
        assertThat(FAKE.requests("POST", ENTRIES)).hasSize(1);
    }

    @Test
    void aRefusalThatSaysWhyIsNeverSentAgain() {
        FAKE.enqueue(Fault.status(403, "Only organization or workspace administrators may manage tags in this "
                + "workspace.").onPath(ENTRIES));

        InsufficientPermissions refused = catchThrowableOfType(InsufficientPermissions.class,
                () -> run(TestContexts.token(ALICE), "start_timer", Map.of("project_id", PROJECT_WEBSITE,
                        "tags", List.of("brand-new-tag"))));

        assertThat(refused.getMessage()).contains("Only organization or workspace administrators")
                .doesNotContain("moments ago");
        assertThat(FAKE.requests("POST", ENTRIES)).hasSize(1);
    }
}
