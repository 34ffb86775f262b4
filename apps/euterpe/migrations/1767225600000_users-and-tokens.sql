-- Up Migration
-- The tables the Flask version of euterpe created, column for column, so a
-- database it already initialised is adopted as it is (IF NOT EXISTS) and its
-- Fernet-encrypted tokens stay readable. Names are unqualified: the runner's
-- search_path holds only the app's schema, so nothing can land in public.
-- Timestamps are UTC without time zone, as the Flask app wrote them.

CREATE TABLE IF NOT EXISTS users (
  id varchar(36) PRIMARY KEY,
  spotify_user_id varchar(255) NOT NULL UNIQUE,
  display_name varchar(255) NOT NULL,
  email varchar(255),
  created_at timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'UTC'),
  updated_at timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'UTC')
);

CREATE TABLE IF NOT EXISTS user_tokens (
  id varchar(36) PRIMARY KEY,
  user_id varchar(36) NOT NULL UNIQUE REFERENCES users (id) ON DELETE CASCADE,
  access_token_encrypted text NOT NULL,
  refresh_token_encrypted text NOT NULL,
  expires_at timestamp NOT NULL,
  token_type varchar(50) DEFAULT 'Bearer',
  scope text,
  created_at timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'UTC'),
  updated_at timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'UTC')
);

-- Down Migration
DROP TABLE IF EXISTS user_tokens;
DROP TABLE IF EXISTS users;
