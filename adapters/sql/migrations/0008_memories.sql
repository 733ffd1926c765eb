-- Memories and their collections. The full-text vector is a generated column, kept in step with
-- the text by the database itself and indexed with GIN for keyword search.

CREATE TABLE memory_collections (
  id          uuid PRIMARY KEY,
  owner_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name        text NOT NULL,
  description text NOT NULL DEFAULT '',
  created_at  timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL
);

CREATE INDEX memory_collections_owner_idx ON memory_collections (owner_id, created_at DESC, id DESC);

CREATE TABLE memories (
  id            uuid PRIMARY KEY,
  owner_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  collection_id uuid REFERENCES memory_collections (id) ON DELETE SET NULL,
  title         text,
  content       text NOT NULL,
  tags          text[] NOT NULL DEFAULT '{}',
  metadata      jsonb NOT NULL DEFAULT '{}'::jsonb,
  memory_type   text NOT NULL,
  pinned        boolean NOT NULL DEFAULT false,
  created_at    timestamptz NOT NULL,
  updated_at    timestamptz NOT NULL,
  search        tsvector GENERATED ALWAYS AS (to_tsvector('english', coalesce(title, '') || ' ' || content)) STORED
);

CREATE INDEX memories_owner_created_idx ON memories (owner_id, created_at DESC, id DESC);
CREATE INDEX memories_collection_idx ON memories (collection_id, created_at DESC, id DESC);
CREATE INDEX memories_tags_idx ON memories USING gin (tags);
CREATE INDEX memories_search_idx ON memories USING gin (search);
