package io.patchbay.testkit.memory;

import io.patchbay.core.account.AccountQuery;
import io.patchbay.core.account.LinkedAccount;
import io.patchbay.core.account.LinkedAccountStore;
import io.patchbay.core.account.Page;
import io.patchbay.core.error.DuplicateAccountException;
import io.patchbay.core.error.NotFoundException;
import io.patchbay.core.error.StaleVersionException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/** The reference {@link LinkedAccountStore}: plain maps under one lock. For tests and the contract suite. */
public final class InMemoryLinkedAccountStore implements LinkedAccountStore {
    private record Row(LinkedAccount account, byte[] secret) {
    }

    private final Map<String, Row> rows = new TreeMap<>();

    @Override
    public synchronized void insert(LinkedAccount account, byte[] sealedSecret) {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(sealedSecret, "sealedSecret");
        for (Row row : rows.values()) {
            LinkedAccount other = row.account();
            if (other.tenantId().equals(account.tenantId()) && other.connectorId().equals(account.connectorId())
                    && other.providerUserId().equals(account.providerUserId())
                    && other.workspaceId().equals(account.workspaceId())) {
                throw new DuplicateAccountException(other.id());
            }
        }
        if (rows.containsKey(account.id())) {
            throw new IllegalStateException("account id reused: " + account.id());
        }
        rows.put(account.id(), new Row(account, sealedSecret.clone()));
    }

    @Override
    public synchronized Optional<LinkedAccount> find(String tenantId, String accountId) {
        return Optional.ofNullable(rows.get(accountId)).map(Row::account).filter(a -> a.tenantId().equals(tenantId));
    }

    @Override
    public synchronized Optional<byte[]> sealedSecret(String tenantId, String accountId) {
        return Optional.ofNullable(rows.get(accountId))
                .filter(r -> r.account().tenantId().equals(tenantId))
                .map(r -> r.secret().clone());
    }

    @Override
    public synchronized Page<LinkedAccount> list(AccountQuery query) {
        List<LinkedAccount> matching = new ArrayList<>();
        for (Row row : rows.values()) {
            if (query.matches(row.account())) {
                matching.add(row.account());
                if (matching.size() > query.limit()) {
                    break;
                }
            }
        }
        boolean more = matching.size() > query.limit();
        List<LinkedAccount> page = more ? matching.subList(0, query.limit()) : matching;
        return new Page<>(page, more ? Optional.of(page.get(page.size() - 1).id()) : Optional.empty());
    }

    @Override
    public synchronized LinkedAccount update(LinkedAccount account) {
        Row row = current(account);
        LinkedAccount next = account.nextVersion();
        rows.put(account.id(), new Row(next, row.secret()));
        return next;
    }

    @Override
    public synchronized LinkedAccount update(LinkedAccount account, byte[] sealedSecret) {
        current(account);
        LinkedAccount next = account.nextVersion();
        rows.put(account.id(), new Row(next, sealedSecret.clone()));
        return next;
    }

    @Override
    public synchronized boolean delete(String tenantId, String accountId) {
        Row row = rows.get(accountId);
        if (row == null || !row.account().tenantId().equals(tenantId)) {
            return false;
        }
        java.util.Arrays.fill(row.secret(), (byte) 0);
        rows.remove(accountId);
        return true;
    }

    @Override
    public synchronized boolean delete(String tenantId, String accountId, long expectedVersion) {
        Row row = rows.get(accountId);
        if (row == null || !row.account().tenantId().equals(tenantId)) {
            return false;
        }
        if (row.account().version() != expectedVersion) {
            throw new io.patchbay.core.error.StaleVersionException(accountId, expectedVersion);
        }
        return delete(tenantId, accountId);
    }

    private Row current(LinkedAccount account) {
        Row row = rows.get(account.id());
        if (row == null || !row.account().tenantId().equals(account.tenantId())) {
            throw new NotFoundException("account", account.id());
        }
        if (row.account().version() != account.version()) {
            throw new StaleVersionException(account.id(), account.version());
        }
        return row;
    }
}
