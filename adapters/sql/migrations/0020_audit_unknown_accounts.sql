-- A failed sign-in to an email no account has is audited like one with a wrong password (the same
-- write, so the two take the same time): such an event belongs to no user.

ALTER TABLE audit_events ALTER COLUMN user_id DROP NOT NULL;
