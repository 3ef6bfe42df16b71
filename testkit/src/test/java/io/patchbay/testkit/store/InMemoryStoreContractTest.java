package io.patchbay.testkit.store;

import io.patchbay.core.access.ApiKeyStore;
import io.patchbay.core.access.ConnectSessionStore;
import io.patchbay.core.account.AccountChanges;
import io.patchbay.core.account.CachingLinkedAccountStore;
import io.patchbay.core.account.LinkedAccountStore;
import io.patchbay.core.audit.AuditLog;
import io.patchbay.core.secret.SecretCipher;
import io.patchbay.testkit.memory.InMemoryApiKeyStore;
import io.patchbay.testkit.memory.InMemoryAuditLog;
import io.patchbay.testkit.memory.InMemoryConnectSessionStore;
import io.patchbay.testkit.memory.InMemoryLinkedAccountStore;
import io.patchbay.testkit.memory.TestCipher;
import org.junit.jupiter.api.Nested;

/** The reference stores pass their own contracts, and so does the account cache over them. */
class InMemoryStoreContractTest {

    @Nested
    class Accounts extends LinkedAccountStoreContract {
        private final SecretCipher cipher = new TestCipher();

        @Override
        protected LinkedAccountStore newStore() {
            return new InMemoryLinkedAccountStore();
        }

        @Override
        protected SecretCipher cipher() {
            return cipher;
        }
    }

    @Nested
    class CachedAccounts extends LinkedAccountStoreContract {
        private final SecretCipher cipher = new TestCipher();

        @Override
        protected LinkedAccountStore newStore() {
            return new CachingLinkedAccountStore(new InMemoryLinkedAccountStore(), AccountChanges.singleProcess());
        }

        @Override
        protected SecretCipher cipher() {
            return cipher;
        }
    }

    @Nested
    class Sessions extends ConnectSessionStoreContract {
        @Override
        protected ConnectSessionStore newStore() {
            return new InMemoryConnectSessionStore();
        }
    }

    @Nested
    class Keys extends ApiKeyStoreContract {
        @Override
        protected ApiKeyStore newStore() {
            return new InMemoryApiKeyStore();
        }
    }

    @Nested
    class Audit extends AuditLogContract {
        @Override
        protected AuditLog newLog() {
            return new InMemoryAuditLog();
        }
    }
}
