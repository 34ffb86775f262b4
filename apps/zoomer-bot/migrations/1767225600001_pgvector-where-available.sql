-- Up Migration
-- pgvector, where this Postgres ships it and the role may install it (Heroku
-- Postgres and Supabase do); elsewhere nothing happens and the bot searches
-- the memory exactly in process. Never fails the release: a missing or
-- forbidden extension is a notice, not an error. An extension that already
-- exists (in `extensions`, `heroku_ext`, …) is used where it is.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'vector') THEN
    RETURN;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'vector') THEN
    RAISE NOTICE 'pgvector is not available on this server: the translation memory is searched exactly in process';
    RETURN;
  END IF;
  BEGIN
    CREATE EXTENSION IF NOT EXISTS vector;
  EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'pgvector could not be installed (%): the translation memory is searched exactly in process', SQLERRM;
  END;
END
$$;

-- Down Migration
-- The extension may serve others in this database: it stays.
SELECT 1;
