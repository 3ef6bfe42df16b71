package io.patchbay.benchmarks;

import io.patchbay.core.Ids;
import io.patchbay.core.account.AccountStatus;
import io.patchbay.core.account.Visibility;
import io.patchbay.core.secret.CredentialsCodec;
import io.patchbay.core.secret.SecretCipher;
import io.patchbay.spi.Credentials;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * A realistic million accounts, bulk-loaded with COPY (each secret really sealed for its account): one big tenant
 * with 900,000 accounts of 50,000 owners in 500 teams, and 100 small tenants of 1,000 each. In the big tenant 75%
 * are private, 15% shared with the team, 10% with the whole tenant; 60% Toggl, 30% Oneflow, 10% Harvest; 93% active.
 */
final class MillionAccounts {
    static final String BIG_TENANT = "ten_big";
    static final int BIG_TENANT_ACCOUNTS = 900_000;
    static final int SMALL_TENANTS = 100;
    static final int SMALL_TENANT_ACCOUNTS = 1_000;
    static final int TOTAL = BIG_TENANT_ACCOUNTS + SMALL_TENANTS * SMALL_TENANT_ACCOUNTS;
    static final int OWNERS = 50_000;
    static final int TEAMS = 500;
    private static final Instant START = Instant.parse("2024-01-01T00:00:00Z");
    private static final String COLUMNS = "id, tenant_id, connector_id, auth_method, label, owner_id, team_id, "
            + "visibility, provider_user_id, provider_email, provider_display_name, provider_account_id, "
            + "workspace_id, workspace_name, workspace_role, status, status_reason, secret_hint, created_at, "
            + "updated_at, last_verified_at, version, secret, secret_key_id";

    private MillionAccounts() {
    }

    static String owner(int index) {
        return "user-" + index;
    }

    /** Four owners in five have a team. */
    static Optional<String> teamOf(int ownerIndex) {
        return ownerIndex % 5 == 0 ? Optional.empty() : Optional.of("team-" + ownerIndex % TEAMS);
    }

    static String label(int ownerIndex, String connector) {
        return connector + " of " + owner(ownerIndex);
    }

    static long count(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); var rs = s.executeQuery("SELECT COUNT(*) FROM linked_account")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Empties the table and loads {@link #TOTAL} accounts; returns the seconds it took. */
    static double load(Connection c, SecretCipher cipher) throws SQLException {
        long started = System.nanoTime();
        try (Statement s = c.createStatement()) {
            s.execute("TRUNCATE linked_account");
        }
        SplittableRandom random = new SplittableRandom(42);
        CopyIn copy = c.unwrap(PGConnection.class).getCopyAPI()
                .copyIn("COPY linked_account (" + COLUMNS + ") FROM STDIN WITH (FORMAT text)");
        StringBuilder chunk = new StringBuilder(1 << 20);
        HexFormat hex = HexFormat.of();
        for (int i = 0; i < TOTAL; i++) {
            boolean big = i < BIG_TENANT_ACCOUNTS;
            String tenant = big ? BIG_TENANT : "ten_small_" + (i - BIG_TENANT_ACCOUNTS) / SMALL_TENANT_ACCOUNTS;
            int ownerIndex = random.nextInt(OWNERS);
            Optional<String> team = teamOf(ownerIndex);
            int v = random.nextInt(100);
            Visibility visibility = v < 75 || (v < 90 && team.isEmpty()) ? Visibility.PRIVATE
                    : v < 90 ? Visibility.TEAM : Visibility.TENANT;
            int c100 = random.nextInt(100);
            String connector = c100 < 60 ? "toggl" : c100 < 90 ? "oneflow" : "harvest";
            int s100 = random.nextInt(100);
            AccountStatus status = s100 < 93 ? AccountStatus.ACTIVE : s100 < 97 ? AccountStatus.UNVERIFIED
                    : s100 < 99 ? AccountStatus.INVALID_CREDENTIALS : AccountStatus.INSUFFICIENT_PERMISSIONS;
            Instant created = START.plusMillis(i * 10L);
            long nanos = created.getEpochSecond() * 1_000_000_000L + created.getNano();
            String id = Ids.next("acc", created);
            byte[] sealed = cipher.seal(CredentialsCodec.encode(new Credentials("api_token",
                            Map.of("api_token", "tok_" + Long.toHexString(random.nextLong())))),
                    SecretCipher.associatedData(tenant, id));
            long keyId = ((sealed[1] & 0xffL) << 24) | ((sealed[2] & 0xffL) << 16) | ((sealed[3] & 0xffL) << 8)
                    | (sealed[4] & 0xffL);
            chunk.append(id).append('\t')
                    .append(tenant).append('\t')
                    .append(connector).append('\t')
                    .append("api_token").append('\t')
                    .append(label(ownerIndex, connector)).append('\t')
                    .append(owner(ownerIndex)).append('\t')
                    .append(team.orElse("\\N")).append('\t')
                    .append(visibility.name()).append('\t')
                    .append("pu-").append(i).append('\t')
                    .append(owner(ownerIndex)).append("@example.com\t")
                    .append("User ").append(ownerIndex).append('\t')
                    .append("\\N\t")
                    .append("ws-").append(i % 7).append('\t')
                    .append("Workspace\t")
                    .append("admin\t")
                    .append(status.name()).append('\t')
                    .append("\\N\t")
                    .append("x9z8\t")
                    .append(nanos).append('\t')
                    .append(nanos).append('\t')
                    .append(nanos).append('\t')
                    .append("0\t")
                    .append("\\\\x").append(hex.formatHex(sealed)).append('\t')
                    .append(keyId).append('\n');
            if (chunk.length() > (1 << 20) - 2048) {
                byte[] bytes = chunk.toString().getBytes(StandardCharsets.UTF_8);
                copy.writeToCopy(bytes, 0, bytes.length);
                chunk.setLength(0);
            }
        }
        byte[] bytes = chunk.toString().getBytes(StandardCharsets.UTF_8);
        copy.writeToCopy(bytes, 0, bytes.length);
        copy.endCopy();
        try (Statement s = c.createStatement()) {
            s.execute("VACUUM ANALYZE linked_account");
        }
        return (System.nanoTime() - started) / 1e9;
    }
}
