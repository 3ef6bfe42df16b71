package io.patchbay.core.usecase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import io.patchbay.core.Hub;
import io.patchbay.core.HubModule;
import io.patchbay.core.account.AccountChanges;
import io.patchbay.core.account.AccountService;
import io.patchbay.core.account.LinkService;
import io.patchbay.core.account.LinkedAccountStore;
import io.patchbay.core.account.Viewer;
import io.patchbay.core.account.Visibility;
import io.patchbay.core.audit.AuditLog;
import io.patchbay.core.proxy.AccountProxy;
import io.patchbay.core.secret.SecretCipher;
import io.patchbay.testkit.memory.InMemoryAuditLog;
import io.patchbay.testkit.memory.InMemoryLinkedAccountStore;
import io.patchbay.testkit.memory.ManualAccountChanges;
import io.patchbay.testkit.memory.TestCipher;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

class WiringTest {

    @Test
    void guiceModuleWiresTheUseCasesOnTheBoundPorts() {
        InMemoryLinkedAccountStore store = new InMemoryLinkedAccountStore();
        Injector injector = injector(store, binder -> { });

        assertThat(injector.getInstance(Hub.class)).isSameAs(injector.getInstance(Hub.class));
        var account = injector.getInstance(LinkService.class).link(Viewer.tenantWide("t"),
                UseCaseFixture.request(UseCaseFixture.SOLO_TOKEN, null, "o", null, Visibility.PRIVATE)).account();
        assertThat(injector.getInstance(AccountService.class).get(Viewer.tenantWide("t"), account.id()))
                .isEqualTo(account);
        assertThat(store.find("t", account.id())).isPresent();
        Hub hub = injector.getInstance(Hub.class);
        assertThat(hub.vault().cachedVisible(Viewer.tenantWide("t"), account.id()))
                .as("the services read through the account cache").contains(account);
        assertThat(injector.getInstance(AccountProxy.class)).isSameAs(hub.proxy());
    }

    @Test
    void aBoundAccountChangesFeedKeepsTheServicesCacheCurrent() {
        InMemoryLinkedAccountStore store = new InMemoryLinkedAccountStore();
        ManualAccountChanges feed = new ManualAccountChanges();
        Injector injector = injector(store, binder -> binder.bind(AccountChanges.class).toInstance(feed));
        Viewer viewer = Viewer.tenantWide("t");
        var account = injector.getInstance(LinkService.class).link(viewer,
                UseCaseFixture.request(UseCaseFixture.SOLO_TOKEN, null, "o", null, Visibility.PRIVATE)).account();
        AccountService accounts = injector.getInstance(AccountService.class);
        accounts.get(viewer, account.id());

        var renamedElsewhere = store.update(account.withLabel("Renamed elsewhere", account.updatedAt()));
        feed.announce("t", account.id());

        assertThat(accounts.get(viewer, account.id())).isEqualTo(renamedElsewhere);
        feed.goDown();
        assertThat(injector.getInstance(Hub.class).vault().cachedVisible(viewer, account.id())).isEmpty();
    }

    @Test
    void theBuilderTakesTheAccountChangesFeed() {
        ManualAccountChanges feed = new ManualAccountChanges();
        InMemoryLinkedAccountStore store = new InMemoryLinkedAccountStore();
        ScriptedConnector connector = new ScriptedConnector();
        connector.answer(UseCaseFixture.SOLO_TOKEN, () -> UseCaseFixture.verification("u-solo"));
        Hub hub = Hub.builder().connector(connector).store(store).accountChanges(feed).cipher(new TestCipher())
                .auditLog(new InMemoryAuditLog()).build();
        Viewer viewer = Viewer.tenantWide("t");
        var account = hub.links().link(viewer,
                UseCaseFixture.request(UseCaseFixture.SOLO_TOKEN, null, "o", null, Visibility.PRIVATE)).account();
        hub.accounts().get(viewer, account.id());
        assertThat(hub.vault().cachedVisible(viewer, account.id())).contains(account);

        store.delete("t", account.id());
        feed.announce("t", account.id());

        assertThat(hub.vault().cachedVisible(viewer, account.id())).isEmpty();
        assertThatThrownBy(() -> hub.accounts().get(viewer, account.id()))
                .isInstanceOf(io.patchbay.core.error.NotFoundException.class);
    }

    @Test
    void aHostsOwnClockBindingLivesBesideTheHubsQualifiedOne() {
        Clock hostClock = Clock.fixed(java.time.Instant.parse("2001-01-01T00:00:00Z"), java.time.ZoneOffset.UTC);
        Injector injector = injector(new InMemoryLinkedAccountStore(),
                binder -> binder.bind(Clock.class).toInstance(hostClock));

        assertThat(injector.getInstance(Clock.class)).isSameAs(hostClock);
        assertThat(injector.getInstance(com.google.inject.Key.get(Clock.class, io.patchbay.core.PatchbayClock.class)))
                .isNotSameAs(hostClock);
        var account = injector.getInstance(LinkService.class).link(Viewer.tenantWide("t"),
                UseCaseFixture.request(UseCaseFixture.SOLO_TOKEN, null, "o", null, Visibility.PRIVATE)).account();
        assertThat(account.createdAt()).as("the hub dates accounts with its own clock").isAfter(hostClock.instant());
    }

    @Test
    void builderNamesTheMissingPort() {
        assertThatThrownBy(() -> Hub.builder().store(new InMemoryLinkedAccountStore()).build())
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("cipher is required");
    }

    /** The hub's module on in-memory ports and a connector that knows the solo token, plus {@code extra}. */
    private static Injector injector(InMemoryLinkedAccountStore store, Module extra) {
        ScriptedConnector connector = new ScriptedConnector();
        connector.answer(UseCaseFixture.SOLO_TOKEN, () -> UseCaseFixture.verification("u-solo"));
        return Guice.createInjector(new HubModule(List.of(connector), Clock.systemUTC()), new AbstractModule() {
            @Override
            protected void configure() {
                bind(LinkedAccountStore.class).toInstance(store);
                bind(SecretCipher.class).toInstance(new TestCipher());
                bind(AuditLog.class).toInstance(new InMemoryAuditLog());
            }
        }, extra);
    }
}
