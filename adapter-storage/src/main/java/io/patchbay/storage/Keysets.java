package io.patchbay.storage;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeyStatus;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadWrapper;
import com.google.crypto.tink.aead.AesGcmKey;
import com.google.crypto.tink.aead.AesGcmKeyManager;
import com.google.crypto.tink.aead.AesGcmParameters;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import java.security.GeneralSecurityException;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Keyset changes as pure functions on Tink JSON keysets, for keysets the running server cannot write back (an
 * environment variable): an operator runs them, deploys the result and restarts. Key ids are Tink's (unsigned 32
 * bit), as shown by {@link KeyRotation#status()}.
 */
public final class Keysets {
    static {
        try {
            // Only what AES-256-GCM keysets need: AeadConfig.register() would also load every other AEAD and MAC.
            AeadWrapper.register();
            AesGcmKeyManager.register(true);
        } catch (GeneralSecurityException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private Keysets() {
    }

    /** A new keyset with one AES-256-GCM key, which is primary. */
    public static String generate() {
        return json(generateHandle());
    }

    /** The keyset with one more AES-256-GCM key, which becomes primary; the other keys still open old secrets. */
    public static String addPrimaryKey(String keysetJson) {
        KeysetHandle before = parse(keysetJson, "keysetJson");
        KeysetHandle after = addKey(before);
        return json(makePrimary(after, newestKeyId(before, after)));
    }

    /**
     * The keyset with one more AES-256-GCM key that is not yet primary: the first phase of a rolling rotation over
     * several instances. Roll it out everywhere so every instance can open what the new key will seal, then
     * {@link #makePrimary(String, long) make it primary} and roll out again.
     */
    public static String addKey(String keysetJson) {
        return json(addKey(parse(keysetJson, "keysetJson")));
    }

    /** The keyset with {@code keyId} as primary key: new secrets are sealed with it. */
    public static String makePrimary(String keysetJson, long keyId) {
        return json(makePrimary(parse(keysetJson, "keysetJson"), keyId));
    }

    /** The id of the primary key. */
    public static long primaryKeyId(String keysetJson) {
        return primaryKeyId(parse(keysetJson, "keysetJson"));
    }

    /** The keyset without the key; refuses to remove the primary key. */
    public static String removeKey(String keysetJson, long keyId) {
        return json(removeKey(parse(keysetJson, "keysetJson"), keyId));
    }

    /** The ids of the keys in the keyset. */
    public static Set<Long> keyIds(String keysetJson) {
        return keyIds(parse(keysetJson, "keysetJson"));
    }

    static KeysetHandle generateHandle() {
        try {
            return KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate an AES-256-GCM key", e);
        }
    }

    static KeysetHandle addKey(KeysetHandle handle) {
        try {
            return KeysetHandle.newBuilder(handle)
                    .addEntry(KeysetHandle.generateEntryFromParameters(PredefinedAeadParameters.AES256_GCM)
                            .withRandomId())
                    .build();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot add an AES-256-GCM key", e);
        }
    }

    static KeysetHandle makePrimary(KeysetHandle handle, long keyId) {
        KeysetHandle.Builder builder = KeysetHandle.newBuilder(handle);
        builder.getAt(indexOf(handle, keyId)).makePrimary();
        return build(builder);
    }

    static KeysetHandle removeKey(KeysetHandle handle, long keyId) {
        int index = indexOf(handle, keyId);
        if (handle.getAt(index).isPrimary()) {
            throw new IllegalArgumentException("keyId: " + keyId + " is the primary key; make another key primary first");
        }
        KeysetHandle.Builder builder = KeysetHandle.newBuilder(handle);
        builder.deleteAt(index);
        return build(builder);
    }

    /** The id of the key that {@code after} has and {@code before} has not. */
    static long newestKeyId(KeysetHandle before, KeysetHandle after) {
        Set<Long> ids = keyIds(after);
        ids.removeAll(keyIds(before));
        return ids.iterator().next();
    }

    static Set<Long> keyIds(KeysetHandle handle) {
        Set<Long> ids = new LinkedHashSet<>();
        for (int i = 0; i < handle.size(); i++) {
            ids.add(unsigned(handle.getAt(i).getId()));
        }
        return ids;
    }

    static long primaryKeyId(KeysetHandle handle) {
        return unsigned(handle.getPrimary().getId());
    }

    static long unsigned(int tinkKeyId) {
        return Integer.toUnsignedLong(tinkKeyId);
    }

    /**
     * Parses and checks a keyset: only enabled AES-256-GCM keys with the TINK prefix, which puts the key id in each
     * ciphertext, so rotation can tell which rows still need an old key.
     *
     * @throws IllegalArgumentException naming {@code origin} and what is wrong; never the key material
     */
    static KeysetHandle parse(String json, String origin) {
        KeysetHandle handle;
        try {
            handle = TinkJsonProtoKeysetFormat.parseKeyset(json, InsecureSecretKeyAccess.get());
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException(origin + ": not a Tink JSON keyset (" + e.getClass().getSimpleName()
                    + ")");
        }
        for (int i = 0; i < handle.size(); i++) {
            KeysetHandle.Entry entry = handle.getAt(i);
            long id = unsigned(entry.getId());
            if (!(entry.getKey() instanceof AesGcmKey key)) {
                throw new IllegalArgumentException(origin + ": key " + id + " is not an AES-GCM key; only AES-256-GCM "
                        + "keys are accepted");
            }
            AesGcmParameters parameters = key.getParameters();
            if (parameters.getKeySizeBytes() != 32 || parameters.getVariant() != AesGcmParameters.Variant.TINK) {
                throw new IllegalArgumentException(origin + ": key " + id + " must be AES-256-GCM with output prefix "
                        + "TINK, is " + parameters.getKeySizeBytes() * 8 + " bit with " + parameters.getVariant());
            }
            if (entry.getStatus() != KeyStatus.ENABLED) {
                throw new IllegalArgumentException(origin + ": key " + id + " is " + entry.getStatus()
                        + "; remove it from the keyset or enable it");
            }
        }
        return handle;
    }

    static String json(KeysetHandle handle) {
        try {
            return TinkJsonProtoKeysetFormat.serializeKeyset(handle, InsecureSecretKeyAccess.get());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot serialize the keyset", e);
        }
    }

    static Aead aead(KeysetHandle handle) {
        try {
            return handle.getPrimitive(RegistryConfiguration.get(), Aead.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot create the AEAD of the keyset", e);
        }
    }

    private static int indexOf(KeysetHandle handle, long keyId) {
        for (int i = 0; i < handle.size(); i++) {
            if (unsigned(handle.getAt(i).getId()) == keyId) {
                return i;
            }
        }
        throw new IllegalArgumentException("keyId: the keyset has no key " + keyId + "; it has " + keyIds(handle));
    }

    private static KeysetHandle build(KeysetHandle.Builder builder) {
        try {
            return builder.build();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build the keyset", e);
        }
    }
}
