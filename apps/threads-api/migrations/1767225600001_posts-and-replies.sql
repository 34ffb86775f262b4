-- Up Migration
-- What ingestion stores: each user's posts with their metrics and scores, and
-- the replies to them with their toxicity. Deleting a user deletes all of it.
-- Expand only.

CREATE TABLE IF NOT EXISTS posts (
  id text PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  text text NOT NULL DEFAULT '',
  permalink text,
  media_type text NOT NULL,
  published_at timestamptz NOT NULL,
  likes integer NOT NULL DEFAULT 0,
  replies integer NOT NULL DEFAULT 0,
  reposts integer NOT NULL DEFAULT 0,
  quotes integer NOT NULL DEFAULT 0,
  views integer NOT NULL DEFAULT 0,
  -- Weighted interactions, and the same decayed by age at the last ingestion.
  engagement double precision NOT NULL DEFAULT 0,
  engagement_score double precision NOT NULL DEFAULT 0,
  -- Highest moderation category score (0-1) and every category's score; NULL until scored.
  toxicity double precision,
  category_scores jsonb,
  ingested_at timestamptz NOT NULL DEFAULT now()
);
-- One index per sort of /api/v1/me/posts, in the exact order of its ORDER BY (ascending reads it backwards).
CREATE INDEX IF NOT EXISTS posts_by_score ON posts (user_id, engagement_score DESC, published_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS posts_by_recent ON posts (user_id, published_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS posts_by_engagement ON posts (user_id, engagement DESC, published_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS posts_published ON posts (published_at);

CREATE TABLE IF NOT EXISTS replies (
  id text PRIMARY KEY,
  post_id text NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
  -- The owner of the post replied to (whose dashboard shows it).
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  username text NOT NULL DEFAULT '',
  text text NOT NULL DEFAULT '',
  published_at timestamptz NOT NULL,
  toxicity double precision,
  category_scores jsonb,
  ingested_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS replies_by_toxicity ON replies (user_id, toxicity DESC, published_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS replies_post ON replies (post_id);
CREATE INDEX IF NOT EXISTS replies_published ON replies (published_at);

-- Down Migration
DROP TABLE IF EXISTS replies;
DROP TABLE IF EXISTS posts;
