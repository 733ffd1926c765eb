-- API keys: only the SHA-256 of the whole key is kept, unique, so a key is found in one indexed query.

CREATE TABLE api_keys (
  id           uuid PRIMARY KEY,
  user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name         text NOT NULL,
  prefix       text NOT NULL,
  key_hash     text NOT NULL UNIQUE,
  scopes       text[] NOT NULL,
  expires_at   timestamptz,
  last_used_at timestamptz,
  created_at   timestamptz NOT NULL,
  revoked_at   timestamptz
);

CREATE INDEX api_keys_user_idx ON api_keys (user_id, created_at DESC, id DESC);
