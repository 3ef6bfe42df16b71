package io.patchbay.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patchbay.core.account.AccountQuery;
import io.patchbay.core.account.AccountStatus;
import io.patchbay.core.account.LinkedAccount;
import io.patchbay.core.account.Viewer;
import io.patchbay.core.audit.AuditEvent;
import io.patchbay.core.error.InvalidInputException;
import io.patchbay.spi.FieldError;
import io.patchbay.testkit.store.StoreFixtures;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * PostgreSQL's text cannot hold U+0000 (a provider may still send one, in a display name): such a value is refused
 * with an error naming the field, alike on both databases, never a driver error; a lookup by such a key finds nothing.
 */
class TextValuesTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Database.Dialect.class)
    void aNulCharacterIsRefusedNamingTheFieldAndLookupsFindNothing(Database.Dialect dialect) {
        try (PatchbayStorage storage = PatchbayStorage.open(TestStorage.config(dialect, dir))) {
            String tenant = StoreFixtures.tenant();
            LinkedAccount clean = StoreFixtures.account(tenant).build();
            LinkedAccount nulName = clean.withRotatedCredentials("api_token", "wxyz", Optional.empty(), "Zoë\u0000",
                    Optional.empty(), StoreFixtures.T0);

            assertThatThrownBy(() -> storage.accounts().insert(nulName, Secrets.seal(storage, nulName, "t")))
                    .isInstanceOf(InvalidInputException.class)
                    .satisfies(e -> assertThat(((InvalidInputException) e).errors()).extracting(FieldError::field,
                            FieldError::code).containsExactly(org.assertj.core.groups.Tuple.tuple(
                                    "providerDisplayName", "nul_character")));
            assertThat(storage.accounts().find(tenant, clean.id())).isEmpty();

            storage.accounts().insert(clean, Secrets.seal(storage, clean, "t"));
            LinkedAccount nulReason = clean.withStatus(AccountStatus.INVALID_CREDENTIALS, Optional.of("provider said \u0000"),
                    Optional.empty(), StoreFixtures.T0);
            assertThatThrownBy(() -> storage.accounts().update(nulReason))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("statusReason (nul_character)");
            assertThat(storage.accounts().find(tenant, clean.id())).contains(clean);

            assertThat(storage.accounts().find(tenant, clean.id() + "\u0000")).isEmpty();
            assertThat(storage.accounts().sealedSecret(tenant + "\u0000", clean.id())).isEmpty();
            assertThat(storage.accounts().delete(tenant, clean.id() + "\u0000", 0)).isFalse();
            assertThatThrownBy(() -> storage.accounts().list(new AccountQuery(Viewer.tenantWide(tenant),
                    Optional.empty(), Optional.empty(), Optional.empty(), Optional.of("a\u0000"), 10,
                    Optional.empty())))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("label (nul_character)");

            assertThatThrownBy(() -> storage.auditLog().record(new AuditEvent("aud_1", tenant, StoreFixtures.T0,
                    "key:\u0000", "account.linked", Optional.of(clean.id()), Map.of("k", "v\u0000"))))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("actor (nul_character)");
            assertThat(storage.auditLog().recent(tenant + "\u0000", Optional.empty(), 10)).isEmpty();
            assertThat(storage.apiKeys().find(tenant, "key_\u0000")).isEmpty();
        }
    }
}
