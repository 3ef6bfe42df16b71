package io.patchbay.core.usecase;

import static io.patchbay.core.usecase.UseCaseFixture.ALICE_TOKEN;
import static io.patchbay.core.usecase.UseCaseFixture.BOB_TOKEN;
import static io.patchbay.core.usecase.UseCaseFixture.SOLO_TOKEN;
import static io.patchbay.core.usecase.UseCaseFixture.TENANT;
import static io.patchbay.core.usecase.UseCaseFixture.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patchbay.core.account.AccountQuery;
import io.patchbay.core.account.LinkedAccount;
import io.patchbay.core.account.Viewer;
import io.patchbay.core.account.Visibility;
import io.patchbay.core.error.ForbiddenException;
import io.patchbay.core.error.InvalidInputException;
import io.patchbay.core.error.NotFoundException;
import io.patchbay.core.error.StaleVersionException;
import io.patchbay.core.proxy.ProxyRequest;
import io.patchbay.spi.FieldError;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AccountServiceTest {
    private final UseCaseFixture f = new UseCaseFixture();
    private final Viewer alice = Viewer.endUser(TENANT, "alice", "team-1");
    private final Viewer carol = Viewer.endUser(TENANT, "carol", "team-1");
    private final Viewer dave = Viewer.endUser(TENANT, "dave", "team-2");

    @Test
    void visibilityDecidesWhoSeesWhat() {
        LinkedAccount mine = f.hub.links().link(alice, request(ALICE_TOKEN, "ws1", "alice", "team-1", Visibility.PRIVATE)).account();
        LinkedAccount team = f.hub.links().link(alice, request(ALICE_TOKEN, "ws2", "alice", "team-1", Visibility.TEAM)).account();
        LinkedAccount everyone = f.hub.links().link(alice, request(SOLO_TOKEN, null, "alice", null, Visibility.TENANT)).account();

        assertThat(ids(alice)).containsExactly(mine.id(), team.id(), everyone.id());
        assertThat(ids(carol)).containsExactly(team.id(), everyone.id());
        assertThat(ids(dave)).containsExactly(everyone.id());
        assertThat(ids(Viewer.tenantWide(TENANT))).hasSize(3);
        assertThat(ids(Viewer.tenantWide("other-tenant"))).isEmpty();

        assertThatThrownBy(() -> f.hub.accounts().get(dave, mine.id())).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> f.hub.accounts().get(Viewer.tenantWide("other-tenant"), mine.id()))
                .isInstanceOf(NotFoundException.class);
    }

    @Test
    void renameChecksTheLabelTheOwnerAndTheVersion() {
        LinkedAccount account = f.hub.links().link(alice, request(BOB_TOKEN, null, "alice", "team-1", Visibility.TEAM)).account();

        LinkedAccount renamed = f.hub.accounts().rename(alice, account.id(), "Work", Optional.of(0L));
        assertThat(renamed.label()).isEqualTo("Work");
        assertThat(renamed.version()).isEqualTo(1);
        assertThat(f.store.find(TENANT, account.id()).orElseThrow().label()).isEqualTo("Work");

        assertThatThrownBy(() -> f.hub.accounts().rename(alice, account.id(), "Again", Optional.of(0L)))
                .isInstanceOf(StaleVersionException.class);
        assertThatThrownBy(() -> f.hub.accounts().rename(alice, account.id(), "x".repeat(201), Optional.empty()))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.errors())
                        .extracting(FieldError::field, FieldError::code)
                        .containsExactly(org.assertj.core.groups.Tuple.tuple("label", "too_long")));
        assertThatThrownBy(() -> f.hub.accounts().rename(carol, account.id(), "Mine now", Optional.empty()))
                .isInstanceOf(ForbiddenException.class);
        assertThat(f.store.find(TENANT, account.id()).orElseThrow().label()).isEqualTo("Work");
    }

    @Test
    void concurrentWritersCannotLoseAnUpdate() {
        LinkedAccount account = f.hub.links().link(alice, request(BOB_TOKEN, null, "alice", null, Visibility.PRIVATE)).account();
        LinkedAccount readByA = f.store.find(TENANT, account.id()).orElseThrow();
        LinkedAccount readByB = f.store.find(TENANT, account.id()).orElseThrow();
        f.store.update(readByA.withLabel("A", readByA.updatedAt()));
        assertThatThrownBy(() -> f.store.update(readByB.withLabel("B", readByB.updatedAt())))
                .isInstanceOf(StaleVersionException.class);
        assertThat(f.store.find(TENANT, account.id()).orElseThrow().label()).isEqualTo("A");
    }

    @Test
    void teamVisibilityNeedsATeam() {
        // Linked by the backend for alice without a team (an end user's own link takes the end user's team).
        LinkedAccount account = f.hub.links().link(Viewer.tenantWide(TENANT),
                request(BOB_TOKEN, null, "alice", null, Visibility.PRIVATE)).account();
        assertThatThrownBy(() -> f.hub.accounts().changeVisibility(alice, account.id(), Visibility.TEAM, Optional.empty()))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.errors())
                        .extracting(FieldError::code).containsExactly("team_required"));
        assertThat(f.hub.accounts().changeVisibility(alice, account.id(), Visibility.TENANT, Optional.empty())
                .visibility()).isEqualTo(Visibility.TENANT);
        assertThat(ids(dave)).containsExactly(account.id());
    }

    @Test
    void disconnectErasesTheSecretAndAuditsIt() {
        LinkedAccount account = f.hub.links().link(alice, request(BOB_TOKEN, null, "alice", "team-1", Visibility.TEAM)).account();
        assertThatThrownBy(() -> f.hub.accounts().disconnect(carol, account.id())).isInstanceOf(ForbiddenException.class);

        f.hub.accounts().disconnect(alice, account.id());

        assertThat(f.store.sealedSecret(TENANT, account.id())).isEmpty();
        assertThatThrownBy(() -> f.hub.accounts().get(alice, account.id())).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> f.hub.accounts().disconnect(alice, account.id())).isInstanceOf(NotFoundException.class);
        assertThat(f.audit.recent(TENANT, Optional.of(account.id()), 10)).extracting(e -> e.action())
                .contains("account.disconnected");
    }

    @Test
    void actionsRunWithTheOpenedCredentialsOfVisibleAccountsOnly() {
        LinkedAccount account = f.hub.links().link(alice, request(BOB_TOKEN, null, "alice", "team-1", Visibility.TEAM)).account();

        assertThat(f.hub.actions().invoke(carol, account.id(), "whoami", Map.of()).output())
                .isEqualTo(Map.of("token_tail", "3333", "workspace", "ws1"));
        assertThatThrownBy(() -> f.hub.actions().invoke(dave, account.id(), "whoami", Map.of()))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> f.hub.actions().invoke(alice, account.id(), "nope", Map.of()))
                .isInstanceOfSatisfying(NotFoundException.class, e -> assertThat(e.code()).isEqualTo("action_not_found"));
        assertThatThrownBy(() -> f.hub.proxy().send(dave, account.id(), ProxyRequest.of("GET", "me")))
                .as("the proxy sees what actions see").isInstanceOf(NotFoundException.class);
    }

    private java.util.List<String> ids(Viewer viewer) {
        return f.hub.accounts().list(AccountQuery.all(viewer, 50)).items().stream().map(LinkedAccount::id).toList();
    }
}
