package io.patchbay.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.core.account.AccountVault;
import io.patchbay.core.account.CachingLinkedAccountStore;
import io.patchbay.core.account.LinkedAccount;
import io.patchbay.core.account.Viewer;
import io.patchbay.core.catalog.ConnectorCalls;
import io.patchbay.core.catalog.ConnectorCatalog;
import io.patchbay.core.plugin.ConnectorRegistry;
import io.patchbay.core.proxy.OpenedTarget;
import io.patchbay.spi.ConnectorContext;
import io.patchbay.spi.Credentials;
import io.patchbay.storage.PatchbayStorage;
import io.patchbay.storage.StorageConfig;
import io.patchbay.testkit.store.CountingLinkedAccountStore;
import io.patchbay.testkit.store.StoreFixtures;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opened credentials kept for the proxy, on real SQLite storage and the real Toggl connector, with a hand-moved
 * clock. The event loop asks without waiting ({@code mayBlock} false): an account in use must keep answering from
 * memory, and the sealed secret is read again only after a rotation or a long pause.
 */
class ProxyTargetsTest {
    private static final String TOKEN = "0123456789abcdef0123456789abcdef";

    @TempDir
    Path dir;

    private PatchbayStorage storage;
    private ConnectorRegistry registry;
    private CountingLinkedAccountStore database;
    private AccountVault vault;
    private final AtomicLong nanos = new AtomicLong();
    private ConnectorCalls calls;
    private ProxyTargets targets;
    private LinkedAccount account;
    private final Viewer viewer = Viewer.tenantWide("acme");

    @BeforeEach
    void open() {
        storage = PatchbayStorage.open(StorageConfig.embeddedDefault(dir));
        registry = ConnectorRegistry.load(getClass().getClassLoader(), Optional.empty(), ConnectorContext::defaults);
        database = new CountingLinkedAccountStore(storage.accounts());
        // As the server has it: accounts from memory, the sealed secret from the database.
        vault = new AccountVault(new CachingLinkedAccountStore(database, storage.accountChanges()), storage.cipher());
        calls = new ConnectorCalls(Duration.ofSeconds(5), 4);
        targets = new ProxyTargets(vault, new ConnectorCatalog(registry.connectors()), calls, nanos::get);
        account = StoreFixtures.account("acme").connector("toggl").build();
        vault.store().insert(account, vault.seal("acme", account.id(),
                new Credentials("api_token", Map.of("api_token", TOKEN))));
    }

    @AfterEach
    void close() throws Exception {
        calls.close();
        registry.close();
        storage.close();
    }

    @Test
    void anAccountInSteadyUseIsAnsweredFromMemoryLongPastTheTimeToLive() {
        assertThat(targets.resolve(viewer, account.id(), false)).as("not opened yet").isEmpty();
        OpenedTarget opened = targets.resolve(viewer, account.id(), true).orElseThrow();
        assertThat(opened.target().headers()).containsKey("Authorization");
        assertThat(opened.secrets().values()).contains(TOKEN);
        int reads = database.secretReads();

        for (Duration used = Duration.ZERO; used.compareTo(ProxyTargets.TTL.multipliedBy(5)) < 0;
                used = used.plusSeconds(10)) {
            nanos.addAndGet(Duration.ofSeconds(10).toNanos());
            assertThat(targets.resolve(viewer, account.id(), false)).as("after %s in use", used).isPresent();
        }
        assertThat(database.secretReads()).as("the sealed secret is not read again").isEqualTo(reads);
    }

    @Test
    void whatTheConnectorDeclaresDecidesWhatIsMasked() {
        OpenedTarget toggl = targets.resolve(viewer, account.id(), true).orElseThrow();
        assertThat(toggl.secrets().jsonFields()).containsExactlyInAnyOrder("\"api_token\"", "\"secret\"",
                "\"login_token\"", "\"ical_url\"", "\"invite_url\"", "\"invitation_code\"", "\"token\"");
        String credentials = java.util.Base64.getEncoder()
                .encodeToString((TOKEN + ":api_token").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(toggl.secrets().values()).as("the token, its header, and the header's credentials alone")
                .contains(TOKEN, "Basic " + credentials, "Basic+" + credentials, credentials)
                .allMatch(value -> value.endsWith(TOKEN) || value.endsWith(credentials));

        LinkedAccount oneflow = StoreFixtures.account("acme").connector("oneflow").build();
        String oneflowToken = "9841f1ee533681c3ea6a438560f2bb6c73b76675";
        vault.store().insert(oneflow, vault.seal("acme", oneflow.id(), new Credentials("api_token",
                Map.of("api_token", oneflowToken, "user_email", "ada.admin@acme.example"))));
        OpenedTarget resolved = targets.resolve(viewer, oneflow.id(), true).orElseThrow();
        assertThat(resolved.target().headers()).containsValue("ada.admin@acme.example");
        assertThat(resolved.secrets().values()).as("the token, not the user's email").containsExactly(oneflowToken);
        assertThat(resolved.toString()).doesNotContain(oneflowToken);
    }

    @Test
    void anAccountUnusedForTheTimeToLiveIsOpenedAgain() {
        targets.resolve(viewer, account.id(), true).orElseThrow();
        int reads = database.secretReads();

        nanos.addAndGet(ProxyTargets.TTL.toNanos());
        assertThat(targets.resolve(viewer, account.id(), false)).isEmpty();
        assertThat(targets.resolve(viewer, account.id(), true)).isPresent();
        assertThat(database.secretReads()).isEqualTo(reads + 1);
    }

    @Test
    void aRotatedAccountIsOpenedAfresh() {
        targets.resolve(viewer, account.id(), true).orElseThrow();
        LinkedAccount rotated = account.withRotatedCredentials("api_token", "3210", Optional.empty(),
                "Provider User", Optional.empty(), Instant.now());
        String newToken = "fedcba9876543210fedcba9876543210";
        LinkedAccount stored = vault.store().update(rotated, vault.seal("acme", account.id(),
                new Credentials("api_token", Map.of("api_token", newToken))));

        assertThat(stored.version()).isGreaterThan(account.version());
        assertThat(targets.resolve(viewer, account.id(), false)).as("the old version is not used").isEmpty();
        OpenedTarget reopened = targets.resolve(viewer, account.id(), true).orElseThrow();
        assertThat(reopened.secrets().values()).contains(newToken).doesNotContain(TOKEN);
    }
}
