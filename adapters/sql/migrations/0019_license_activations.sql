-- License activations: each installation a buyer activates a license key on (the activation's id is
-- the instance_id the software keeps). Only activations without deactivated_at count against the
-- license's limit; activation locks the license row first, so concurrent activations are counted
-- one after another.

CREATE TABLE license_activations (
  id             uuid PRIMARY KEY,
  license_id     uuid NOT NULL REFERENCES licenses (id) ON DELETE CASCADE,
  instance_name  text NOT NULL,
  created_at     timestamptz NOT NULL,
  deactivated_at timestamptz
);
CREATE INDEX license_activations_license_idx ON license_activations (license_id, created_at);
-- One active activation per instance name: activating the same name again answers the existing one.
CREATE UNIQUE INDEX license_activations_active_name_idx ON license_activations (license_id, instance_name) WHERE deactivated_at IS NULL;
