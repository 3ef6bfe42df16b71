package io.patchbay.benchmarks;

import io.patchbay.core.account.AccountVault;
import io.patchbay.core.account.LinkedAccount;
import io.patchbay.core.account.Viewer;
import io.patchbay.spi.Credentials;
import io.patchbay.storage.PatchbayStorage;
import io.patchbay.storage.StorageConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Links per second (seal the credentials + insert the account) and lookups per second (find the account, read and
 * open its sealed credentials, as every provider call does), on SQLite and on PostgreSQL, from 4 threads.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 10)
@Fork(1)
@Threads(4)
public class StorageThroughputBenchmark {
    private static final int LOOKUP_ACCOUNTS = 10_000;
    private static final String TENANT = "ten_bench";

    @Param({"sqlite", "postgresql"})
    public String database;

    private EmbeddedPostgres postgres;
    private PatchbayStorage storage;
    private AccountVault vault;
    private final List<String> ids = new ArrayList<>();
    private Path dir;

    @Setup(Level.Trial)
    public void open() throws Exception {
        StorageConfig config;
        dir = Files.createTempDirectory("patchbay-bench-" + database);
        if (database.equals("sqlite")) {
            config = StorageConfig.embeddedDefault(dir.resolve("data"));
        } else {
            postgres = BenchDatabases.postgres(dir.resolve("pgdata"), false);
            BenchDatabases.printDurability(postgres);
            config = BenchDatabases.postgresStorage(postgres, "bench", dir.resolve("keyset.json"), 8);
        }
        storage = PatchbayStorage.open(config);
        vault = new AccountVault(storage.accounts(), storage.cipher());
        for (int i = 0; i < LOOKUP_ACCOUNTS; i++) {
            LinkedAccount account = BenchDatabases.newAccount(TENANT, "owner-" + i);
            storage.accounts().insert(account, BenchDatabases.seal(storage.cipher(), account, "tok-" + i));
            ids.add(account.id());
        }
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
        storage.close();
        if (postgres != null) {
            postgres.close();
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Benchmark
    public LinkedAccount link() {
        LinkedAccount account = BenchDatabases.newAccount(TENANT, "owner-new");
        storage.accounts().insert(account, BenchDatabases.seal(storage.cipher(), account,
                "tok_0123456789abcdef0123456789abcdef"));
        return account;
    }

    @Benchmark
    public Credentials lookup() {
        String id = ids.get(ThreadLocalRandom.current().nextInt(ids.size()));
        return vault.open(vault.visible(Viewer.tenantWide(TENANT), id));
    }
}
