package io.patchbay.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.connector.toggl.fake.FakeRequest;
import io.patchbay.connector.toggl.fake.FakeToggl;
import io.patchbay.storage.Keysets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Key rotation through the admin routes on the real server and SQLite store, with linked Toggl accounts (the
 * Toggl fake): add a primary key, re-encrypt, remove the unused key, restart. After each step the accounts still
 * open, and no answer or log line carries key material or a provider token.
 */
class KeyRotationTest {
    static final String KEYSET = "/v1/admin/keyset";
    static FakeToggl toggl;

    @TempDir
    Path data;

    @BeforeAll
    static void startToggl() {
        toggl = FakeToggl.start();
    }

    @AfterAll
    static void stopToggl() {
        toggl.close();
    }

    @BeforeEach
    void resetToggl() {
        toggl.reset();
    }

    @Test
    void rotatingOnAKeysetFileKeepsEveryAccountWorkingAndDropsTheOldKey() {
        Path keysetFile = data.resolve("keyset.json");
        Set<String> keyMaterial = new LinkedHashSet<>();
        List<Api.Response> answers = new ArrayList<>();
        String admin;
        String key;
        String alice;
        String bob;
        String carol;
        long oldKey;
        long newKey;
        try (LogCapture logs = new LogCapture()) {
            try (PatchbayServer server = TestServers.start(data, Map.of("toggl", toggl.baseUrl()))) {
                Api api = new Api(server.port());
                admin = server.firstAdminKey().orElseThrow();
                key = Tenants.key(api, admin, "acme");
                alice = link(api, key, FakeToggl.ALICE, FakeToggl.WS_STUDIO);
                bob = link(api, key, FakeToggl.BOB, FakeToggl.WS_STUDIO);
                keyMaterial.addAll(keyMaterial(keysetFile));

                Api.Response before = api.get(KEYSET).token(admin).send();
                assertThat(before.status()).as(before.toString()).isEqualTo(200);
                assertThat(before.string("source")).isEqualTo("file " + keysetFile.toAbsolutePath());
                assertThat(before.at("writable")).isEqualTo(true);
                oldKey = number(before, "primary_key_id");
                assertThat(keys(before)).containsOnly(Map.entry(oldKey, List.of(true, 2L)));
                assertThat(number(before, "secrets_not_on_primary")).isZero();
                assertThat(Keysets.keyIds(read(keysetFile))).containsExactly(oldKey);

                onlyAdminKeysMayRotate(api, key);
                assertThat(Keysets.keyIds(read(keysetFile))).as("refused calls change nothing").containsExactly(oldKey);

                // Step 1: a new primary key. Old secrets still open with the old key; new ones use the new key.
                Api.Response added = api.post(KEYSET + "/keys").token(admin).send();
                assertThat(added.status()).as(added.toString()).isEqualTo(201);
                newKey = number(added, "primary_key_id");
                assertThat(newKey).isNotEqualTo(oldKey);
                assertThat(keys(added)).containsOnly(Map.entry(oldKey, List.of(false, 2L)),
                        Map.entry(newKey, List.of(true, 0L)));
                assertThat(number(added, "secrets_not_on_primary")).isEqualTo(2);
                assertThat(Keysets.keyIds(read(keysetFile))).containsExactlyInAnyOrder(oldKey, newKey);
                keyMaterial.addAll(keyMaterial(keysetFile));
                assertThat(keyMaterial).as("one stored key value, raw key in base64 and in hex per key").hasSize(6);
                assertUsable(api, key, alice, FakeToggl.ALICE);
                assertUsable(api, key, bob, FakeToggl.BOB);

                carol = link(api, key, FakeToggl.CAROL, FakeToggl.WS_GLOBEX);
                assertThat(storedKeyIds()).containsEntry(alice, oldKey).containsEntry(bob, oldKey)
                        .containsEntry(carol, newKey);
                assertThat(keys(api.get(KEYSET).token(admin).send())).containsOnly(
                        Map.entry(oldKey, List.of(false, 2L)), Map.entry(newKey, List.of(true, 1L)));

                // A premature removal keeps the key that secrets still use.
                Api.Response early = api.delete(KEYSET + "/unused-keys").token(admin).send();
                assertThat(early.status()).as(early.toString()).isEqualTo(200);
                assertThat(longs(early, "removed_key_ids")).isEmpty();
                assertThat(Keysets.keyIds(read(keysetFile))).containsExactlyInAnyOrder(oldKey, newKey);

                // Step 2: re-encrypt, here in two calls of one row each to show the cursor.
                Api.Response badLimit = api.post(KEYSET + "/reencrypt?limit=0").token(admin).send();
                assertThat(badLimit.status()).isEqualTo(400);
                assertThat(badLimit.errorFields()).containsExactly("limit");
                Api.Response badCursor = api.post(KEYSET + "/reencrypt?cursor=zzz&batch=2").token(admin).send();
                assertThat(badCursor.status()).isEqualTo(400);
                assertThat(badCursor.errorFields()).containsExactlyInAnyOrder("cursor", "batch");
                assertThat(storedKeyIds()).as("refused calls change nothing").containsEntry(alice, oldKey)
                        .containsEntry(bob, oldKey);

                Api.Response first = api.post(KEYSET + "/reencrypt?limit=1").token(admin).send();
                assertThat(first.status()).as(first.toString()).isEqualTo(200);
                assertThat(number(first, "reencrypted")).isEqualTo(1);
                assertThat(number(first, "changed")).isZero();
                assertThat(first.strings("unreadable_account_ids")).isEmpty();
                assertThat(first.string("next_cursor")).isNotBlank();
                assertThat(number(first, "keyset.secrets_not_on_primary")).isEqualTo(1);
                assertThat(storedKeyIds().values()).containsExactlyInAnyOrder(oldKey, newKey, newKey);
                String firstMoved = alice.compareTo(bob) < 0 ? alice : bob;
                assertThat(storedKeyIds()).as("rows move in id order").containsEntry(firstMoved, newKey);

                Api.Response rest = api.post(KEYSET + "/reencrypt?cursor=" + first.string("next_cursor"))
                        .token(admin).send();
                assertThat(rest.status()).as(rest.toString()).isEqualTo(200);
                assertThat(number(rest, "reencrypted")).isEqualTo(1);
                assertThat(rest.at("next_cursor")).isNull();
                assertThat(number(rest, "keyset.secrets_not_on_primary")).isZero();
                assertThat(keys(rest)).containsOnly(Map.entry(oldKey, List.of(false, 0L)),
                        Map.entry(newKey, List.of(true, 3L)));
                assertThat(storedKeyIds()).containsOnly(Map.entry(alice, newKey), Map.entry(bob, newKey),
                        Map.entry(carol, newKey));
                assertUsable(api, key, alice, FakeToggl.ALICE);
                assertUsable(api, key, bob, FakeToggl.BOB);
                assertUsable(api, key, carol, FakeToggl.CAROL);

                Api.Response again = api.post(KEYSET + "/reencrypt").token(admin).send();
                assertThat(number(again, "reencrypted")).as("nothing left to move").isZero();

                // Step 3: the old key goes, from the answer and from the file.
                Api.Response removed = api.delete(KEYSET + "/unused-keys").token(admin).send();
                assertThat(removed.status()).as(removed.toString()).isEqualTo(200);
                assertThat(longs(removed, "removed_key_ids")).containsExactly(oldKey);
                assertThat(keys(removed)).containsOnly(Map.entry(newKey, List.of(true, 3L)));
                String file = read(keysetFile);
                assertThat(Keysets.keyIds(file)).containsExactly(newKey);
                assertThat(file).doesNotContain(Long.toString(oldKey));
                assertUsable(api, key, alice, FakeToggl.ALICE);
                assertUsable(api, key, carol, FakeToggl.CAROL);
                assertThat(longs(api.delete(KEYSET + "/unused-keys").token(admin).send(), "removed_key_ids")).isEmpty();

                assertThat(auditTrail()).containsExactly(
                        List.of("keyset.key_added", "key_id=" + newKey + "&previous_primary_key_id=" + oldKey),
                        List.of("keyset.keys_removed", "key_ids="),
                        List.of("keyset.reencrypted", "changed=0&complete=false&primary_key_id=" + newKey
                                + "&reencrypted=1&unreadable=0"),
                        List.of("keyset.reencrypted", "changed=0&complete=true&primary_key_id=" + newKey
                                + "&reencrypted=1&unreadable=0"),
                        List.of("keyset.reencrypted", "changed=0&complete=true&primary_key_id=" + newKey
                                + "&reencrypted=0&unreadable=0"),
                        List.of("keyset.keys_removed", "key_ids=" + oldKey),
                        List.of("keyset.keys_removed", "key_ids="));
                assertThat(auditActors()).as("the admin key that did it").hasSize(1)
                        .allSatisfy(actor -> assertThat(actor).startsWith("key_"));
                answers.addAll(api.responses());
            }

            // The restarted server has only the new key, and every account opens with it.
            try (PatchbayServer restarted = TestServers.start(data, Map.of("toggl", toggl.baseUrl()))) {
                assertThat(restarted.firstAdminKey()).isEmpty();
                Api api = new Api(restarted.port());
                Api.Response status = api.get(KEYSET).token(admin).send();
                assertThat(number(status, "primary_key_id")).isEqualTo(newKey);
                assertThat(keys(status)).containsOnly(Map.entry(newKey, List.of(true, 3L)));
                assertUsable(api, key, alice, FakeToggl.ALICE);
                assertUsable(api, key, bob, FakeToggl.BOB);
                assertUsable(api, key, carol, FakeToggl.CAROL);
                answers.addAll(api.responses());
            }

            List<String> secrets = new ArrayList<>(keyMaterial);
            for (FakeToggl.User user : List.of(FakeToggl.ALICE, FakeToggl.BOB, FakeToggl.CAROL)) {
                secrets.add(user.apiToken());
            }
            List<String> lines = logs.lines();
            assertThat(String.join("\n", lines)).contains("Added key " + newKey)
                    .contains("Removed unused keys [" + oldKey + "]");
            for (String line : lines) {
                for (String secret : secrets) {
                    assertThat(line).as("a log line").doesNotContain(secret);
                }
            }
        }
        assertThat(answers).hasSizeGreaterThan(30);
        for (Api.Response answer : answers) {
            String text = answer.body() + " " + answer.headers().map();
            for (String secret : keyMaterial) {
                assertThat(text).as("an answer").doesNotContain(secret);
            }
            for (FakeToggl.User user : List.of(FakeToggl.ALICE, FakeToggl.BOB, FakeToggl.CAROL)) {
                assertThat(text).as("an answer").doesNotContain(user.apiToken());
            }
        }
    }

