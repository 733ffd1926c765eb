-- Every search and RAG question, per user, for GET /memories/analytics. `normalized` groups the
-- same query typed in another case or spacing. Entries older than the retention are pruned.

CREATE TABLE memory_queries (
  id           uuid PRIMARY KEY,
  user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  kind         text NOT NULL CHECK (kind IN ('search', 'rag')),
  query        text NOT NULL,
  normalized   text NOT NULL,
  mode         text NOT NULL,
  result_count integer NOT NULL,
  created_at   timestamptz NOT NULL
);
CREATE INDEX memory_queries_user_idx ON memory_queries (user_id, created_at);
CREATE INDEX memory_queries_created_idx ON memory_queries (created_at);
