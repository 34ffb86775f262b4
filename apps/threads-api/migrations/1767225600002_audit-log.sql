-- Up Migration
-- Who did what as an administrator (through Cloudflare Access), and what the
-- scheduled jobs deleted. Not tied to users: it outlives account deletion
-- and names a user only by id. Expand only.

CREATE TABLE IF NOT EXISTS audit_log (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  actor text NOT NULL,
  action text NOT NULL,
  target text,
  details jsonb NOT NULL DEFAULT '{}'::jsonb,
  request_id text
);
CREATE INDEX IF NOT EXISTS audit_log_at ON audit_log (at);

-- Down Migration
DROP TABLE IF EXISTS audit_log;
