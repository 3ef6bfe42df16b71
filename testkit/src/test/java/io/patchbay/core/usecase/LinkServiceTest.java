package io.patchbay.core.usecase;

import static io.patchbay.core.usecase.UseCaseFixture.ALICE_NEW_TOKEN;
import static io.patchbay.core.usecase.UseCaseFixture.ALICE_TOKEN;
import static io.patchbay.core.usecase.UseCaseFixture.BOB_TOKEN;
import static io.patchbay.core.usecase.UseCaseFixture.SOLO_TOKEN;
import static io.patchbay.core.usecase.UseCaseFixture.TENANT;
import static io.patchbay.core.usecase.UseCaseFixture.WRONG_TOKEN;
import static io.patchbay.core.usecase.UseCaseFixture.request;
import static io.patchbay.core.usecase.UseCaseFixture.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patchbay.core.Hub;
import io.patchbay.core.Ids;
import io.patchbay.core.account.AccountQuery;
import io.patchbay.core.account.AccountStatus;
import io.patchbay.core.account.ChangeGuard;
import io.patchbay.core.account.LinkRequest;
import io.patchbay.core.account.LinkResult;
import io.patchbay.core.account.LinkedAccount;
import io.patchbay.core.account.Viewer;
import io.patchbay.core.account.Visibility;
import io.patchbay.core.audit.AuditEvent;
import io.patchbay.core.audit.AuditLog;
import io.patchbay.core.error.DuplicateAccountException;
import io.patchbay.core.error.ForbiddenException;
import io.patchbay.core.error.IdentityMismatchException;
import io.patchbay.core.error.InvalidInputException;
import io.patchbay.core.error.LinkBlockedException;
import io.patchbay.core.error.NotFoundException;
import io.patchbay.core.error.StaleVersionException;
import io.patchbay.core.error.WorkspaceChoiceRequiredException;
import io.patchbay.spi.FieldError;
import io.patchbay.spi.InvalidCredentials;
import io.patchbay.spi.Notice;
import io.patchbay.spi.ProviderUnavailable;
import io.patchbay.spi.RateLimited;
import io.patchbay.spi.Verification;
import io.patchbay.spi.Workspace;
import io.patchbay.testkit.memory.InMemoryLinkedAccountStore;
import io.patchbay.testkit.memory.TestCipher;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LinkServiceTest {
    private final UseCaseFixture f = new UseCaseFixture();
    private final Viewer tenant = Viewer.tenantWide(TENANT);
    private final Viewer alice = Viewer.endUser(TENANT, "alice", "team-1");

    @Test
    void checkReportsIdentityAndWorkspacesAndSavesNothing() {
        Verification v = f.hub.links().check("scripted", token(ALICE_TOKEN));
        assertThat(v.identity().id()).isEqualTo("u-alice");
        assertThat(v.workspaces()).extracting(Workspace::id).containsExactly("ws1", "ws2", "ws3");
        assertThat(f.store.list(AccountQuery.all(tenant, 10)).items()).isEmpty();
    }

    @Test
    void malformedCredentialsFailOfflineNamingTheField() {
        assertThatThrownBy(() -> f.hub.links().check("scripted", token("not-hex")))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.errors())
                        .extracting(FieldError::field, FieldError::code)
                        .containsExactly(org.assertj.core.groups.Tuple.tuple("credentials.api_token", "pattern")));
        assertThat(f.connector.verified).as("no provider call for malformed input").isEmpty();
    }

    @Test
    void unknownConnectorIsNotFound() {
        assertThatThrownBy(() -> f.hub.links().check("nope", token(ALICE_TOKEN)))
                .isInstanceOfSatisfying(NotFoundException.class, e -> assertThat(e.code()).isEqualTo("connector_not_found"));
    }

    @Test
    void rejectedCredentialsFailAsInvalidCredentials() {
        assertThatThrownBy(() -> f.hub.links().link(alice, request(WRONG_TOKEN, null, "alice", null, Visibility.PRIVATE)))
                .isInstanceOfSatisfying(InvalidCredentials.class, e -> assertThat(e.field()).contains("api_token"));
        assertThat(f.store.list(AccountQuery.all(tenant, 10)).items()).isEmpty();
    }

    @Test
    void severalWorkspacesRequireAChoiceListingTheOptions() {
        assertThatThrownBy(() -> f.hub.links().link(alice, request(ALICE_TOKEN, null, "alice", null, Visibility.PRIVATE)))
                .isInstanceOfSatisfying(WorkspaceChoiceRequiredException.class, e -> assertThat(e.options())
                        .extracting(Workspace::id).containsExactly("ws1", "ws2", "ws3"));
    }

    @Test
    void aSingleWorkspaceIsChosenAutomatically() {
        LinkResult result = f.hub.links().link(alice, request(SOLO_TOKEN, null, "alice", null, Visibility.PRIVATE));
        assertThat(result.account().workspaceId()).contains("ws1");
        assertThat(result.account().workspaceRole()).contains("admin");
    }

    @Test
    void anUnknownWorkspaceIsAFieldError() {
        assertThatThrownBy(() -> f.hub.links().link(alice, request(ALICE_TOKEN, "ws9", "alice", null, Visibility.PRIVATE)))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.errors())
                        .extracting(FieldError::field, FieldError::code)
                        .containsExactly(org.assertj.core.groups.Tuple.tuple("workspace_id", "unknown_workspace")));
    }

    @Test
    void aBlockingPermissionErrorPreventsTheLink() {
        assertThatThrownBy(() -> f.hub.links().link(alice, request(ALICE_TOKEN, "ws3", "alice", null, Visibility.PRIVATE)))
                .isInstanceOfSatisfying(LinkBlockedException.class, e -> assertThat(e.notices())
                        .extracting(Notice::code).containsExactly("guest_cannot_link"));
    }

    @Test
    void aWarningIsReturnedAndTheLinkIsStoredSealed() {
        LinkResult result = f.hub.links().link(alice, request(ALICE_TOKEN, "ws2", "alice", "team-1", Visibility.TEAM));
        LinkedAccount account = result.account();

        assertThat(result.warnings()).extracting(Notice::code).containsExactly("not_workspace_admin");
        assertThat(account.id()).startsWith("acc_");
        assertThat(account.secretHint()).isEqualTo("1111");
        assertThat(account.providerUserId()).isEqualTo("u-alice");
        assertThat(account.label()).isEqualTo("u-alice@example.com · Sales");
        assertThat(account.status()).isEqualTo(AccountStatus.ACTIVE);
        assertThat(account.version()).isZero();

        byte[] sealed = f.store.sealedSecret(TENANT, account.id()).orElseThrow();
        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain(ALICE_TOKEN);
        assertThat(f.audit.all()).extracting(e -> e.action()).containsExactly("account.linked");
        assertThat(f.audit.all().get(0).details().toString()).doesNotContain(ALICE_TOKEN);
    }

    @Test
    void aLinkStoredStandsWhenItsAuditEventCannotBeWritten() {
        InMemoryLinkedAccountStore store = new InMemoryLinkedAccountStore();
        Hub hub = Hub.builder().connector(f.connector).store(store).cipher(new TestCipher())
                .auditLog(new AuditLog() {
                    @Override
                    public void record(AuditEvent event) {
                        throw new IllegalStateException("the audit table is locked");
                    }

                    @Override
                    public java.util.List<AuditEvent> recent(String tenantId, Optional<String> accountId, int limit) {
                        return java.util.List.of();
                    }
                }).build();

        LinkResult result = hub.links().link(alice, request(SOLO_TOKEN, null, "alice", null, Visibility.PRIVATE));

        assertThat(store.find(TENANT, result.account().id())).as("the account is stored and reported as linked")
                .isPresent();
    }

    @Test
    void theSameTokenLinksASecondWorkspaceButNeverTheSameOneTwice() {
        LinkedAccount first = f.hub.links().link(alice, request(ALICE_TOKEN, "ws1", "alice", null, Visibility.PRIVATE)).account();
        LinkedAccount second = f.hub.links().link(alice, request(ALICE_TOKEN, "ws2", "alice", null, Visibility.PRIVATE)).account();
        assertThat(second.id()).isNotEqualTo(first.id());

        // Another owner (linked by a tenant-wide caller) still cannot link the same workspace again.
        assertThatThrownBy(() -> f.hub.links().link(tenant, request(ALICE_TOKEN, "ws1", "bob", null, Visibility.PRIVATE)))
                .isInstanceOfSatisfying(DuplicateAccountException.class,
                        e -> assertThat(e.existingAccountId()).isEqualTo(first.id()));
    }

    @Test
    void badLabelAndTeamVisibilityWithoutTeamAreFieldErrors() {
        LinkRequest bad = new LinkRequest("scripted", token(SOLO_TOKEN), Optional.empty(), Optional.of(" "), "alice",
                Optional.empty(), Visibility.TEAM);
        // A tenant-wide caller names the team itself; an end user's request takes the end user's.
        assertThatThrownBy(() -> f.hub.links().link(tenant, bad))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.errors())
                        .extracting(FieldError::field).containsExactly("label", "visibility"));
        assertThat(f.connector.verified).as("input errors come before the provider call").isEmpty();
    }

    @Test
    void rotationKeepsTheAccountAndReplacesTheSecret() {
        LinkedAccount account = f.hub.links().link(alice, request(ALICE_TOKEN, "ws1", "alice", null, Visibility.PRIVATE)).account();
        byte[] before = f.store.sealedSecret(TENANT, account.id()).orElseThrow();

        LinkedAccount rotated = f.hub.links().rotate(alice, account.id(), token(ALICE_NEW_TOKEN)).account();

        assertThat(rotated.id()).isEqualTo(account.id());
        assertThat(rotated.secretHint()).isEqualTo("2222");
        assertThat(rotated.version()).isEqualTo(1);
        assertThat(f.store.sealedSecret(TENANT, account.id()).orElseThrow()).isNotEqualTo(before);
        var result = f.hub.actions().invoke(alice, account.id(), "whoami", java.util.Map.of());
        assertThat(result.output()).isEqualTo(java.util.Map.of("token_tail", "2222", "workspace", "ws1"));
    }

    @Test
    void aRotationsGuardIsAskedJustBeforeTheStoreAndToldWhenItFails() {
        LinkedAccount account = f.hub.links().link(alice, request(ALICE_TOKEN, "ws1", "alice", null, Visibility.PRIVATE)).account();
        byte[] sealed = f.store.sealedSecret(TENANT, account.id()).orElseThrow();
        java.util.List<String> heard = new java.util.ArrayList<>();

        // Credentials that fail their check never reach the guard.
        assertThatThrownBy(() -> f.hub.links().rotate(alice, account.id(), token(WRONG_TOKEN), Optional.empty(),
                guard(heard, () -> { })))
                .isInstanceOf(InvalidCredentials.class);
        assertThat(heard).isEmpty();

        // A guard that refuses: nothing is stored.
        assertThatThrownBy(() -> f.hub.links().rotate(alice, account.id(), token(ALICE_NEW_TOKEN), Optional.empty(),
                guard(heard, () -> {
                    throw new IllegalStateException("claim lost");
                })))
                .hasMessage("claim lost");
        assertThat(heard).containsExactly("beforeStore");
        assertThat(f.store.sealedSecret(TENANT, account.id()).orElseThrow()).isEqualTo(sealed);
        assertThat(f.store.find(TENANT, account.id()).orElseThrow().version()).isZero();

        // The account changes between the guard and the store: the guard hears that nothing was stored.
        heard.clear();
        assertThatThrownBy(() -> f.hub.links().rotate(alice, account.id(), token(ALICE_NEW_TOKEN), Optional.empty(),
                guard(heard, () -> f.hub.accounts().rename(alice, account.id(), "renamed", Optional.empty()))))
                .isInstanceOf(StaleVersionException.class);
        assertThat(heard).containsExactly("beforeStore", "notStored:StaleVersionException");
        assertThat(f.store.sealedSecret(TENANT, account.id()).orElseThrow()).isEqualTo(sealed);

        heard.clear();
        assertThat(f.hub.links().rotate(alice, account.id(), token(ALICE_NEW_TOKEN), Optional.empty(),
                guard(heard, () -> { })).account().version()).isEqualTo(2);
        assertThat(heard).containsExactly("beforeStore");
    }

    private static ChangeGuard guard(java.util.List<String> heard, Runnable beforeStore) {
        return new ChangeGuard() {
            @Override
            public void beforeStore() {
                heard.add("beforeStore");
                beforeStore.run();
            }

            @Override
            public void notStored(RuntimeException cause) {
                heard.add("notStored:" + cause.getClass().getSimpleName());
            }
        };
    }

    @Test
    void rotationAndReverificationAtAnExpectedVersionApplyOnlyToThatVersion() {
        LinkedAccount account = f.hub.links().link(alice, request(ALICE_TOKEN, "ws1", "alice", null, Visibility.PRIVATE)).account();
        f.hub.accounts().rename(alice, account.id(), "renamed", Optional.empty()); // now at version 1
        byte[] sealed = f.store.sealedSecret(TENANT, account.id()).orElseThrow();
        int verifiedBefore = f.connector.verified.size();

        assertThatThrownBy(() -> f.hub.links().rotate(alice, account.id(), token(ALICE_NEW_TOKEN), Optional.of(0L)))
                .isInstanceOf(StaleVersionException.class);
        assertThatThrownBy(() -> f.hub.links().reverify(alice, account.id(), Optional.of(0L)))
                .isInstanceOf(StaleVersionException.class);
        assertThat(f.store.sealedSecret(TENANT, account.id()).orElseThrow()).isEqualTo(sealed);
        assertThat(f.store.find(TENANT, account.id()).orElseThrow().version()).isEqualTo(1);
        assertThat(f.connector.verified).as("refused before any provider call").hasSize(verifiedBefore);

        LinkedAccount rotated = f.hub.links().rotate(alice, account.id(), token(ALICE_NEW_TOKEN), Optional.of(1L))
                .account();
        assertThat(rotated.version()).isEqualTo(2);
        assertThat(f.hub.links().reverify(alice, account.id(), Optional.of(2L)).version()).isEqualTo(3);
    }

    @Test
    void aCallerInterruptedDuringReverificationLeavesTheAccountAsItWas() {
        LinkedAccount account = f.hub.links().link(alice, request(SOLO_TOKEN, null, "alice", null, Visibility.PRIVATE)).account();

        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> f.hub.links().reverify(alice, account.id()))
                    .isInstanceOf(java.util.concurrent.CancellationException.class);
        } finally {
            Thread.interrupted();
        }

        LinkedAccount after = f.hub.accounts().get(alice, account.id());
        assertThat(after.status()).as("nothing was learned of the provider").isEqualTo(AccountStatus.ACTIVE);
        assertThat(after.version()).isEqualTo(account.version());
    }

    @Test
    void rotationToAnotherProviderUserIsRefused() {
        LinkedAccount account = f.hub.links().link(alice, request(SOLO_TOKEN, null, "alice", null, Visibility.PRIVATE)).account();
        assertThatThrownBy(() -> f.hub.links().rotate(alice, account.id(), token(BOB_TOKEN)))
                .isInstanceOf(IdentityMismatchException.class);
        assertThat(f.store.find(TENANT, account.id()).orElseThrow().secretHint()).isEqualTo("4444");
    }

    @Test
    void rotationThatLosesTheWorkspaceIsRefused() {
        f.connector.answer(ALICE_NEW_TOKEN, () -> UseCaseFixture.verification("u-alice", UseCaseFixture.ADMIN_WS));
        LinkedAccount account = f.hub.links().link(alice, request(ALICE_TOKEN, "ws2", "alice", null, Visibility.PRIVATE)).account();
        assertThatThrownBy(() -> f.hub.links().rotate(alice, account.id(), token(ALICE_NEW_TOKEN)))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.errors())
                        .extracting(FieldError::code).containsExactly("workspace_unreachable"));
    }

    @Test
    void onlyTheOwnerOrTheTenantMayRotate() {
        LinkedAccount account = f.hub.links().link(alice, request(SOLO_TOKEN, null, "alice", "team-1", Visibility.TEAM)).account();
        Viewer teammate = Viewer.endUser(TENANT, "carol", "team-1");
        Viewer stranger = Viewer.endUser(TENANT, "dave", "team-2");
        assertThatThrownBy(() -> f.hub.links().rotate(teammate, account.id(), token(SOLO_TOKEN)))
                .isInstanceOf(ForbiddenException.class);
        assertThatThrownBy(() -> f.hub.links().rotate(stranger, account.id(), token(SOLO_TOKEN)))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> f.hub.links().rotate(Viewer.tenantWide("other"), account.id(), token(SOLO_TOKEN)))
                .isInstanceOf(NotFoundException.class);
        assertThat(f.hub.links().rotate(tenant, account.id(), token(SOLO_TOKEN)).account().version()).isEqualTo(1);
    }

    @Test
    void reverificationRecordsTheOutcomeAsStatus() {
        LinkedAccount account = f.hub.links().link(alice, request(SOLO_TOKEN, null, "alice", null, Visibility.PRIVATE)).account();

        f.connector.answer(SOLO_TOKEN, () -> {
            throw new ProviderUnavailable("Provider answered 503", null);
        });
        assertThatThrownBy(() -> f.hub.links().reverify(alice, account.id())).isInstanceOf(ProviderUnavailable.class);
        LinkedAccount unverified = f.hub.accounts().get(alice, account.id());
        assertThat(unverified.status()).isEqualTo(AccountStatus.UNVERIFIED);
        assertThat(unverified.statusReason()).hasValueSatisfying(r -> assertThat(r).startsWith("provider_unavailable"));

        f.connector.answer(SOLO_TOKEN, () -> {
            throw new RateLimited("quota_exhausted", "Quota spent", Duration.ofMinutes(20), true);
        });
        assertThatThrownBy(() -> f.hub.links().reverify(alice, account.id())).isInstanceOf(RateLimited.class);
        assertThat(f.hub.accounts().get(alice, account.id()).status()).isEqualTo(AccountStatus.UNVERIFIED);

        f.connector.answer(SOLO_TOKEN, () -> {
            throw new InvalidCredentials("invalid_token", "api_token", "Token revoked");
        });
        assertThat(f.hub.links().reverify(alice, account.id()).status()).isEqualTo(AccountStatus.INVALID_CREDENTIALS);

        f.connector.answer(SOLO_TOKEN, () -> UseCaseFixture.verification("u-solo", UseCaseFixture.ADMIN_WS));
        LinkedAccount healthy = f.hub.links().reverify(alice, account.id());
        assertThat(healthy.status()).isEqualTo(AccountStatus.ACTIVE);
        assertThat(healthy.statusReason()).isEmpty();
    }

    @Test
    void theProviderErrorReachesTheCallerWhenTheAccountWasRenamedDuringTheCall() {
        LinkedAccount account = f.hub.links().link(alice, request(SOLO_TOKEN, null, "alice", null, Visibility.PRIVATE)).account();
        RateLimited limited = new RateLimited("quota_exhausted", "Quota spent", Duration.ofMinutes(20), true);
        f.connector.answer(SOLO_TOKEN, () -> {
            f.hub.accounts().rename(alice, account.id(), "renamed meanwhile", Optional.empty());
            throw limited;
        });

        // Not the StaleVersionException of the status save: the caller needs the Retry-After to come back.
        assertThatThrownBy(() -> f.hub.links().reverify(alice, account.id())).isSameAs(limited);
        LinkedAccount after = f.hub.accounts().get(alice, account.id());
        assertThat(after.label()).isEqualTo("renamed meanwhile");
        assertThat(after.version()).isEqualTo(account.version() + 1);
    }

    @Test
    void theProviderErrorReachesTheCallerWhenTheAccountWasDisconnectedDuringTheCall() {
        LinkedAccount account = f.hub.links().link(alice, request(SOLO_TOKEN, null, "alice", null, Visibility.PRIVATE)).account();
        ProviderUnavailable down = new ProviderUnavailable("Provider answered 503", null);
        f.connector.answer(SOLO_TOKEN, () -> {
            f.hub.accounts().disconnect(alice, account.id());
            throw down;
        });

        assertThatThrownBy(() -> f.hub.links().reverify(alice, account.id())).isSameAs(down);
        assertThat(f.store.find(TENANT, account.id())).isEmpty();
    }

    @Test
    void reverificationNoticesAnotherUserBehindTheToken() {
        LinkedAccount account = f.hub.links().link(alice, request(SOLO_TOKEN, null, "alice", null, Visibility.PRIVATE)).account();
        f.connector.answer(SOLO_TOKEN, () -> UseCaseFixture.verification("u-other", UseCaseFixture.ADMIN_WS));
        LinkedAccount after = f.hub.links().reverify(alice, account.id());
        assertThat(after.status()).isEqualTo(AccountStatus.INVALID_CREDENTIALS);
        assertThat(after.statusReason()).hasValueSatisfying(r -> assertThat(r).startsWith("identity_changed"));
    }

    @Test
    void reverificationRecordsTheBlockingNoticeNotAWarningBeforeIt() {
        Workspace mixed = new Workspace("ws1", "Design", "guest", false, java.util.List.of(
                Notice.warning("not_workspace_admin", "Not an admin"),
                Notice.error("guest_cannot_link", "Guests cannot use Design")));
        LinkedAccount account = f.hub.links().link(alice, request(SOLO_TOKEN, null, "alice", null, Visibility.PRIVATE)).account();
        f.connector.answer(SOLO_TOKEN, () -> UseCaseFixture.verification("u-solo", mixed));

        LinkedAccount after = f.hub.links().reverify(alice, account.id());

        assertThat(after.status()).isEqualTo(AccountStatus.INSUFFICIENT_PERMISSIONS);
        assertThat(after.statusReason()).contains("guest_cannot_link: Guests cannot use Design");
    }

    @Test
    void anEndUserCannotLinkAnAccountForAnotherOwnerOrTeam() {
        assertThatThrownBy(() -> f.hub.links().link(alice, request(SOLO_TOKEN, null, "bob", null, Visibility.PRIVATE)))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.errors())
                        .extracting(FieldError::field, FieldError::code)
                        .containsExactly(org.assertj.core.groups.Tuple.tuple("owner_id", "owner_mismatch")));
        assertThatThrownBy(() -> f.hub.links().link(alice, request(SOLO_TOKEN, null, "alice", "team-2", Visibility.TEAM)))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.errors())
                        .extracting(FieldError::field, FieldError::code)
                        .containsExactly(org.assertj.core.groups.Tuple.tuple("team_id", "owner_mismatch")));
        assertThat(f.connector.verified).as("refused before any provider call").isEmpty();
        assertThat(f.store.list(AccountQuery.all(tenant, 10)).items()).isEmpty();

        // Their own account, and a tenant-wide caller linking for anyone, still work.
        assertThat(f.hub.links().link(alice, request(SOLO_TOKEN, null, "alice", "team-1", Visibility.TEAM))
                .account().ownerId()).isEqualTo("alice");
        assertThat(f.hub.links().link(tenant, request(BOB_TOKEN, null, "bob", null, Visibility.PRIVATE))
                .account().ownerId()).isEqualTo("bob");
    }

    @Test
    void anEndUserWhoNamesNoTeamLinksInTheirOwnTeamSoTheAccountCanBeSharedWithIt() {
        LinkedAccount account = f.hub.links().link(alice, request(SOLO_TOKEN, null, "alice", null, Visibility.TEAM))
                .account();

        assertThat(account.teamId()).contains("team-1");
        assertThat(account.visibility()).isEqualTo(Visibility.TEAM);
        assertThat(f.hub.accounts().get(Viewer.endUser(TENANT, "carol", "team-1"), account.id()).id())
                .as("a teammate sees it").isEqualTo(account.id());
        assertThat(f.store.find(TENANT, account.id()).orElseThrow().teamId()).as("as stored").contains("team-1");
    }

    @Test
    void blankTenantOwnerOrTeamIdsAreRefusedNamingTheField() {
        // The viewer's own ids are refused where it is made, before it reaches any service.
        assertThatThrownBy(() -> Viewer.tenantWide(" "))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.errors())
                        .extracting(FieldError::field, FieldError::code)
                        .containsExactly(org.assertj.core.groups.Tuple.tuple("tenant_id", "blank")));
        assertThatThrownBy(() -> f.hub.links().link(Viewer.tenantWide(TENANT),
                request(SOLO_TOKEN, null, "", " team", Visibility.PRIVATE)))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.errors())
                        .extracting(FieldError::field, FieldError::code)
                        .containsExactly(org.assertj.core.groups.Tuple.tuple("owner_id", "blank"),
                                org.assertj.core.groups.Tuple.tuple("team_id", "surrounding_spaces")));
        assertThat(f.connector.verified).isEmpty();
    }

    @Test
    void idsLongerThanTheLimitAreRefusedNamingTheField() {
        String longest = "o".repeat(Ids.MAX_LENGTH);
        assertThatThrownBy(() -> Viewer.tenantWide("t".repeat(Ids.MAX_LENGTH + 1)))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.errors())
                        .extracting(FieldError::field, FieldError::code)
                        .containsExactly(org.assertj.core.groups.Tuple.tuple("tenant_id", "too_long")));
        assertThatThrownBy(() -> f.hub.links().link(Viewer.tenantWide(TENANT),
                request(SOLO_TOKEN, null, longest + "o", "m".repeat(5000), Visibility.PRIVATE)))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.errors())
                        .extracting(FieldError::field, FieldError::code)
                        .containsExactly(org.assertj.core.groups.Tuple.tuple("owner_id", "too_long"),
                                org.assertj.core.groups.Tuple.tuple("team_id", "too_long")));
        assertThat(f.connector.verified).isEmpty();

        assertThat(f.hub.links().link(Viewer.tenantWide(TENANT),
                request(SOLO_TOKEN, null, longest, null, Visibility.PRIVATE)).account().ownerId())
                .as("an id of exactly the limit").isEqualTo(longest);
    }
}
