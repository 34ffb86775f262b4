-- Up Migration
-- Every table of the bot. Names are unqualified: the runner's search_path
-- holds only the app's schema, so nothing lands in public.

-- The Telegram session per environment, gzip + base64 as the original bot
-- stored it, so a dyno restart needs no login and nothing lives on disk.
-- seed_sha256 fingerprints the TG_COMPRESSED_SESSION_STRING that seeded the
-- row: a new value of the variable (a fresh login) replaces the stored one.
CREATE TABLE IF NOT EXISTS telegram_sessions (
  environment text PRIMARY KEY,
  session_data text NOT NULL,
  seed_sha256 text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- The translation memory: each published (source, translation) pair, both as
-- the markup the model reads and writes, with the source's embedding. The
-- embedding is real[] (float4, what pgvector stores too) so one column serves
-- the pgvector search and the exact one alike.
CREATE TABLE IF NOT EXISTS translation_pairs (
  id bigserial PRIMARY KEY,
  source_channel_id text NOT NULL,
  source_message_id bigint NOT NULL,
  source_text text NOT NULL,
  translation_text text NOT NULL,
  embedding real[] NOT NULL CHECK (cardinality(embedding) > 0),
  embedding_model text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (source_channel_id, source_message_id)
);

-- One row per source post ever received: what makes a redelivery, restart or
-- crash never post twice. pending → translated → posting → posted, or failed
-- (with its reason) or skipped (nothing to translate).
CREATE TABLE IF NOT EXISTS processed_messages (
  channel_id text NOT NULL,
  message_id bigint NOT NULL,
  state text NOT NULL CHECK (state IN ('pending', 'translated', 'posting', 'posted', 'failed', 'skipped')),
  attempts integer NOT NULL DEFAULT 0,
  source_link text NOT NULL,
  source_text text NOT NULL,
  translation_text text,
  destination_message_id bigint,
  last_error text,
  received_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  posted_at timestamptz,
  PRIMARY KEY (channel_id, message_id)
);

CREATE INDEX IF NOT EXISTS processed_messages_unfinished
  ON processed_messages (received_at) WHERE state IN ('pending', 'translated', 'posting');

-- Down Migration
DROP TABLE IF EXISTS processed_messages;
DROP TABLE IF EXISTS translation_pairs;
DROP TABLE IF EXISTS telegram_sessions;
