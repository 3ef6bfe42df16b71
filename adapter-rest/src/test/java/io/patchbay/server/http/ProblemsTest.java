package io.patchbay.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.patchbay.core.error.DuplicateAccountException;
import io.patchbay.core.error.ForbiddenException;
import io.patchbay.core.error.IdentityMismatchException;
import io.patchbay.core.error.InvalidInputException;
import io.patchbay.core.error.LinkBlockedException;
import io.patchbay.core.error.NotFoundException;
import io.patchbay.core.error.SecretUnavailableException;
import io.patchbay.core.error.StaleVersionException;
import io.patchbay.core.error.WorkspaceChoiceRequiredException;
import io.patchbay.spi.CredentialFormatException;
import io.patchbay.spi.FieldError;
import io.patchbay.spi.InputRejected;
import io.patchbay.spi.InsufficientPermissions;
import io.patchbay.spi.InvalidCredentials;
import io.patchbay.spi.Notice;
import io.patchbay.spi.ProviderRejected;
import io.patchbay.spi.ProviderUnavailable;
import io.patchbay.spi.RateLimited;
import io.patchbay.spi.Workspace;
import io.patchbay.storage.StorageException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Every core and connector failure maps to one precise status, a stable code and the members that help. */
class ProblemsTest {
    static ApiException map(Exception e) {
        return Problems.toProblem(e, false, "GET /test");
    }

    @Test
    void coreFailures() {
        ApiException invalid = map(InvalidInputException.of("label", "blank", "label must not be blank"));
        assertThat(invalid.status()).isEqualTo(422);
        assertThat(invalid.errors()).extracting(FieldError::field).containsExactly("label");

        assertThat(map(new NotFoundException("account", "acc_1")).status()).isEqualTo(404);
        assertThat(map(new NotFoundException("account", "acc_1")).code()).isEqualTo("account_not_found");
        assertThat(map(new ForbiddenException("not_account_owner", "no")).status()).isEqualTo(403);

        ApiException duplicate = map(new DuplicateAccountException("acc_9"));
        assertThat(duplicate.status()).isEqualTo(409);
        assertThat(duplicate.extensions()).containsEntry("existing_account_id", "acc_9");

        assertThat(map(new StaleVersionException("acc_1", 3)).status()).isEqualTo(409);
        assertThat(Problems.toProblem(new StaleVersionException("acc_1", 3), true, "PATCH /x").status()).isEqualTo(412);

        ApiException choice = map(new WorkspaceChoiceRequiredException(List.of(
                new Workspace("1", "A", "admin", true, List.of()), new Workspace("2", "B", "user", false, List.of()))));
        assertThat(choice.status()).isEqualTo(422);
        assertThat(choice.code()).isEqualTo("workspace_required");
        assertThat((List<?>) choice.extensions().get("workspaces")).hasSize(2);

        ApiException blocked = map(new LinkBlockedException(List.of(Notice.error("plan", "Upgrade the plan"))));
        assertThat(blocked.status()).isEqualTo(422);
        assertThat(blocked.code()).isEqualTo("link_blocked");
        assertThat((List<?>) blocked.extensions().get("notices")).hasSize(1);

        ApiException mismatch = map(new IdentityMismatchException("acc_1"));
        assertThat(mismatch.status()).isEqualTo(422);
        assertThat(mismatch.errors()).extracting(FieldError::field).containsExactly("credentials");

        ApiException secret = map(new SecretUnavailableException("The stored credentials of account acc_1 are "
                + "unreadable", null));
        assertThat(secret.status()).isEqualTo(500);
        assertThat(secret.code()).isEqualTo("secret_unavailable");
        assertThat(secret.getMessage()).contains("acc_1").contains("keyset").doesNotContain("Exception");
    }

    @Test
    void connectorFailures() {
        ApiException invalid = map(new InvalidCredentials("invalid_token", "api_token", "Toggl refused the token"));
        assertThat(invalid.status()).isEqualTo(422);
        assertThat(invalid.errors()).singleElement().satisfies(f -> {
            assertThat(f.field()).isEqualTo("credentials.api_token");
            assertThat(f.code()).isEqualTo("invalid_token");
        });
        assertThat(map(new InvalidCredentials("bad")).errors()).extracting(FieldError::field)
                .containsExactly("credentials");

        ApiException format = map(new CredentialFormatException(List.of(new FieldError("api_token", "pattern", "x"))));
        assertThat(format.status()).isEqualTo(422);
        assertThat(format.errors()).extracting(FieldError::field).containsExactly("credentials.api_token");

        assertThat(map(new InsufficientPermissions("forbidden", "no rights")).status()).isEqualTo(403);

        ApiException limited = map(new RateLimited("quota_exhausted", "spent", Duration.ofMillis(1500), true));
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.headers()).containsEntry("Retry-After", "2");
        assertThat(limited.extensions()).containsEntry("retry_after_seconds", 2L).containsEntry("quota_exhausted", true);
        // A provider's absurd wait (a long's maximum overflowed the conversion to a 500 or a wrong 1 s) is a day.
        for (Duration absurd : List.of(Duration.ofSeconds(Long.MAX_VALUE), Duration.ofSeconds(9_223_372_036_854_775L),
                java.time.temporal.ChronoUnit.FOREVER.getDuration())) {
            ApiException capped = map(new RateLimited("rate_limited", "later", absurd, false));
            assertThat(capped.headers()).containsEntry("Retry-After", "86400");
            assertThat(capped.extensions()).containsEntry("retry_after_seconds", 86_400L);
        }

