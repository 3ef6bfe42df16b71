package io.patchbay.server.keyset;

import com.squareup.moshi.Json;
import io.patchbay.storage.KeyRotation;
import java.util.List;
import java.util.Optional;

/** The JSON shapes of the keyset routes: key ids and counts, never key material. */
public final class KeysetViews {
    private KeysetViews() {
    }

    /** One key of the keyset and how many stored secrets it seals. */
    public record KeyView(long id, boolean primary, long secrets) {
    }

    /** A key id that stored secrets name but the keyset lacks, and how many secrets it seals. */
    public record MissingKeyView(long id, long secrets) {
    }

    /**
     * The keyset's state.
     *
     * @param source      where the keyset is (a file path or an environment variable's name)
     * @param writable    whether the server can change it (a file) or not (given as JSON)
     * @param missingKeys key ids of stored secrets that the keyset does not have: those secrets do not open here
     */
    public record StatusView(String source, boolean writable, @Json(name = "primary_key_id") long primaryKeyId,
                             List<KeyView> keys, @Json(name = "missing_keys") List<MissingKeyView> missingKeys,
                             @Json(name = "secrets_not_on_primary") long secretsNotOnPrimary) {
        static StatusView of(KeyRotation.Status status) {
            return new StatusView(status.keyset(), status.writable(), status.primaryKeyId(),
                    status.keys().stream().map(k -> new KeyView(k.keyId(), k.primary(), k.secrets())).toList(),
                    status.missingKeys().stream().map(k -> new MissingKeyView(k.keyId(), k.secrets())).toList(),
                    status.secretsNotOnPrimary());
        }
    }

    /** What a re-encryption run did; {@code next_cursor} is set when it stopped at its limit. */
    public record ReencryptView(long reencrypted, long changed,
                                @Json(name = "unreadable_account_ids") List<String> unreadableAccountIds,
                                @Json(name = "next_cursor") Optional<String> nextCursor, StatusView keyset) {
    }

    public record RemovedKeysView(@Json(name = "removed_key_ids") List<Long> removedKeyIds, StatusView keyset) {
    }
}
