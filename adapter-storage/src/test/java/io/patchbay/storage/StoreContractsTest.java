package io.patchbay.storage;

import io.patchbay.core.access.ApiKeyStore;
import io.patchbay.core.access.ConnectSessionStore;
import io.patchbay.core.account.CachingLinkedAccountStore;
import io.patchbay.core.account.LinkedAccountStore;
import io.patchbay.core.audit.AuditLog;
import io.patchbay.core.secret.SecretCipher;
import io.patchbay.testkit.store.ApiKeyStoreContract;
import io.patchbay.testkit.store.AuditLogContract;
import io.patchbay.testkit.store.ConnectSessionStoreContract;
import io.patchbay.testkit.store.LinkedAccountStoreContract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;

/**
 * The shared store contracts, on SQLite and on PostgreSQL, and the account cache over each with its database's
 * change feed; one storage per database for all the tests.
 */
class StoreContractsTest {

    static final class Holder {
        private final boolean sqlite;
        private PatchbayStorage storage;
        private Path dir;

        Holder(boolean sqlite) {
            this.sqlite = sqlite;
        }

        synchronized PatchbayStorage get() {
            if (storage == null) {
                try {
                    dir = Files.createTempDirectory(sqlite ? "patchbay-sqlite" : "patchbay-pg-keys");
                    storage = PatchbayStorage.open(sqlite ? TestStorage.sqlite(dir) : TestStorage.postgres(dir));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
            return storage;
        }

        synchronized void close() {
            if (storage != null) {
                storage.close();
                storage = null;
                TestStorage.deleteRecursively(dir);
            }
        }
    }

    static final Holder SQLITE = new Holder(true);
    static final Holder POSTGRES = new Holder(false);

    @AfterAll
    static void close() {
        SQLITE.close();
        POSTGRES.close();
    }

    @Nested
    class SqliteAccounts extends LinkedAccountStoreContract {
        @Override
        protected LinkedAccountStore newStore() {
            PatchbayStorage s = SQLITE.get();
            TestStorage.wipe(s);
            return s.accounts();
        }

        @Override
        protected SecretCipher cipher() {
            return SQLITE.get().cipher();
        }
    }

    @Nested
    class SqliteCachedAccounts extends LinkedAccountStoreContract {
        @Override
        protected LinkedAccountStore newStore() {
            return cached(SQLITE.get());
        }

        @Override
        protected SecretCipher cipher() {
            return SQLITE.get().cipher();
        }
    }

    @Nested
    class SqliteSessions extends ConnectSessionStoreContract {
        @Override
        protected ConnectSessionStore newStore() {
            PatchbayStorage s = SQLITE.get();
            TestStorage.wipe(s);
            return s.connectSessions();
        }
    }

    @Nested
    class SqliteApiKeys extends ApiKeyStoreContract {
        @Override
        protected ApiKeyStore newStore() {
            PatchbayStorage s = SQLITE.get();
            TestStorage.wipe(s);
            return s.apiKeys();
        }
    }

    @Nested
    class SqliteAudit extends AuditLogContract {
        @Override
        protected AuditLog newLog() {
            PatchbayStorage s = SQLITE.get();
            TestStorage.wipe(s);
            return s.auditLog();
        }
    }

    @Nested
    class PostgresAccounts extends LinkedAccountStoreContract {
        @Override
        protected LinkedAccountStore newStore() {
            PatchbayStorage s = POSTGRES.get();
            TestStorage.wipe(s);
            return s.accounts();
        }

        @Override
        protected SecretCipher cipher() {
            return POSTGRES.get().cipher();
        }
    }

    @Nested
    class PostgresCachedAccounts extends LinkedAccountStoreContract {
        @Override
        protected LinkedAccountStore newStore() {
            return cached(POSTGRES.get());
        }

        @Override
        protected SecretCipher cipher() {
            return POSTGRES.get().cipher();
        }
    }

    @Nested
    class PostgresSessions extends ConnectSessionStoreContract {
        @Override
        protected ConnectSessionStore newStore() {
            PatchbayStorage s = POSTGRES.get();
            TestStorage.wipe(s);
            return s.connectSessions();
        }
    }

    @Nested
    class PostgresApiKeys extends ApiKeyStoreContract {
        @Override
        protected ApiKeyStore newStore() {
            PatchbayStorage s = POSTGRES.get();
            TestStorage.wipe(s);
            return s.apiKeys();
        }
    }

    @Nested
    class PostgresAudit extends AuditLogContract {
        @Override
        protected AuditLog newLog() {
            PatchbayStorage s = POSTGRES.get();
            TestStorage.wipe(s);
            return s.auditLog();
        }
    }

    /** A new cache over the emptied store, once its feed is live (so the tests run with the cache in use). */
    private static LinkedAccountStore cached(PatchbayStorage storage) {
        TestStorage.wipe(storage);
        CachingLinkedAccountStore cache = new CachingLinkedAccountStore(storage.accounts(), storage.accountChanges());
        ChangeWatch.on(storage.accountChanges()).awaitLive();
        return cache;
    }
}
