-- Durable jobs. Workers claim with FOR UPDATE SKIP LOCKED and hold a lease they renew; a job whose
-- lease ran out (its worker died) is claimed again. `checkpoint` is where a resumable job got to.

CREATE TABLE jobs (
  id             uuid PRIMARY KEY,
  type           text NOT NULL,
  owner_id       uuid REFERENCES users (id) ON DELETE CASCADE,
  payload        jsonb NOT NULL DEFAULT '{}'::jsonb,
  status         text NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
  attempts       integer NOT NULL DEFAULT 0,
  max_attempts   integer NOT NULL,
  run_at         timestamptz NOT NULL,
  locked_by      text,
  lease_until    timestamptz,
  progress_done  integer NOT NULL DEFAULT 0,
  progress_total integer,
  checkpoint     jsonb,
  result         jsonb,
  errors         jsonb NOT NULL DEFAULT '[]'::jsonb,
  error_count    integer NOT NULL DEFAULT 0,
  created_at     timestamptz NOT NULL,
  updated_at     timestamptz NOT NULL,
  finished_at    timestamptz
);

-- The claim's two ways in: queued jobs by due time, running jobs by lease expiry.
CREATE INDEX jobs_queued_idx ON jobs (run_at, id) WHERE status = 'queued';
CREATE INDEX jobs_running_idx ON jobs (lease_until) WHERE status = 'running';
CREATE INDEX jobs_owner_idx ON jobs (owner_id, created_at DESC, id DESC);
