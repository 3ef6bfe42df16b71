package io.patchbay.server.keyset;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.patchbay.core.Ids;
import io.patchbay.core.audit.AuditEvent;
import io.patchbay.core.audit.AuditLog;
import io.patchbay.server.ServerConfig;
import io.patchbay.server.access.ApiKeyService;
import io.patchbay.server.access.Authenticator;
import io.patchbay.server.access.Caller;
import io.patchbay.server.access.Scope;
import io.patchbay.server.http.ApiException;
import io.patchbay.server.http.Paging;
import io.patchbay.server.http.RouteGroup;
import io.patchbay.server.keyset.KeysetViews.ReencryptView;
import io.patchbay.server.keyset.KeysetViews.RemovedKeysView;
import io.patchbay.server.keyset.KeysetViews.StatusView;
import io.patchbay.storage.KeyRotation;
import io.patchbay.storage.KeysetChangedException;
import io.patchbay.storage.KeysetSource;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /v1/admin/keyset}: online rotation of the keyset that seals account credentials, with an admin key. Each
 * step is the storage's {@link KeyRotation}; answers carry key ids and counts, never key material, and every step
 * is written to the audit log of tenant {@value ApiKeyService#ADMIN_TENANT}.
 */
public final class KeysetRoutes implements RouteGroup {
    static final String KEYSET = "/v1/admin/keyset";
    /** The most rows one re-encryption call may examine when it is given a {@code limit}. */
    static final int MAX_REENCRYPT_LIMIT = 1_000_000;
    private static final Logger LOG = LoggerFactory.getLogger(KeysetRoutes.class);

    private final Authenticator auth;
    private final KeyRotation rotation;
    private final ServerConfig config;
    private final AuditLog audit;
    private final Clock clock;

    @Inject
    public KeysetRoutes(Authenticator auth, KeyRotation rotation, ServerConfig config, AuditLog audit, Clock clock) {
        this.auth = auth;
        this.rotation = rotation;
        this.config = config;
        this.audit = audit;
        this.clock = clock;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get(KEYSET, this::status);
        routes.post(KEYSET + "/keys", this::addPrimaryKey);
        routes.post(KEYSET + "/reencrypt", this::reencrypt);
        routes.delete(KEYSET + "/unused-keys", this::removeUnusedKeys);
    }

    @Override
    public Map<String, Set<String>> queryParameters() {
        return Map.of("POST " + KEYSET + "/reencrypt", Set.of("limit", "cursor"));
    }

    @Override
    public Set<String> bodyless() {
        return Set.of("POST " + KEYSET + "/keys", "POST " + KEYSET + "/reencrypt");
    }

    private void status(Context ctx) {
        auth.key(ctx, Scope.ADMIN);
        ctx.json(StatusView.of(rotation.status()));
    }

    private void addPrimaryKey(Context ctx) {
        Caller.Key caller = auth.key(ctx, Scope.ADMIN);
        long previous = writableStatus().primaryKeyId();
        long added = rotation.addPrimaryKey();
        record(caller, "keyset.key_added", Map.of("key_id", Long.toString(added),
                "previous_primary_key_id", Long.toString(previous)));
        ctx.status(201).json(StatusView.of(rotation.status()));
    }

    /**
     * Re-seals, {@value KeyRotation#DEFAULT_BATCH_SIZE} rows at a time, the secrets not on the primary key: all of
     * them, or with {@code limit} that many rows from {@code cursor} on, so a large store can be done in several calls
     * that each finish well within a proxy's timeout.
     *
     * <p>Each batch re-seals with the keyset file's primary key as it is then. Should another instance make another
     * key primary while a batch runs, that batch writes nothing: the call then answers what the batches before it
     * stored, with the cursor to go on from (a stored change is never reported as failed), or 409 when none had run.
     */
    private void reencrypt(Context ctx) {
        Caller.Key caller = auth.key(ctx, Scope.ADMIN);
        Paging.Request page = Paging.read(ctx, "reencrypt", "acc", MAX_REENCRYPT_LIMIT, Set.of(), Map.of());
        long budget = ctx.queryParam("limit") == null ? Long.MAX_VALUE : page.limit();
        long reencrypted = 0;
        long changed = 0;
        List<String> unreadable = new ArrayList<>();
        Optional<String> cursor = page.after();
        Optional<Long> primary = Optional.empty();
        do {
            KeyRotation.Batch batch;
            try {
                batch = rotation.reencryptBatch(cursor, (int) Math.min(KeyRotation.DEFAULT_BATCH_SIZE, budget));
            } catch (KeysetChangedException e) {
                if (primary.isEmpty()) {
                    throw new ApiException(409, "keyset_changed", "Keyset changed", e.getMessage());
                }
                // The batches before stand; next_cursor (the one this batch started from) goes on from here.
                LOG.warn("Re-encryption stopped after the batches done: {}", e.getMessage());
                break;
            }
            reencrypted += batch.reencrypted();
            changed += batch.changed();
            unreadable.addAll(batch.unreadable());
            // Every row read was re-sealed (moved or changed meanwhile) or could not be opened.
            budget -= batch.reencrypted() + batch.changed() + batch.unreadable().size();
            cursor = batch.nextCursor();
            primary = Optional.of(batch.primaryKeyId());
        } while (cursor.isPresent() && budget > 0);
        // The key the batches sealed with (the last one's), not the keyset as another instance may have changed it.
        long sealedWith = primary.orElseThrow();
        KeyRotation.Status status = rotation.status();
        LOG.info("Re-encrypted {} secrets with key {} ({} changed meanwhile, {} unreadable, {})", reencrypted,
                sealedWith, changed, unreadable.size(), cursor.isPresent() ? "more to do" : "done");
        record(caller, "keyset.reencrypted", Map.of("reencrypted", Long.toString(reencrypted),
                "changed", Long.toString(changed), "unreadable", Integer.toString(unreadable.size()),
                "primary_key_id", Long.toString(sealedWith), "complete", Boolean.toString(cursor.isEmpty())));
        ctx.json(new ReencryptView(reencrypted, changed, unreadable, cursor.map(page::cursorAfter),
                StatusView.of(status)));
    }

    private void removeUnusedKeys(Context ctx) {
        Caller.Key caller = auth.key(ctx, Scope.ADMIN);
        writableStatus();
        List<Long> removed = rotation.removeUnusedKeys();
        record(caller, "keyset.keys_removed", Map.of("key_ids",
                removed.stream().map(String::valueOf).collect(Collectors.joining(","))));
        ctx.json(new RemovedKeysView(removed, StatusView.of(rotation.status())));
    }

    /** The status, when the server can write the keyset back; otherwise a 409 that says how to change it instead. */
    private KeyRotation.Status writableStatus() {
        KeyRotation.Status status = rotation.status();
        if (!status.writable()) {
            throw notWritable("The keyset comes from " + status.keyset() + ", which the server cannot change. "
                    + "Change it with io.patchbay.storage.Keysets, deploy it to every instance and restart; "
                    + "re-encryption (POST " + KEYSET + "/reencrypt) works meanwhile");
        }
        // The change is written to a temporary file in the same directory, then renamed over the keyset file.
        if (config.keyset() instanceof KeysetSource.File file) {
            Path directory = file.path().toAbsolutePath().getParent();
            if (!Files.isWritable(directory)) {
                throw notWritable("The server may not write to the keyset's directory " + directory
                        + "; allow it to, or change the keyset with io.patchbay.storage.Keysets and restart");
            }
        }
        return status;
    }

    private static ApiException notWritable(String detail) {
        return new ApiException(409, "keyset_not_writable", "Keyset not writable", detail);
    }

    private void record(Caller.Key caller, String action, Map<String, String> details) {
        Instant now = clock.instant();
        audit.record(new AuditEvent(Ids.next("evt", now), ApiKeyService.ADMIN_TENANT, now, caller.id(), action,
                Optional.empty(), details));
    }
}