    @Test
    void reencryptionUsesAndAuditsThePrimaryKeyAnotherInstanceWroteToTheSharedFile() throws IOException {
        Path keysetFile = data.resolve("keyset.json");
        try (PatchbayServer server = TestServers.start(data, Map.of("toggl", toggl.baseUrl()))) {
            Api api = new Api(server.port());
            String admin = server.firstAdminKey().orElseThrow();
            String key = Tenants.key(api, admin, "acme");
            String alice = link(api, key, FakeToggl.ALICE, FakeToggl.WS_STUDIO);
            long oldKey = number(api.get(KEYSET).token(admin).send(), "primary_key_id");
            // Another instance sharing the file makes a new key primary; this server has not read the file since.
            String rotated = Keysets.addPrimaryKey(read(keysetFile));
            long newKey = Keysets.primaryKeyId(rotated);
            Files.writeString(keysetFile, rotated);

            Api.Response reencrypted = api.post(KEYSET + "/reencrypt").token(admin).send();

            assertThat(reencrypted.status()).as(reencrypted.toString()).isEqualTo(200);
            assertThat(number(reencrypted, "reencrypted")).isEqualTo(1);
            assertThat(reencrypted.strings("unreadable_account_ids")).isEmpty();
            assertThat(storedKeyIds()).containsOnly(Map.entry(alice, newKey));
            assertThat(keys(reencrypted)).containsOnly(Map.entry(oldKey, List.of(false, 0L)),
                    Map.entry(newKey, List.of(true, 1L)));
            assertThat(auditTrail()).containsExactly(List.of("keyset.reencrypted",
                    "changed=0&complete=true&primary_key_id=" + newKey + "&reencrypted=1&unreadable=0"));
            assertUsable(api, key, alice, FakeToggl.ALICE);
        }
    }

