package io.patchbay.core.usecase;

import io.patchbay.core.Hub;
import io.patchbay.core.account.LinkRequest;
import io.patchbay.core.account.Visibility;
import io.patchbay.spi.Credentials;
import io.patchbay.spi.Notice;
import io.patchbay.spi.ProviderIdentity;
import io.patchbay.spi.Verification;
import io.patchbay.spi.Workspace;
import io.patchbay.testkit.memory.InMemoryAuditLog;
import io.patchbay.testkit.memory.InMemoryLinkedAccountStore;
import io.patchbay.testkit.memory.TestCipher;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A hub on the in-memory reference ports with one scripted connector and a few provider users. */
class UseCaseFixture {
    static final String TENANT = "ten_a";
    static final String ALICE_TOKEN = "a".repeat(28) + "1111";
    static final String ALICE_NEW_TOKEN = "a".repeat(28) + "2222";
    static final String BOB_TOKEN = "b".repeat(28) + "3333";
    static final String SOLO_TOKEN = "c".repeat(28) + "4444";
    static final String WRONG_TOKEN = "d".repeat(32);

    static final Workspace ADMIN_WS = new Workspace("ws1", "Design", "admin", true, List.of());
    static final Workspace MEMBER_WS = new Workspace("ws2", "Sales", "member", false,
            List.of(Notice.warning("not_workspace_admin", "You are not an admin of Sales")));
    static final Workspace LOCKED_WS = new Workspace("ws3", "Finance", "guest", false,
            List.of(Notice.error("guest_cannot_link", "Guests cannot link Finance")));

    final ScriptedConnector connector = new ScriptedConnector();
    final InMemoryLinkedAccountStore store = new InMemoryLinkedAccountStore();
    final InMemoryAuditLog audit = new InMemoryAuditLog();
    final Hub hub = Hub.builder()
            .connector(connector)
            .store(store)
            .cipher(new TestCipher())
            .auditLog(audit)
            .clock(Clock.fixed(Instant.parse("2026-11-23T10:00:00Z"), ZoneOffset.UTC))
            .build();

    UseCaseFixture() {
        connector.answer(ALICE_TOKEN, () -> verification("u-alice", ADMIN_WS, MEMBER_WS, LOCKED_WS));
        connector.answer(ALICE_NEW_TOKEN, () -> verification("u-alice", ADMIN_WS, MEMBER_WS, LOCKED_WS));
        connector.answer(BOB_TOKEN, () -> verification("u-bob", ADMIN_WS));
        connector.answer(SOLO_TOKEN, () -> verification("u-solo", ADMIN_WS));
    }

    static Verification verification(String userId, Workspace... workspaces) {
        return new Verification(new ProviderIdentity(userId, Optional.of(userId + "@example.com"), "User " + userId,
                Optional.empty(), Map.of()), List.of(workspaces), List.of());
    }

    static Credentials token(String value) {
        return new Credentials("api_token", Map.of("api_token", value));
    }

    static LinkRequest request(String token, String workspace, String owner, String team, Visibility visibility) {
        return new LinkRequest(ScriptedConnector.ID, token(token), Optional.ofNullable(workspace), Optional.empty(),
                owner, Optional.ofNullable(team), visibility);
    }
}
