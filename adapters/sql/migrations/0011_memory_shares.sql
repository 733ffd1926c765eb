-- Memories and collections shared with other users. A share goes with its memory, collection or
-- grantee (ON DELETE CASCADE), so a deleted object can never be reached through a stale share.

CREATE TABLE memory_shares (
  memory_id  uuid NOT NULL REFERENCES memories (id) ON DELETE CASCADE,
  user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  permission text NOT NULL CHECK (permission IN ('read', 'write')),
  created_at timestamptz NOT NULL,
  PRIMARY KEY (memory_id, user_id)
);
CREATE INDEX memory_shares_user_idx ON memory_shares (user_id, created_at DESC, memory_id DESC);

CREATE TABLE collection_shares (
  collection_id uuid NOT NULL REFERENCES memory_collections (id) ON DELETE CASCADE,
  user_id       uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  permission    text NOT NULL CHECK (permission IN ('read', 'write')),
  created_at    timestamptz NOT NULL,
  PRIMARY KEY (collection_id, user_id)
);
CREATE INDEX collection_shares_user_idx ON collection_shares (user_id, created_at DESC, collection_id DESC);
