package io.patchbay.connector.oneflow;

import io.patchbay.spi.InvalidCredentials;
import io.patchbay.spi.Notice;
import io.patchbay.spi.ProviderIdentity;
import io.patchbay.spi.Verification;
import io.patchbay.spi.Workspace;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The live check. {@code GET /ping} proves only the token, and Oneflow answers 401 for a bad email as for a bad
 * token, so the email is resolved here against the account's users (asked as the anonymous admin, with the token
 * alone) to tell the user which field is wrong.
 */
final class OneflowVerifier {
    private static final int PAGE = 100;
    private static final int MAX_OFFSET = 19_900;

    private final OneflowHttp http;

    OneflowVerifier(OneflowHttp http) {
        this.http = http;
    }

    Verification verify(OneflowApi.Auth auth) {
        OneflowApi.Auth tokenOnly = OneflowApi.Auth.tokenOnly(auth.token());
        Dto.Account account;
        Dto.User user;
        try {
            http.read(tokenOnly, api -> api.ping(tokenOnly));
            account = OneflowActions.body(http.read(tokenOnly, api -> api.account(tokenOnly)));
            user = findUser(tokenOnly, auth.email());
        } catch (InvalidCredentials e) {
            throw new InvalidCredentials("invalid_token", OneflowCredentials.TOKEN,
                    "Oneflow does not accept this API token: check that it was copied whole and has not been revoked.");
        }
        if (user == null) {
            throw new InvalidCredentials("user_not_found", OneflowCredentials.EMAIL,
                    "No user with this email belongs to the Oneflow account that owns the API token.");
        }
        if (!Boolean.TRUE.equals(user.active())) {
            throw new InvalidCredentials("user_inactive", OneflowCredentials.EMAIL,
                    "This Oneflow user is deactivated; use the email of an active user of the account.");
        }
        // Ask as the user, with the very header every later call sends (the email as entered, not Oneflow's
        // spelling of it): Oneflow is not documented to compare emails case-insensitively, so only this proves
        // that actions and the proxy will be accepted.
        List<Dto.Workspace> workspaces;
        try {
            workspaces = allWorkspaces(auth);
        } catch (InvalidCredentials e) {
            throw new InvalidCredentials("user_rejected", OneflowCredentials.EMAIL,
                    user.email().equals(auth.email())
                            ? "Oneflow refused to act as this user; check that the user is active in the token's "
                                    + "account."
                            : "Oneflow refused to act as this user with the email as entered; Oneflow spells it "
                                    + user.email() + ": enter it exactly so, letter case included.");
        }
        boolean admin = Boolean.TRUE.equals(user.isAdmin());
        List<Workspace> reachable = new ArrayList<>();
        for (Dto.Workspace w : workspaces) {
            if (w.id() == null) {
                continue;
            }
            List<Notice> notices = new ArrayList<>();
            Boolean canCreate = w.permissions() == null ? null : w.permissions().get("contract:create");
            if (Boolean.FALSE.equals(canCreate)) {
                notices.add(Notice.warning("cannot_create_contracts", "The user may read this workspace but not "
                        + "create contracts in it; create_contract and publish_contract will be refused."));
            }
            String name = w.name() == null || w.name().isBlank() ? "Workspace " + w.id() : w.name();
            reachable.add(new Workspace(w.id().toString(), name, admin ? "admin" : "member", admin, notices));
        }
        List<Notice> notices = new ArrayList<>();
        if (reachable.isEmpty()) {
            notices.add(Notice.warning("no_workspaces",
                    "The user reaches no workspace; ask a Oneflow admin to add the user to one."));
        }
        Map<String, String> attributes = new LinkedHashMap<>();
        if (account.name() != null) {
            attributes.put("account_name", account.name());
        }
        attributes.put("is_admin", Boolean.toString(admin));
        if (user.title() != null && !user.title().isBlank()) {
            attributes.put("title", user.title());
        }
        String displayName = user.name() == null || user.name().isBlank() ? user.email() : user.name();
        ProviderIdentity identity = new ProviderIdentity(user.id().toString(), Optional.ofNullable(user.email()),
                displayName, Optional.ofNullable(account.id()).map(Object::toString), attributes);
        return new Verification(identity, reachable, notices);
    }

    /**
     * Pages through the account's users; emails compare case-insensitively here only to find the user and name
     * what is wrong: the workspace call then proves the email as entered.
     */
    private Dto.User findUser(OneflowApi.Auth tokenOnly, String email) {
        String wanted = email.strip().toLowerCase(Locale.ROOT);
        for (int offset = 0; offset <= MAX_OFFSET; offset += PAGE) {
            int from = offset;
            Dto.Page<Dto.User> page = OneflowActions.body(http.read(tokenOnly, api -> api.users(tokenOnly, PAGE, from)));
            for (Dto.User user : page.items()) {
                if (user.id() != null && user.email() != null
                        && user.email().strip().toLowerCase(Locale.ROOT).equals(wanted)) {
                    return user;
                }
            }
            if (page.items().size() < PAGE || (page.count() != null && offset + PAGE >= page.count())) {
                return null;
            }
        }
        return null;
    }

    private List<Dto.Workspace> allWorkspaces(OneflowApi.Auth asUser) {
        List<Dto.Workspace> all = new ArrayList<>();
        for (int offset = 0; offset <= MAX_OFFSET; offset += PAGE) {
            Map<String, String> query = new LinkedHashMap<>();
            query.put("limit", Integer.toString(PAGE));
            query.put("offset", Integer.toString(offset));
            Dto.Page<Dto.Workspace> page = OneflowActions.body(http.read(asUser, api -> api.workspaces(asUser, query)));
            all.addAll(page.items());
            if (page.items().size() < PAGE || (page.count() != null && all.size() >= page.count())) {
                break;
            }
        }
        return all;
    }
}
