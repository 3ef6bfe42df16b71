-- One schema for SQLite and PostgreSQL. Times are epoch nanoseconds (UTC) in BIGINT: exact for java.time.Instant
-- and ordered the same way on both databases. ${idCollation} makes PostgreSQL order ids byte-wise, as SQLite does,
-- so id cursors mean the same thing on both.

CREATE TABLE linked_account (
    id                    TEXT ${idCollation} NOT NULL PRIMARY KEY,
    tenant_id             TEXT NOT NULL,
    connector_id          TEXT NOT NULL,
    auth_method           TEXT NOT NULL,
    label                 TEXT NOT NULL,
    owner_id              TEXT NOT NULL,
    team_id               TEXT,
    visibility            TEXT NOT NULL,
    provider_user_id      TEXT NOT NULL,
    provider_email        TEXT,
    provider_display_name TEXT NOT NULL,
    provider_account_id   TEXT,
    -- '' when the provider has no workspaces: NULLs would not collide in the unique index below.
    workspace_id          TEXT NOT NULL,
    workspace_name        TEXT,
    workspace_role        TEXT,
    status                TEXT NOT NULL,
    status_reason         TEXT,
    secret_hint           TEXT NOT NULL,
    created_at            BIGINT NOT NULL,
    updated_at            BIGINT NOT NULL,
    last_verified_at      BIGINT,
    version               BIGINT NOT NULL,
    -- Tink AEAD ciphertext bound to tenant and account; never plaintext.
    secret                BYTEA NOT NULL,
    -- The keyset key that sealed it (from the ciphertext prefix), so rotation knows which keys are still in use.
    secret_key_id         BIGINT NOT NULL
);

CREATE UNIQUE INDEX linked_account_identity ON linked_account (tenant_id, connector_id, provider_user_id, workspace_id);
-- Each list filter walks one index in id order, so a page costs the same at row 10 and at row 1,000,000.
CREATE INDEX linked_account_tenant ON linked_account (tenant_id, id);
CREATE INDEX linked_account_connector ON linked_account (tenant_id, connector_id, id);
CREATE INDEX linked_account_owner ON linked_account (tenant_id, owner_id, id);
CREATE INDEX linked_account_status ON linked_account (tenant_id, status, id);
CREATE INDEX linked_account_label ON linked_account (tenant_id, label, id);
-- Visibility for end users: whole-tenant accounts, and team accounts of one team.
CREATE INDEX linked_account_shared ON linked_account (tenant_id, visibility, id);
CREATE INDEX linked_account_team ON linked_account (tenant_id, team_id, visibility, id);
CREATE INDEX linked_account_secret_key ON linked_account (secret_key_id);

CREATE TABLE audit_event (
    id         TEXT ${idCollation} NOT NULL PRIMARY KEY,
    tenant_id  TEXT NOT NULL,
    at         BIGINT NOT NULL,
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,
    account_id TEXT,
    -- application/x-www-form-urlencoded name=value pairs: non-secret facts only.
    details    TEXT NOT NULL
);

CREATE INDEX audit_event_tenant ON audit_event (tenant_id, at, id);
CREATE INDEX audit_event_account ON audit_event (tenant_id, account_id, at, id);

CREATE TABLE api_key (
    id          TEXT ${idCollation} NOT NULL PRIMARY KEY,
    tenant_id   TEXT NOT NULL,
    name        TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    hint        TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    revoked_at  BIGINT
);

CREATE UNIQUE INDEX api_key_hash ON api_key (secret_hash);
CREATE INDEX api_key_tenant ON api_key (tenant_id, created_at, id);

CREATE TABLE api_key_scope (
    key_id TEXT NOT NULL REFERENCES api_key (id) ON DELETE CASCADE,
    scope  TEXT NOT NULL,
    PRIMARY KEY (key_id, scope)
);

CREATE INDEX api_key_scope_by_scope ON api_key_scope (scope);

CREATE TABLE connect_session (
    id         TEXT NOT NULL PRIMARY KEY,
    tenant_id  TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    owner_id   TEXT NOT NULL,
    team_id    TEXT,
    label      TEXT,
    account_id TEXT,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT
);

CREATE UNIQUE INDEX connect_session_token ON connect_session (token_hash);
CREATE INDEX connect_session_expiry ON connect_session (expires_at);

CREATE TABLE connect_session_connector (
    session_id   TEXT NOT NULL REFERENCES connect_session (id) ON DELETE CASCADE,
    connector_id TEXT NOT NULL,
    PRIMARY KEY (session_id, connector_id)
);
