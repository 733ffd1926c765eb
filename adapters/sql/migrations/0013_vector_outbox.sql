-- Index writes bound for an external vector index (Qdrant), written in the same transaction as the
-- memory they describe and applied in order by a relay until they succeed: after any crash the
-- two stores agree again. Each row replaces every chunk of one memory (or removes them all).

CREATE TABLE vector_outbox (
  id         bigserial PRIMARY KEY,
  memory_id  uuid NOT NULL,
  op         text NOT NULL CHECK (op IN ('upsert', 'remove')),
  entries    jsonb NOT NULL DEFAULT '[]'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now()
);