    @Test
    void aKeysetFileThatIsGoneWhenAKeyIsAddedIsNamedAsTheProblemNotTheDatabase() throws IOException {
        Path keysetFile = data.resolve("keyset.json");
        try (PatchbayServer server = TestServers.start(data, Map.of("toggl", toggl.baseUrl()))) {
            Api api = new Api(server.port());
            String admin = server.firstAdminKey().orElseThrow();
            String key = Tenants.key(api, admin, "acme");
            String alice = link(api, key, FakeToggl.ALICE, FakeToggl.WS_STUDIO);
            String kept = read(keysetFile);
            Files.delete(keysetFile);

            Api.Response refused = api.post(KEYSET + "/keys").token(admin).send();

            assertThat(refused.status()).as(refused.toString()).isEqualTo(503);
            assertThat(refused.string("code")).isEqualTo("storage_unavailable");
            // Storing any secret reads the file too: which file and why are the log's, not the caller's.
            assertThat(refused.string("title")).isEqualTo("Keyset unavailable");
            assertThat(refused.string("detail")).contains("keyset").doesNotContain("database")
                    .doesNotContain(keysetFile.toString());
            assertThat(refused.header("Retry-After")).contains("5");
            assertThat(keysetFile).doesNotExist();
            Files.writeString(keysetFile, kept);
            assertUsable(api, key, alice, FakeToggl.ALICE);
        }
    }

