-- Identity core: users, login sessions, and the refresh tokens each session rotated away.

CREATE TABLE users (
  id                uuid PRIMARY KEY,
  email             text NOT NULL,
  name              text NOT NULL,
  role              text NOT NULL CHECK (role IN ('user', 'admin')),
  password_hash     text NOT NULL,
  email_verified_at timestamptz,
  created_at        timestamptz NOT NULL,
  updated_at        timestamptz NOT NULL
);

-- Emails are normalised before they get here; the index on lower() guards the rule in the database too.
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

CREATE TABLE sessions (
  id                 uuid PRIMARY KEY,
  user_id            uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  refresh_token_hash text NOT NULL,
  created_at         timestamptz NOT NULL,
  last_used_at       timestamptz NOT NULL,
  expires_at         timestamptz NOT NULL,
  ip                 text,
  user_agent         text,
  revoked_at         timestamptz
);

CREATE UNIQUE INDEX sessions_refresh_token_hash_key ON sessions (refresh_token_hash);
CREATE INDEX sessions_user_id_idx ON sessions (user_id);

-- A rotated-away refresh token presented again is proof of theft: it revokes its session.
CREATE TABLE session_rotated_tokens (
  token_hash text PRIMARY KEY,
  session_id uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  rotated_at timestamptz NOT NULL
);

CREATE INDEX session_rotated_tokens_session_id_idx ON session_rotated_tokens (session_id);
