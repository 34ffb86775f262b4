-- Up Migration
-- Products and their reviews. Each product carries its reviews' aggregates
-- (counts and sums), updated in the same transaction as every review write,
-- so a read never has to count. Sums are numeric, not float: adding and
-- removing scores leaves no rounding residue. Names are unqualified: the
-- runner's search_path holds only the app's schema, so nothing lands in public.

CREATE TABLE IF NOT EXISTS products (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
  description text NOT NULL DEFAULT '' CHECK (char_length(description) <= 5000),
  category text CHECK (char_length(category) BETWEEN 1 AND 100),
  price_cents integer CHECK (price_cents >= 0),
  review_count integer NOT NULL DEFAULT 0 CHECK (review_count >= 0),
  rating_sum integer NOT NULL DEFAULT 0 CHECK (rating_sum >= 0),
  sentiment_sum numeric(14, 4) NOT NULL DEFAULT 0,
  positive_count integer NOT NULL DEFAULT 0 CHECK (positive_count >= 0),
  neutral_count integer NOT NULL DEFAULT 0 CHECK (neutral_count >= 0),
  negative_count integer NOT NULL DEFAULT 0 CHECK (negative_count >= 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT products_counts_add_up CHECK (positive_count + neutral_count + negative_count = review_count)
);

CREATE INDEX IF NOT EXISTS products_created_at ON products (created_at DESC, id);
CREATE INDEX IF NOT EXISTS products_name ON products (lower(name), id);
CREATE INDEX IF NOT EXISTS products_category ON products (category);

CREATE TABLE IF NOT EXISTS reviews (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  product_id uuid NOT NULL REFERENCES products (id) ON DELETE CASCADE,
  author text NOT NULL CHECK (char_length(author) BETWEEN 1 AND 100),
  rating smallint NOT NULL CHECK (rating BETWEEN 1 AND 5),
  body text NOT NULL CHECK (char_length(body) BETWEEN 1 AND 5000),
  sentiment_score numeric(5, 4) NOT NULL CHECK (sentiment_score BETWEEN -1 AND 1),
  sentiment_label text NOT NULL CHECK (sentiment_label IN ('positive', 'neutral', 'negative')),
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX IF NOT EXISTS reviews_by_product ON reviews (product_id, created_at DESC, id);

-- Down Migration
DROP TABLE IF EXISTS reviews;
DROP TABLE IF EXISTS products;