    /** Without a key 401; a tenant key with every tenant scope, or a connect session, 403. */
    private static void onlyAdminKeysMayRotate(Api api, String tenantKey) {
        String session = api.post("/v1/connect-sessions").token(tenantKey).json(Map.of("owner_id", "u-zoe",
                "allowed_connectors", List.of("toggl"))).send().string("token");
        for (Api.Call call : List.of(api.get(KEYSET), api.post(KEYSET + "/keys"), api.post(KEYSET + "/reencrypt"),
                api.delete(KEYSET + "/unused-keys"))) {
            assertThat(call.send()).satisfies(r -> {
                assertThat(r.status()).isEqualTo(401);
                assertThat(r.string("code")).isEqualTo("unauthenticated");
            });
            assertThat(call.token(tenantKey).send()).satisfies(r -> {
                assertThat(r.status()).as(r.toString()).isEqualTo(403);
                assertThat(r.string("code")).isEqualTo("insufficient_scope");
                assertThat(r.string("required_scope")).isEqualTo("admin");
            });
            assertThat(call.token(session).send()).satisfies(r -> {
                assertThat(r.status()).isEqualTo(403);
                assertThat(r.string("code")).isEqualTo("session_not_allowed");
            });
        }
    }

    @Test
    void aKeysetGivenAsJsonIsRotatedByDeployingItWhileTheServerReencrypts() {
        String keyset = Keysets.generate();
        long oldKey = Keysets.keyIds(keyset).iterator().next();
        String admin;
        String key;
        String alice;
        try (PatchbayServer server = startWithKeyset(keyset)) {
            Api api = new Api(server.port());
            admin = server.firstAdminKey().orElseThrow();
            key = Tenants.key(api, admin, "acme");
            alice = link(api, key, FakeToggl.ALICE, FakeToggl.WS_STUDIO);

            Api.Response status = api.get(KEYSET).token(admin).send();
            assertThat(status.at("writable")).isEqualTo(false);
            assertThat(status.string("source")).isEqualTo("environment variable PATCHBAY_KEYSET_JSON");
            assertThat(keys(status)).containsOnly(Map.entry(oldKey, List.of(true, 1L)));

            for (Api.Call change : List.of(api.post(KEYSET + "/keys"), api.delete(KEYSET + "/unused-keys"))) {
                Api.Response refused = change.token(admin).send();
                assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
                assertThat(refused.string("code")).isEqualTo("keyset_not_writable");
                assertThat(refused.string("detail")).contains("PATCHBAY_KEYSET_JSON")
                        .contains("io.patchbay.storage.Keysets");
            }
            assertThat(keys(api.get(KEYSET).token(admin).send())).containsOnly(
                    Map.entry(oldKey, List.of(true, 1L)));
            for (Api.Response answer : api.responses()) {
                assertThat(answer.body()).doesNotContain(keyset).doesNotContain(FakeToggl.ALICE.apiToken());
            }
        }

        // The operator adds a primary key to the JSON, deploys it and restarts; the server re-encrypts online.
        String rotated = Keysets.addPrimaryKey(keyset);
        long newKey = Keysets.keyIds(rotated).stream().filter(id -> id != oldKey).findFirst().orElseThrow();
        try (PatchbayServer server = startWithKeyset(rotated)) {
            Api api = new Api(server.port());
            assertThat(keys(api.get(KEYSET).token(admin).send())).containsOnly(
                    Map.entry(oldKey, List.of(false, 1L)), Map.entry(newKey, List.of(true, 0L)));
            assertUsable(api, key, alice, FakeToggl.ALICE);
            Api.Response reencrypted = api.post(KEYSET + "/reencrypt").token(admin).send();
            assertThat(reencrypted.status()).as(reencrypted.toString()).isEqualTo(200);
            assertThat(number(reencrypted, "reencrypted")).isEqualTo(1);
            assertThat(keys(reencrypted)).containsOnly(Map.entry(oldKey, List.of(false, 0L)),
                    Map.entry(newKey, List.of(true, 1L)));
            assertThat(storedKeyIds()).containsOnly(Map.entry(alice, newKey));
        }

        // Now the old key can leave the JSON.
        try (PatchbayServer server = startWithKeyset(Keysets.removeKey(rotated, oldKey))) {
            Api api = new Api(server.port());
            assertThat(keys(api.get(KEYSET).token(admin).send())).containsOnly(
                    Map.entry(newKey, List.of(true, 1L)));
            assertUsable(api, key, alice, FakeToggl.ALICE);
        }
    }

