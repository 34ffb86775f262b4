-- Up Migration
-- Names are unqualified: the runner's search_path holds only the app's schema,
-- so nothing can land in public. Times are timestamptz (UTC in, UTC out).

-- The games the pipeline follows. The backfill_* columns are the resumable
-- state of the one-off backfill: the Steam cursor of the next page and what
-- it has stored so far.
CREATE TABLE tracked_apps (
  app_id integer PRIMARY KEY CHECK (app_id > 0),
  name text NOT NULL CHECK (name <> ''),
  -- 'placeholder' until Steam's store told us the name (the next pipeline run asks again).
  name_source text NOT NULL DEFAULT 'steam' CHECK (name_source IN ('steam', 'placeholder')),
  active boolean NOT NULL DEFAULT true,
  added_at timestamptz NOT NULL DEFAULT now(),
  added_by text NOT NULL,
  deactivated_at timestamptz,
  deactivated_by text,
  -- When the last complete incremental fetch (or the backfill) started: every
  -- review Steam had published before then is stored. The dashboard's
  -- "Data current as of".
  last_fetched_timestamp timestamptz,
  backfill_state text NOT NULL DEFAULT 'not_started' CHECK (backfill_state IN ('not_started', 'in_progress', 'complete')),
  backfill_cursor text,
  backfill_pages integer NOT NULL DEFAULT 0,
  backfill_stored integer NOT NULL DEFAULT 0,
  backfill_skipped integer NOT NULL DEFAULT 0,
  -- query_summary.total_reviews of the first page: what Steam said there was to fetch.
  backfill_total_reported integer,
  backfill_started_at timestamptz,
  backfill_updated_at timestamptz,
  backfill_completed_at timestamptz
);

CREATE TABLE reviews (
  -- Steam's recommendationid.
  recommendation_id bigint PRIMARY KEY,
  app_id integer NOT NULL REFERENCES tracked_apps (app_id),
  -- Steam's API language code: english, schinese, brazilian, koreana…
  language text NOT NULL,
  review_text text NOT NULL,
  voted_up boolean NOT NULL,
  playtime_forever_minutes integer NOT NULL DEFAULT 0,
  playtime_at_review_minutes integer,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  fetched_at timestamptz NOT NULL DEFAULT now(),
  translated_text text,
  translated_at timestamptz,
  translation_failures smallint NOT NULL DEFAULT 0,
  sentiment text CHECK (sentiment IN ('positive', 'negative', 'mixed', 'neutral')),
  sentiment_score real CHECK (sentiment_score BETWEEN -1 AND 1),
  themes text[],
  analysed_at timestamptz,
  analysis_failures smallint NOT NULL DEFAULT 0,
  CHECK ((analysed_at IS NULL) = (sentiment IS NULL) AND (analysed_at IS NULL) = (sentiment_score IS NULL))
);

-- The dashboard's recent reviews and themes, newest first per game.
CREATE INDEX reviews_app_created ON reviews (app_id, created_at DESC);
-- What the translator and the analyser still have to do, newest first.
CREATE INDEX reviews_awaiting_translation ON reviews (created_at DESC) WHERE translated_text IS NULL AND language <> 'english';
CREATE INDEX reviews_awaiting_analysis ON reviews (created_at DESC) WHERE analysed_at IS NULL;

-- Per game and UTC day, kept in step with reviews by the same statements that
-- insert and analyse them: the dashboard's counts and chart read a few hundred
-- rows here instead of every review.
CREATE TABLE review_days (
  app_id integer NOT NULL REFERENCES tracked_apps (app_id),
  day date NOT NULL,
  reviews integer NOT NULL DEFAULT 0,
  positive integer NOT NULL DEFAULT 0,
  analysed integer NOT NULL DEFAULT 0,
  sentiment_sum double precision NOT NULL DEFAULT 0,
  sentiment_positive integer NOT NULL DEFAULT 0,
  sentiment_negative integer NOT NULL DEFAULT 0,
  PRIMARY KEY (app_id, day)
);

-- Down Migration
DROP TABLE IF EXISTS review_days;
DROP TABLE IF EXISTS reviews;
DROP TABLE IF EXISTS tracked_apps;