        assertThat(map(new ProviderUnavailable("down", null)).status()).isEqualTo(502);
        ApiException slow = map(new ProviderUnavailable(ProviderUnavailable.TIMEOUT, "too slow", null));
        assertThat(slow.status()).isEqualTo(504);
        assertThat(slow.code()).isEqualTo("provider_timeout");
        assertThat(slow.headers()).containsEntry("Retry-After", "30");

        assertThat(map(new ProviderRejected(404, "not_found", "no such contract")).status()).isEqualTo(404);
        assertThat(map(new ProviderRejected(409, "conflict", "already published")).status()).isEqualTo(409);
        ApiException rejected = map(new ProviderRejected(400, "validation", "bad",
                List.of(new FieldError("name", "too_long", "x"))));
        assertThat(rejected.status()).isEqualTo(422);
        assertThat(rejected.extensions()).containsEntry("provider_status", 400);
        assertThat(rejected.errors()).extracting(FieldError::field).containsExactly("name");
        assertThat(map(new ProviderRejected(500, "provider_error", "boom")).status()).isEqualTo(502);
        ApiException wrongMethod = map(new ProviderRejected(405, "provider_method_not_allowed", "not this method"));
        assertThat(wrongMethod.status()).as("no input of the caller's can change the method").isEqualTo(502);
        assertThat(wrongMethod.extensions()).containsEntry("provider_status", 405);

        ApiException refused = map(new InputRejected("bad", List.of(new FieldError("stop", "required", "x"))));
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.code()).isEqualTo("invalid_input");
        assertThat(refused.title()).isEqualTo("Invalid input");
        assertThat(refused.extensions()).doesNotContainKey("provider_status");
        assertThat(refused.errors()).extracting(FieldError::field).containsExactly("stop");
    }

    @Test
    void infrastructureFailuresRevealNothing() {
        ApiException storage = map(new StorageException("jdbc:postgresql://db password=hunter2 unreachable"));
        assertThat(storage.status()).isEqualTo(503);
        assertThat(storage.code()).isEqualTo("storage_unavailable");
        assertThat(storage.headers()).containsEntry("Retry-After", "5");
        assertThat(storage.getMessage()).doesNotContain("hunter2");

        assertThat(map(StorageException.busy("The database is busy: x", new SQLException("x", "57014"))))
                .extracting(ApiException::status, ApiException::code).containsExactly(503, "storage_unavailable");

        // A request thread interrupted by a stop while it waited for a pooled connection.
        ApiException stopping = map(new IllegalStateException("unable to obtain a connection", new SQLException(
                "patchbay-storage - Interrupted during connection acquisition", new InterruptedException())));
        assertThat(stopping).extracting(ApiException::status, ApiException::code).containsExactly(503, "not_ready");

        ApiException unexpected = map(new IllegalStateException("secret internals"));
        assertThat(unexpected.status()).isEqualTo(500);
        assertThat(unexpected.code()).isEqualTo("internal_error");
        assertThat(unexpected.getMessage()).doesNotContain("secret internals");
        assertThat(unexpected.extensions()).isEqualTo(Map.of());
    }

    @Test
    void aBusyDatabaseIsOneWarningLineAndAFailureKeepsItsTrace() {
        Logger logger = (Logger) LoggerFactory.getLogger(Problems.class);
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        logger.addAppender(events);
        try {
            map(StorageException.busy("The database is busy: a statement ran for more than 30 s, the statement "
                    + "timeout, and was cancelled", new SQLException("canceling statement", "57014")));
            map(new StorageException("Cannot read the keyset", new java.io.IOException("disk")));
        } finally {
            logger.detachAppender(events);
        }
        assertThat(events.list).extracting(ILoggingEvent::getLevel, ILoggingEvent::getFormattedMessage)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(Level.WARN, "Storage busy on GET /test: The database is "
                                + "busy: a statement ran for more than 30 s, the statement timeout, and was cancelled"),
                        org.assertj.core.groups.Tuple.tuple(Level.ERROR, "Storage failure on GET /test"));
        assertThat(events.list.get(0).getThrowableProxy()).isNull();
        assertThat(events.list.get(1).getThrowableProxy().getClassName()).isEqualTo(StorageException.class.getName());
    }
}
