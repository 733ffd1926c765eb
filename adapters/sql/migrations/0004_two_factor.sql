-- TOTP two-factor: the sealed (AES-256-GCM) secret per user, its recovery codes (hashed), and the
-- short-lived challenges that stand between a correct password and a session.

CREATE TABLE user_totp (
  user_id        uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  secret         text,
  pending_secret text,
  enabled_at     timestamptz,
  last_step      bigint
);

CREATE TABLE recovery_codes (
  user_id   uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  code_hash text NOT NULL,
  used_at   timestamptz,
  PRIMARY KEY (user_id, code_hash)
);

CREATE TABLE login_challenges (
  id          uuid PRIMARY KEY,
  user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  token_hash  text NOT NULL UNIQUE,
  expires_at  timestamptz NOT NULL,
  attempts    integer NOT NULL DEFAULT 0,
  consumed_at timestamptz
);
