package io.patchbay.testkit.store;

import io.patchbay.core.Ids;
import io.patchbay.core.account.AccountStatus;
import io.patchbay.core.account.LinkedAccount;
import io.patchbay.core.account.Visibility;
import io.patchbay.core.secret.SecretCipher;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.ArrayList;
import java.util.List;

/** Test data for the store contracts: unique tenants, accounts with every field set, and a start gate for races. */
public final class StoreFixtures {
    /** A fixed instant with nanoseconds, so stores must keep full precision. */
    public static final Instant T0 = Instant.parse("2026-03-04T05:06:07.123456789Z");

    private StoreFixtures() {
    }

    public static String tenant() {
        return "ten_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    public static String accountId() {
        return Ids.next("acc", Instant.now());
    }

    /** A builder of linked accounts; defaults are a private, active account with every optional field empty. */
    public static Account account(String tenantId) {
        return new Account(tenantId);
    }

    /** A secret sealed for its account, as the core seals it. */
    public static byte[] seal(SecretCipher cipher, LinkedAccount account, String plaintext) {
        return cipher.seal(plaintext.getBytes(StandardCharsets.UTF_8),
                SecretCipher.associatedData(account.tenantId(), account.id()));
    }

    public static String open(SecretCipher cipher, LinkedAccount account, byte[] sealed) {
        return new String(cipher.open(sealed, SecretCipher.associatedData(account.tenantId(), account.id())),
                StandardCharsets.UTF_8);
    }

    /**
     * Runs the task on {@code threads} threads released at the same moment, and returns each outcome: the value,
     * or the exception thrown.
     */
    public static <T> List<Object> race(int threads, Callable<T> task) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                futures.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    return task.call();
                }));
            }
            ready.await(10, TimeUnit.SECONDS);
            go.countDown();
            List<Object> outcomes = new ArrayList<>();
            for (Future<T> future : futures) {
                try {
                    outcomes.add(future.get(60, TimeUnit.SECONDS));
                } catch (java.util.concurrent.ExecutionException e) {
                    outcomes.add(e.getCause());
                } catch (java.util.concurrent.TimeoutException e) {
                    throw new AssertionError("a racing thread did not finish within 60 s", e);
                }
            }
            return outcomes;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Builds {@link LinkedAccount}s. */
    public static final class Account {
        private final String tenantId;
        private String id = accountId();
        private String connectorId = "toggl";
        private String label = "Work account";
        private String ownerId = "user-1";
        private Optional<String> teamId = Optional.empty();
        private Visibility visibility = Visibility.PRIVATE;
        private String providerUserId = "provider-" + UUID.randomUUID();
        private Optional<String> workspaceId = Optional.empty();
        private AccountStatus status = AccountStatus.ACTIVE;
        private boolean everyField;

        private Account(String tenantId) {
            this.tenantId = Objects.requireNonNull(tenantId, "tenantId");
        }

        public Account id(String value) {
            id = value;
            return this;
        }

        public Account connector(String value) {
            connectorId = value;
            return this;
        }

        public Account label(String value) {
            label = value;
            return this;
        }

        public Account owner(String value) {
            ownerId = value;
            return this;
        }

        public Account team(String value) {
            teamId = Optional.ofNullable(value);
            return this;
        }

        public Account visibility(Visibility value) {
            visibility = value;
            return this;
        }

        public Account providerUser(String value) {
            providerUserId = value;
            return this;
        }

        public Account workspace(String value) {
            workspaceId = Optional.ofNullable(value);
            return this;
        }

        public Account status(AccountStatus value) {
            status = value;
            return this;
        }

        /** Fills every optional field, with text that needs care (quotes, non-ASCII). */
        public Account everyField() {
            everyField = true;
            return this;
        }

        public LinkedAccount build() {
            if (!everyField) {
                return new LinkedAccount(id, tenantId, connectorId, "api_token", label, ownerId, teamId, visibility,
                        providerUserId, Optional.empty(), "Provider User", Optional.empty(), workspaceId,
                        Optional.empty(), Optional.empty(), status, Optional.empty(), "wxyz", T0, T0,
                        Optional.empty(), 0);
            }
            return new LinkedAccount(id, tenantId, connectorId, "email_password", label, ownerId,
                    Optional.of(teamId.orElse("team-x")), visibility, providerUserId,
                    Optional.of("zoë.o'neil@example.com"), "Zoë O'Neil \"ZO\"", Optional.of("org-42"),
                    Optional.of(workspaceId.orElse("ws-9")), Optional.of("Design – Team"), Optional.of("admin"),
                    status, Optional.of("checked; all good"), "9z!Q", T0, T0.plusNanos(1),
                    Optional.of(T0.plusSeconds(3600).plusNanos(7)), 0);
        }
    }
}
