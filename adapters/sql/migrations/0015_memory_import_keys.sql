-- What makes an import idempotent: each imported memory remembers its record's external_id (or the
-- hash of its content), unique per owner, so running the same file again imports nothing twice.
ALTER TABLE memories ADD COLUMN import_key text;
CREATE UNIQUE INDEX memories_import_key_idx ON memories (owner_id, import_key) WHERE import_key IS NOT NULL;