    private PatchbayServer startWithKeyset(String keysetJson) {
        return PatchbayServer.start(TestServers.config(data, Map.of("toggl", toggl.baseUrl()),
                Map.of("PATCHBAY_KEYSET_JSON", keysetJson)));
    }

    private static String link(Api api, String key, FakeToggl.User user, long workspace) {
        Api.Response linked = api.post("/v1/accounts").token(key).json(Map.of("connector_id", "toggl",
                "owner_id", "u-" + user.id(), "workspace_id", Long.toString(workspace),
                "credentials", Map.of("api_token", user.apiToken()))).send();
        assertThat(linked.status()).as(linked.toString()).isEqualTo(201);
        return linked.string("account.id");
    }

    /** An action and the proxy both reach Toggl with the account's own token. */
    private static void assertUsable(Api api, String key, String account, FakeToggl.User user) {
        toggl.clearRequests();
        Api.Response action = api.post("/v1/accounts/" + account + "/actions/list_projects").token(key).send();
        assertThat(action.status()).as(action.toString()).isEqualTo(200);
        FakeRequest sent = toggl.requests().get(0);
        assertThat(sent.path()).isEqualTo("/api/v9/workspaces/" + user.defaultWorkspaceId() + "/projects");
        assertThat(sent.basicAuth()).contains(List.of(user.apiToken(), "api_token"));

        Api.Response me = api.get("/v1/accounts/" + account + "/proxy/api/v9/me").token(key).send();
        assertThat(me.status()).as(me.toString()).isEqualTo(200);
        assertThat(me.string("email")).isEqualTo(user.email());
        assertThat(toggl.lastRequest().basicAuth()).contains(List.of(user.apiToken(), "api_token"));
    }

