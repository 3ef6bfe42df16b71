-- The API key that created a connect session: revoking the key ends its sessions too. Empty for sessions made
-- before this column existed.
ALTER TABLE connect_session ADD COLUMN created_by TEXT;
