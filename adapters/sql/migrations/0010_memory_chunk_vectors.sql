-- Embedded chunks as plain float arrays, for PostgreSQL servers without pgvector: exact search
-- (every readable chunk compared) when neither pgvector nor Qdrant is available.

CREATE TABLE memory_chunk_vectors (
  memory_id     uuid NOT NULL REFERENCES memories (id) ON DELETE CASCADE,
  chunk_index   integer NOT NULL,
  owner_id      uuid NOT NULL,
  collection_id uuid,
  tags          text[] NOT NULL DEFAULT '{}',
  memory_type   text NOT NULL,
  text          text NOT NULL,
  model         text NOT NULL,
  dimensions    integer NOT NULL,
  embedding     double precision[] NOT NULL,
  PRIMARY KEY (memory_id, chunk_index)
);

CREATE INDEX memory_chunk_vectors_owner_idx ON memory_chunk_vectors (owner_id);