    /** Key id → [primary, secrets]. */
    private static Map<Long, List<Object>> keys(Api.Response response) {
        List<Map<String, Object>> keys = response.json().containsKey("keyset")
                ? response.list("keyset.keys") : response.list("keys");
        Map<Long, List<Object>> byId = new LinkedHashMap<>();
        for (Map<String, Object> k : keys) {
            assertThat(k).containsOnlyKeys("id", "primary", "secrets");
            byId.put(((Number) k.get("id")).longValue(), List.of(k.get("primary"), ((Number) k.get("secrets")).longValue()));
        }
        return byId;
    }

    private static List<Long> longs(Api.Response response, String path) {
        return ((List<?>) response.at(path)).stream().map(n -> ((Number) n).longValue()).toList();
    }

    private static long number(Api.Response response, String path) {
        return ((Number) response.at(path)).longValue();
    }

    /** The key id each stored account row records, read from the database file. */
    private Map<String, Long> storedKeyIds() {
        Map<String, Long> ids = new LinkedHashMap<>();
        query("SELECT id, secret_key_id FROM linked_account ORDER BY id", rs -> ids.put(rs.getString(1), rs.getLong(2)));
        return ids;
    }

    /** The keyset audit events of tenant {@code default}: action and details, oldest first. */
    private List<List<String>> auditTrail() {
        List<List<String>> events = new ArrayList<>();
        query("SELECT action, details FROM audit_event WHERE tenant_id = 'default' AND action LIKE 'keyset.%' "
                + "ORDER BY id", rs -> events.add(List.of(rs.getString(1), rs.getString(2))));
        return events;
    }

    private Set<String> auditActors() {
        Set<String> actors = new LinkedHashSet<>();
        query("SELECT actor FROM audit_event WHERE action LIKE 'keyset.%'", rs -> actors.add(rs.getString(1)));
        return actors;
    }

    private interface Row {
        void read(ResultSet rs) throws SQLException;
    }

    private void query(String sql, Row row) {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("patchbay.db"));
             ResultSet rs = connection.createStatement().executeQuery(sql)) {
            while (rs.next()) {
                row.read(rs);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * What of a keyset file must never show: each key's stored value, and the raw 32-byte AES key inside it (the
     * value is Tink's AesGcmKey message, whose last 32 bytes are the key) in base64 and in hex.
     */
    private static Set<String> keyMaterial(Path keysetFile) {
        Set<String> material = new LinkedHashSet<>();
        Matcher value = Pattern.compile("\"value\"\\s*:\\s*\"([^\"]+)\"").matcher(read(keysetFile));
        while (value.find()) {
            byte[] message = Base64.getDecoder().decode(value.group(1));
            assertThat(message.length).isGreaterThanOrEqualTo(34);
            byte[] aesKey = Arrays.copyOfRange(message, message.length - 32, message.length);
            material.add(value.group(1));
            material.add(Base64.getEncoder().encodeToString(aesKey));
            material.add(HexFormat.of().formatHex(aesKey));
        }
        assertThat(material).isNotEmpty();
        return material;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
