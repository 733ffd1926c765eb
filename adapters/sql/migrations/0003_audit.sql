-- Security events per user (logins, password and 2FA changes, keys, revoked sessions).

CREATE TABLE audit_events (
  id         uuid PRIMARY KEY,
  user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  type       text NOT NULL,
  ip         text,
  user_agent text,
  details    jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL
);

CREATE INDEX audit_events_user_idx ON audit_events (user_id, created_at DESC, id DESC);
CREATE INDEX sessions_user_created_idx ON sessions (user_id, created_at DESC, id DESC);
