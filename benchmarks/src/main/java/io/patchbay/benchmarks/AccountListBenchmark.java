package io.patchbay.benchmarks;

import io.patchbay.core.account.AccountQuery;
import io.patchbay.core.account.AccountStatus;
import io.patchbay.core.account.LinkedAccount;
import io.patchbay.core.account.Page;
import io.patchbay.core.account.Viewer;
import io.patchbay.storage.PatchbayStorage;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Latency of one page (50 accounts) of the account list on PostgreSQL with 1,000,000 accounts, for each filter and
 * for end-user viewers (visibility in SQL), on the first page and deep pages (a random cursor). The data
 * ({@link MillionAccounts}) is loaded once into {@code -Dpatchbay.bench.dir} (default: a folder in the temp
 * directory) and reused by later runs.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 10)
@Fork(1)
@Threads(1)
public class AccountListBenchmark {
    private static final int PAGE = 50;

    private EmbeddedPostgres postgres;
    private PatchbayStorage storage;
    private final List<String> cursors = new ArrayList<>();
    private final List<String> labels = new ArrayList<>();

    @Setup(Level.Trial)
    public void open() throws Exception {
        Path dir = Path.of(System.getProperty("patchbay.bench.dir",
                System.getProperty("java.io.tmpdir") + "/patchbay-bench-1m"));
        postgres = BenchDatabases.postgres(dir.resolve("pgdata"), true);
        BenchDatabases.printDurability(postgres);
        storage = PatchbayStorage.open(BenchDatabases.postgresStorage(postgres, "million", dir.resolve("keyset.json"), 4));
        try (Connection c = DriverManager.getConnection(postgres.getJdbcUrl("postgres", "million"))) {
            if (MillionAccounts.count(c) != MillionAccounts.TOTAL) {
                System.out.printf("Loading %,d accounts...%n", MillionAccounts.TOTAL);
                System.out.printf("Loaded in %.1f s%n", MillionAccounts.load(c, storage.cipher()));
            }
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT id, label FROM linked_account TABLESAMPLE SYSTEM (1) "
                         + "WHERE tenant_id = '" + MillionAccounts.BIG_TENANT + "' LIMIT 2000")) {
                while (rs.next()) {
                    cursors.add(rs.getString(1));
                    labels.add(rs.getString(2));
                }
            }
        }
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
        storage.close();
        postgres.close();
    }

    private static Viewer tenantWide() {
        return Viewer.tenantWide(MillionAccounts.BIG_TENANT);
    }

    private static Viewer randomEndUser() {
        int owner = ThreadLocalRandom.current().nextInt(MillionAccounts.OWNERS);
        return new Viewer(MillionAccounts.BIG_TENANT, Optional.of(MillionAccounts.owner(owner)),
                MillionAccounts.teamOf(owner));
    }

    private String randomCursor() {
        return cursors.get(ThreadLocalRandom.current().nextInt(cursors.size()));
    }

    private static AccountQuery query(Viewer viewer, Optional<String> connector, Optional<String> owner,
                                      Optional<AccountStatus> status, Optional<String> label, Optional<String> cursor) {
        return new AccountQuery(viewer, connector, owner, status, label, PAGE, cursor);
    }

    @Benchmark
    public Page<LinkedAccount> tenantWideFirstPage() {
        return storage.accounts().list(AccountQuery.all(tenantWide(), PAGE));
    }

    @Benchmark
    public Page<LinkedAccount> tenantWideDeepPage() {
        return storage.accounts().list(AccountQuery.all(tenantWide(), PAGE).after(randomCursor()));
    }

    @Benchmark
    public Page<LinkedAccount> byConnectorDeepPage() {
        return storage.accounts().list(query(tenantWide(), Optional.of("harvest"), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.of(randomCursor())));
    }

    @Benchmark
    public Page<LinkedAccount> byOwner() {
        return storage.accounts().list(query(tenantWide(), Optional.empty(),
                Optional.of(MillionAccounts.owner(ThreadLocalRandom.current().nextInt(MillionAccounts.OWNERS))),
                Optional.empty(), Optional.empty(), Optional.empty()));
    }

    @Benchmark
    public Page<LinkedAccount> byRareStatus() {
        return storage.accounts().list(query(tenantWide(), Optional.empty(), Optional.empty(),
                Optional.of(AccountStatus.INSUFFICIENT_PERMISSIONS), Optional.empty(), Optional.of(randomCursor())));
    }

    @Benchmark
    public Page<LinkedAccount> byLabel() {
        return storage.accounts().list(query(tenantWide(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of(labels.get(ThreadLocalRandom.current().nextInt(labels.size()))), Optional.empty()));
    }

    @Benchmark
    public Page<LinkedAccount> byConnectorAndRareStatus() {
        return storage.accounts().list(query(tenantWide(), Optional.of("harvest"), Optional.empty(),
                Optional.of(AccountStatus.INVALID_CREDENTIALS), Optional.empty(), Optional.empty()));
    }

    @Benchmark
    public Page<LinkedAccount> endUserFirstPage() {
        return storage.accounts().list(AccountQuery.all(randomEndUser(), PAGE));
    }

    @Benchmark
    public Page<LinkedAccount> endUserDeepPage() {
        return storage.accounts().list(AccountQuery.all(randomEndUser(), PAGE).after(randomCursor()));
    }

    @Benchmark
    public Page<LinkedAccount> endUserByConnectorAndStatus() {
        return storage.accounts().list(query(randomEndUser(), Optional.of("oneflow"), Optional.empty(),
                Optional.of(AccountStatus.ACTIVE), Optional.empty(), Optional.empty()));
    }
}
