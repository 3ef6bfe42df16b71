-- PostgreSQL only. NOTIFY refuses a payload of 8000 bytes or more, and a trigger that fails fails the write: an
-- account whose tenant and account ids are that long could not be linked, changed or deleted. Such a change is
-- announced as '' instead (every account changed, as for a TRUNCATE): instances drop all they keep in memory.

CREATE FUNCTION patchbay_announce_account(tenant TEXT, account TEXT) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    payload TEXT := tenant || ' ' || account;
BEGIN
    IF octet_length(payload) >= 8000 THEN
        payload := '';
    END IF;
    PERFORM pg_notify('patchbay_account_changed', payload);
END
$$;

CREATE OR REPLACE FUNCTION patchbay_account_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        PERFORM pg_notify('patchbay_account_changed', '');
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        PERFORM patchbay_announce_account(OLD.tenant_id, OLD.id);
    END IF;
    IF TG_OP = 'INSERT' THEN
        PERFORM patchbay_announce_account(NEW.tenant_id, NEW.id);
    ELSIF TG_OP = 'UPDATE' AND (NEW.tenant_id <> OLD.tenant_id OR NEW.id <> OLD.id) THEN
        PERFORM patchbay_announce_account(NEW.tenant_id, NEW.id);
    END IF;
    RETURN NULL;
END
$$;
