-- Embedded chunks of memories, for vector search with pgvector. Only where the extension exists
-- (PGlite ships it; a PostgreSQL server may not, and then another vector index is configured):
-- the DDL runs through EXECUTE so this file parses everywhere. The HNSW index is per dimension and
-- is created by the pgvector adapter for the configured embedder.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'vector') THEN
    CREATE EXTENSION IF NOT EXISTS vector;
    EXECUTE $ddl$
      CREATE TABLE memory_chunks (
        memory_id     uuid NOT NULL REFERENCES memories (id) ON DELETE CASCADE,
        chunk_index   integer NOT NULL,
        owner_id      uuid NOT NULL,
        collection_id uuid,
        tags          text[] NOT NULL DEFAULT '{}',
        memory_type   text NOT NULL,
        text          text NOT NULL,
        model         text NOT NULL,
        dimensions    integer NOT NULL,
        embedding     vector NOT NULL,
        PRIMARY KEY (memory_id, chunk_index)
      )
    $ddl$;
    EXECUTE 'CREATE INDEX memory_chunks_owner_idx ON memory_chunks (owner_id)';
  END IF;
END
$$;
