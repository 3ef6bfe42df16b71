package io.patchbay.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.core.account.LinkedAccount;
import io.patchbay.testkit.store.StoreFixtures;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/** PostgreSQL's trigger announces every change of an account, whoever makes it, with the ids and nothing else. */
class AccountChangeTriggerTest {
    @TempDir
    Path dir;

    @Test
    void everyRowChangeIsAnnouncedWithTheIdsOnly() throws Exception {
        StorageConfig config = TestStorage.postgres(dir);
        try (PatchbayStorage storage = PatchbayStorage.open(config);
             Connection listener = DriverManager.getConnection(config.jdbcUrl(), "postgres", "")) {
            try (Statement statement = listener.createStatement()) {
                statement.execute("LISTEN " + PostgresAccountChanges.CHANNEL);
            }
            String tenant = StoreFixtures.tenant();
            String token = Secrets.newToken();
            LinkedAccount account = Secrets.link(storage, StoreFixtures.account(tenant).label("label-not-announced"),
                    token);
            String expected = tenant + " " + account.id();
            assertThat(payloads(listener, 1)).containsExactly(expected);

            storage.accounts().update(account.withLabel("renamed-not-announced", StoreFixtures.T0),
                    Secrets.seal(storage, account, Secrets.newToken()));
            assertThat(payloads(listener, 1)).containsExactly(expected);

            // A tool's change, made in SQL beside the application.
            try (Connection tool = DriverManager.getConnection(config.jdbcUrl(), "postgres", "");
                 PreparedStatement update = tool.prepareStatement(
                         "UPDATE linked_account SET visibility = 'TENANT' WHERE id = ?")) {
                update.setString(1, account.id());
                assertThat(update.executeUpdate()).isEqualTo(1);
            }
            assertThat(payloads(listener, 1)).containsExactly(expected);

            assertThat(storage.accounts().delete(tenant, account.id())).isTrue();
            assertThat(payloads(listener, 1)).containsExactly(expected);

            storage.database().write(h -> h.execute("TRUNCATE linked_account"));
            assertThat(payloads(listener, 1)).as("a truncate announces every account").containsExactly("");
        }
    }

    @Test
    void aChangeWhoseIdsAreTooLongForNotifyIsStoredAndAnnouncedAsEveryAccount() throws Exception {
        StorageConfig config = TestStorage.postgres(dir);
        try (PatchbayStorage storage = PatchbayStorage.open(config);
             Connection listener = DriverManager.getConnection(config.jdbcUrl(), "postgres", "")) {
            try (Statement statement = listener.createStatement()) {
                statement.execute("LISTEN " + PostgresAccountChanges.CHANNEL);
            }
            // NOTIFY takes payloads shorter than 8000 bytes; the application may use ids of any length.
            String tenant = "ten_" + "é".repeat(4000);
            LinkedAccount account = Secrets.link(storage, StoreFixtures.account(tenant), Secrets.newToken());
            assertThat(payloads(listener, 1)).as("every account changed").containsExactly("");
            assertThat(storage.accounts().find(tenant, account.id())).contains(account);

            assertThat(storage.accounts().delete(tenant, account.id(), 0)).isTrue();
            assertThat(payloads(listener, 1)).containsExactly("");
        }
    }

    /** Waits for {@code count} notifications on the channel. */
    private static List<String> payloads(Connection listener, int count) throws SQLException {
        List<String> payloads = new ArrayList<>();
        long deadline = System.nanoTime() + ChangeWatch.PATIENCE.toNanos();
        while (payloads.size() < count && System.nanoTime() - deadline < 0) {
            PGNotification[] batch = listener.unwrap(PGConnection.class).getNotifications(100);
            Arrays.stream(batch).filter(n -> Objects.equals(n.getName(), PostgresAccountChanges.CHANNEL))
                    .map(PGNotification::getParameter).forEach(payloads::add);
        }
        return payloads;
    }
}
