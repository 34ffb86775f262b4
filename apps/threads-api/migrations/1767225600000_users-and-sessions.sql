-- Up Migration
-- Users signed in with Threads, their Threads token (encrypted at rest) and
-- the families of our own refresh tokens. Names are unqualified: the
-- runner's search_path holds only the app's schema, so nothing lands in public.
-- Expand only: a release running the previous code keeps working.

CREATE TABLE IF NOT EXISTS users (
  id uuid PRIMARY KEY,
  threads_user_id text NOT NULL UNIQUE,
  username text NOT NULL,
  display_name text NOT NULL,
  profile_picture_url text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  last_ingested_at timestamptz
);

-- The long-lived Threads token: AES-256-GCM under TOKEN_ENCRYPTION_KEYS.
CREATE TABLE IF NOT EXISTS threads_tokens (
  user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  access_token_encrypted text NOT NULL,
  expires_at timestamptz NOT NULL,
  issued_at timestamptz NOT NULL DEFAULT now(),
  -- Set when Threads refused the token: the user must sign in again.
  invalid_since timestamptz
);

-- One row per refresh token we issued; a family is one sign-in and its rotations.
CREATE TABLE IF NOT EXISTS refresh_tokens (
  id uuid PRIMARY KEY,
  family_id uuid NOT NULL,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  issued_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  revoked_at timestamptz
);
CREATE INDEX IF NOT EXISTS refresh_tokens_family ON refresh_tokens (family_id);
CREATE INDEX IF NOT EXISTS refresh_tokens_user ON refresh_tokens (user_id);
CREATE INDEX IF NOT EXISTS refresh_tokens_expires ON refresh_tokens (expires_at);

-- Down Migration
DROP TABLE IF EXISTS refresh_tokens;
DROP TABLE IF EXISTS threads_tokens;
DROP TABLE IF EXISTS users;
