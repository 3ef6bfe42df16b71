-- While an edit-mode session's change is being verified, until when that attempt holds it (epoch nanoseconds).
-- used_at is set only once the change is stored; a claim past its time is free again (its process died).
ALTER TABLE connect_session ADD COLUMN claimed_until BIGINT;
