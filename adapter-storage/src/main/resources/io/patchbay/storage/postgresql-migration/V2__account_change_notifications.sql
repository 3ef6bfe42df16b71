-- PostgreSQL only. Announces every change to a linked account, whoever makes it (any server instance, a tool, psql),
-- on the channel patchbay_account_changed, so that instances drop the accounts they keep in memory. The payload is
-- '<tenant id> <account id>': ids only, never a column's content. PostgreSQL delivers it at commit, so a listener
-- that reads the row again sees the change. A TRUNCATE announces '' (every account changed).

CREATE FUNCTION patchbay_account_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        PERFORM pg_notify('patchbay_account_changed', '');
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        PERFORM pg_notify('patchbay_account_changed', OLD.tenant_id || ' ' || OLD.id);
    END IF;
    IF TG_OP = 'INSERT' THEN
        PERFORM pg_notify('patchbay_account_changed', NEW.tenant_id || ' ' || NEW.id);
    ELSIF TG_OP = 'UPDATE' AND (NEW.tenant_id <> OLD.tenant_id OR NEW.id <> OLD.id) THEN
        PERFORM pg_notify('patchbay_account_changed', NEW.tenant_id || ' ' || NEW.id);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER linked_account_changed AFTER INSERT OR UPDATE OR DELETE ON linked_account
    FOR EACH ROW EXECUTE FUNCTION patchbay_account_changed();

CREATE TRIGGER linked_account_truncated AFTER TRUNCATE ON linked_account
    FOR EACH STATEMENT EXECUTE FUNCTION patchbay_account_changed();
